/**
 * What lives in the fd table. Everything is a descriptor: stdio, regular
 * files, directories, and (from the `net` module) sockets, listeners,
 * eventfds and epoll instances — "sockets are files", so `fd_read`,
 * `fd_write`, `fd_close`, `fd_fdstat_get` and `poll_oneoff` work on every
 * kind through this one interface.
 *
 * Operations never block. One that cannot make progress now returns
 * {@linkcode WOULD_BLOCK}; the WASI shim then either returns `EAGAIN` (the
 * descriptor has `fdflags::nonblock`) or awaits {@linkcode Descriptor.waitReadable}
 * / {@linkcode Descriptor.waitWritable} and tries again, which is how a
 * blocking read suspends the guest without blocking the event loop. Buffers
 * passed in are views of guest memory (or scratch space) valid only for the
 * duration of the call: a descriptor that keeps data must copy it.
 *
 * Failures are thrown: a {@linkcode WasiError} with the errno, or a Deno
 * error that the shim maps.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Fdflags } from "../abi/constants.ts";

/** Returned by a non-blocking operation that cannot make progress now. */
export const WOULD_BLOCK: -1 = -1;

/** A file's attributes, as `fd_filestat_get` reports them (times in ns since the epoch). */
export interface Filestat {
  /** Device ID of the device containing the file. */
  dev: bigint;
  /** File serial number. */
  ino: bigint;
  /** File type (`Filetype`). */
  filetype: number;
  /** Number of hard links. */
  nlink: bigint;
  /** Size in bytes (for a symlink, the length of its target). */
  size: bigint;
  /** Last access time. */
  atim: bigint;
  /** Last data modification time. */
  mtim: bigint;
  /** Last status change time. */
  ctim: bigint;
}

/** A file descriptor's object. Implement it by extending {@linkcode BaseDescriptor}. */
export interface Descriptor {
  /** The WASI file type `fd_fdstat_get` reports. */
  readonly filetype: number;
  /** Rights of this descriptor (`Rights` bits). */
  rightsBase: number;
  /** Rights that descriptors created through this one may have. */
  rightsInheriting: number;
  /** `Fdflags` bits: APPEND, NONBLOCK, … */
  fdflags: number;

  /** Reads at the current position: bytes read (0 = end of file) or WOULD_BLOCK. */
  read(buf: Uint8Array): number;
  /** Writes at the current position (or the end, with APPEND): bytes written or WOULD_BLOCK. */
  write(buf: Uint8Array): number;
  /** Reads at `offset` without moving the position. */
  pread(buf: Uint8Array, offset: number): number;
  /** Writes at `offset` without moving the position. */
  pwrite(buf: Uint8Array, offset: number): number;
  /** Moves the position (`whence` in preview1 numbering); returns the new offset. */
  seek(offset: number, whence: number): number;
  /** The current position. */
  tell(): number;
  /** The file's attributes. */
  stat(): Filestat;
  /** Truncates or extends the file. */
  setSize(size: number): void;
  /** Sets the access and/or modification time (ns since the epoch; null leaves it). */
  setTimes(atim: bigint | null, mtim: bigint | null): void;
  /** Makes sure `[offset, offset+len)` is allocated (extends the file if needed). */
  allocate(offset: number, len: number): void;
  /** Flushes data and metadata to storage. */
  sync(): void;
  /** Flushes data to storage. */
  datasync(): void;
  /** Changes the `Fdflags`. */
  setFlags(fdflags: number): void;

  /** For `poll_oneoff`: bytes readable now (0 at end of file), or -1 if a read would block. */
  readable(): number;
  /** For `poll_oneoff`: bytes writable now, or -1 if a write would block. */
  writable(): number;
  /** True when the peer has hung up (reported with read/write readiness). */
  hangup(): boolean;
  /** Settles when a read may make progress (data, end of file, or an error). */
  waitReadable(): Promise<void>;
  /** Settles when a write may make progress. */
  waitWritable(): Promise<void>;

  /** Accepts a connection: the new descriptor, or null if none is pending. */
  accept(): Descriptor | null;
  /** Receives data (`peek` leaves it queued): bytes, 0 at end of stream, or WOULD_BLOCK. */
  recv(buf: Uint8Array, peek: boolean): number;
  /** Sends data: bytes sent or WOULD_BLOCK. */
  send(buf: Uint8Array): number;
  /** Shuts down the reading (`Sdflags.RD`) and/or writing (`Sdflags.WR`) half. */
  shutdown(how: number): void;
  /** Releases the host resource. Called once, when the last fd referring to it is closed. */
  close(): void;
}

function fail(errno: Errno): never {
  throw new WasiError(errno);
}

const READY: Promise<void> = Promise.resolve();

/**
 * Defaults for every operation, answering with the errno POSIX gives for an
 * operation that does not apply to the kind of file (`EBADF`, `ESPIPE`,
 * `ENOTSOCK`, …). Subclasses override what they support.
 */
export abstract class BaseDescriptor implements Descriptor {
  /** The WASI file type. */
  abstract readonly filetype: number;
  /** Rights of this descriptor. */
  rightsBase: number;
  /** Rights for descriptors created through this one. */
  rightsInheriting: number;
  /** `Fdflags` bits. */
  fdflags: number;

  /** Creates a descriptor with the given rights and flags. */
  constructor(rightsBase: number, rightsInheriting = 0, fdflags = 0) {
    this.rightsBase = rightsBase;
    this.rightsInheriting = rightsInheriting;
    this.fdflags = fdflags;
  }

  /** Not readable: `EBADF`. */
  read(_buf: Uint8Array): number {
    return fail(Errno.BADF);
  }
  /** Not writable: `EBADF`. */
  write(_buf: Uint8Array): number {
    return fail(Errno.BADF);
  }
  /** Not seekable: `ESPIPE`. */
  pread(_buf: Uint8Array, _offset: number): number {
    return fail(Errno.SPIPE);
  }
  /** Not seekable: `ESPIPE`. */
  pwrite(_buf: Uint8Array, _offset: number): number {
    return fail(Errno.SPIPE);
  }
  /** Not seekable: `ESPIPE`. */
  seek(_offset: number, _whence: number): number {
    return fail(Errno.SPIPE);
  }
  /** Not seekable: `ESPIPE`. */
  tell(): number {
    return fail(Errno.SPIPE);
  }
  /** The file type with zero attributes. */
  stat(): Filestat {
    return {
      dev: 0n,
      ino: 0n,
      filetype: this.filetype,
      nlink: 1n,
      size: 0n,
      atim: 0n,
      mtim: 0n,
      ctim: 0n,
    };
  }
  /** Not a file: `EINVAL`. */
  setSize(_size: number): void {
    fail(Errno.INVAL);
  }
  /** Not a file: `EBADF`. */
  setTimes(_atim: bigint | null, _mtim: bigint | null): void {
    fail(Errno.BADF);
  }
  /** Not a file: `EBADF`. */
  allocate(_offset: number, _len: number): void {
    fail(Errno.BADF);
  }
  /** Nothing to flush: `EINVAL`, as `fsync` on a pipe. */
  sync(): void {
    fail(Errno.INVAL);
  }
  /** Nothing to flush: `EINVAL`, as `fdatasync` on a pipe. */
  datasync(): void {
    fail(Errno.INVAL);
  }
  /** Accepts APPEND and NONBLOCK; the synchronized-I/O flags cannot be changed: `ENOTSUP`. */
  setFlags(fdflags: number): void {
    const fixed = Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC;
    if ((fdflags & fixed) !== (this.fdflags & fixed)) fail(Errno.NOTSUP);
    this.fdflags = fdflags;
  }
  /** Always ready, nothing known to be available. */
  readable(): number {
    return 0;
  }
  /** Always ready. */
  writable(): number {
    return 0;
  }
  /** No peer. */
  hangup(): boolean {
    return false;
  }
  /** Already settled. */
  waitReadable(): Promise<void> {
    return READY;
  }
  /** Already settled. */
  waitWritable(): Promise<void> {
    return READY;
  }
  /** Not a socket: `ENOTSOCK`. */
  accept(): Descriptor | null {
    return fail(Errno.NOTSOCK);
  }
  /** Not a socket: `ENOTSOCK`. */
  recv(_buf: Uint8Array, _peek: boolean): number {
    return fail(Errno.NOTSOCK);
  }
  /** Not a socket: `ENOTSOCK`. */
  send(_buf: Uint8Array): number {
    return fail(Errno.NOTSOCK);
  }
  /** Not a socket: `ENOTSOCK`. */
  shutdown(_how: number): void {
    fail(Errno.NOTSOCK);
  }
  /** Nothing to release. */
  close(): void {}
}

/**
 * A queue of tasks waiting for a descriptor's state to change: `wait()`
 * returns a Promise that the next `wake()` settles. Asynchronous
 * descriptors (stdin, sockets) use one per direction.
 */
export class WaitQueue {
  #waiting: (() => void)[] = [];

  /** A Promise settled by the next {@linkcode wake}. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Settles every pending {@linkcode wait}. */
  wake(): void {
    const w = this.#waiting;
    if (w.length === 0) return;
    this.#waiting = [];
    for (const resolve of w) resolve();
  }

  /** Number of waiters. */
  get size(): number {
    return this.#waiting.length;
  }
}

/**
 * A regular file (or a device or FIFO opened through a preopen), over a
 * `Deno.FsFile`. The file position is the host descriptor's own, so
 * `fd_read`/`fd_write` are one system call each; `fd_pread`/`fd_pwrite` save
 * and restore it around the access (Deno has no positional I/O).
 *
 * `fdflags::append` is kept here and applied by seeking to the end before
 * each write, so it can be switched on and off at any time; unlike a host
 * `O_APPEND`, that is not atomic against other processes writing the file.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Fdflags, Filetype, Whence } from "../abi/constants.ts";
import { BaseDescriptor, type Filestat } from "./descriptor.ts";
import { filestatOf, nsToSeconds } from "../fs/stat.ts";

const { Start, Current, End } = Deno.SeekMode;
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** An open file. */
export class FileDescriptor extends BaseDescriptor {
  /** Regular file, character/block device, or unknown (FIFO). */
  readonly filetype: number;
  /** The host file. */
  readonly file: Deno.FsFile;
  /** The host path it was opened at (for diagnostics). */
  readonly hostPath: string;

  /** Wraps the open host file `file`. */
  constructor(
    file: Deno.FsFile,
    hostPath: string,
    filetype: number,
    rightsBase: number,
    fdflags: number,
  ) {
    super(rightsBase, 0, fdflags);
    this.file = file;
    this.hostPath = hostPath;
    this.filetype = filetype;
  }

  /** Reads at the position and advances it; 0 at end of file. */
  override read(buf: Uint8Array): number {
    return buf.length === 0 ? 0 : this.file.readSync(buf) ?? 0;
  }

  /** Writes at the position (at the end with APPEND) and advances it. */
  override write(buf: Uint8Array): number {
    if ((this.fdflags & Fdflags.APPEND) !== 0) this.file.seekSync(0, End);
    return this.file.writeSync(buf);
  }

  #at<T>(offset: number, f: () => T): T {
    const saved = this.file.seekSync(0, Current);
    this.file.seekSync(offset, Start);
    try {
      return f();
    } finally {
      this.file.seekSync(saved, Start);
    }
  }

  /** Reads at `offset`; the position does not move. */
  override pread(buf: Uint8Array, offset: number): number {
    return this.#at(offset, () => this.read(buf));
  }

  /** Writes at `offset`; the position does not move. */
  override pwrite(buf: Uint8Array, offset: number): number {
    if (offset + buf.length > MAX_OFFSET) throw new WasiError(Errno.FBIG);
    return this.#at(offset, () => this.file.writeSync(buf));
  }

  /** Moves the position; a negative result is `EINVAL` (from the host). */
  override seek(offset: number, whence: number): number {
    const mode = whence === Whence.SET ? Start : whence === Whence.CUR ? Current : End;
    return this.file.seekSync(offset, mode);
  }

  /** The position. */
  override tell(): number {
    return this.file.seekSync(0, Current);
  }

  /** `fstat`. */
  override stat(): Filestat {
    return filestatOf(this.file.statSync());
  }

  /** `ftruncate`. */
  override setSize(size: number): void {
    this.file.truncateSync(size);
  }

  /** `futimes`, reading the time left unchanged from `fstat` first. */
  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    const s = atim === null || mtim === null ? this.stat() : null;
    this.file.utimeSync(nsToSeconds(atim ?? s!.atim), nsToSeconds(mtim ?? s!.mtim));
  }

  /** Extends the file to `offset + len` if it is shorter (Deno has no `posix_fallocate`). */
  override allocate(offset: number, len: number): void {
    if (this.filetype !== Filetype.REGULAR_FILE) throw new WasiError(Errno.NODEV);
    const end = offset + len;
    if (end > MAX_OFFSET) throw new WasiError(Errno.FBIG);
    if (this.file.statSync().size < end) this.file.truncateSync(end);
  }

  /** `fsync`. */
  override sync(): void {
    this.file.syncSync();
  }

  /** `fdatasync`. */
  override datasync(): void {
    this.file.syncDataSync();
  }

  /** Bytes from the position to the end of a regular file; other files are always ready. */
  override readable(): number {
    if (this.filetype !== Filetype.REGULAR_FILE) return 0;
    return Math.max(0, this.file.statSync().size - this.tell());
  }

  /** Closes the host file. */
  override close(): void {
    this.file.close();
  }
}

/**
 * `_eventfd_sem`: a semaphore eventfd. Its 8-byte counter is read and
 * written with WASI's `fd_read`/`fd_write`: a write adds the little-endian
 * u64 it carries, a read takes 1 (semaphore mode) and returns the value 1,
 * or blocks / `EAGAIN` while the counter is 0. Readable while the counter is
 * non-zero, always writable.
 *
 * @module
 */

import { Errno, Filetype, Rights, WasiError, WOULD_BLOCK } from "../wasi/mod.ts";
import { EpollEvent } from "./abi.ts";
import { Pollable } from "./pollable.ts";

/** Rights of an eventfd in the WASI table. */
const EVENTFD_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.POLL_FD_READWRITE |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET;

/** Largest counter value, 2^64 - 2 as Linux; kept as a number, so 2^53 here. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** A semaphore eventfd. */
export class EventFd extends Pollable {
  /** No WASI type for it. */
  readonly filetype: number = Filetype.UNKNOWN;
  /** The counter. */
  count: number;

  /** Creates an eventfd with the counter at `initial`. */
  constructor(initial: number) {
    super(EVENTFD_RIGHTS);
    this.count = initial;
  }

  /** Readable while the counter is non-zero; always writable. */
  events(): number {
    return this.count > 0 ? EpollEvent.IN | EpollEvent.OUT : EpollEvent.OUT;
  }

  /** Takes 1 from the counter; writes the u64 1. */
  override read(buf: Uint8Array): number {
    if (buf.length < 8) throw new WasiError(Errno.INVAL);
    if (this.count === 0) return WOULD_BLOCK;
    this.count--;
    buf.fill(0, 0, 8);
    buf[0] = 1;
    return 8;
  }

  /** Adds the little-endian u64 in `buf` to the counter. */
  override write(buf: Uint8Array): number {
    if (buf.length < 8) throw new WasiError(Errno.INVAL);
    const dv = new DataView(buf.buffer, buf.byteOffset, 8);
    const v = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
    if (v > MAX_COUNT - this.count) throw new WasiError(Errno.INVAL);
    if (v === 0) return 8;
    this.count += v;
    this.changed();
    return 8;
  }

  /** Drops registrations. */
  override close(): void {
    this.detach();
  }
}

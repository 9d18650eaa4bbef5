/**
 * `fd_*` calls that move data or the file position, or manage descriptors:
 * read, write, pread, pwrite, seek, tell, close, renumber, sync, datasync,
 * advise, allocate.
 *
 * A read or write that would block ({@linkcode WOULD_BLOCK}) returns `EAGAIN`
 * on a descriptor with `fdflags::nonblock`; otherwise the call returns a
 * Promise that waits for readiness and retries, suspending the guest. The
 * iovecs are re-read after every wait, since memory may have grown.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Advice, Fdflags, Whence } from "../abi/constants.ts";
import { Rights } from "../abi/rights.ts";
import type { CallResult, WasiContext } from "../context.ts";
import { type Descriptor, WOULD_BLOCK } from "../fd/descriptor.ts";

/** A guest file offset or size (u64) as a safe integer; `EINVAL` beyond 2^53. */
export function offsetArg(value: bigint): number {
  const v = BigInt.asUintN(64, value);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiError(Errno.INVAL);
  return Number(v);
}

function nonblocking(d: Descriptor): boolean {
  return (d.fdflags & Fdflags.NONBLOCK) !== 0;
}

/**
 * `fd_read(fd, iovs, iovs_len, nread_ptr)`: reads into the buffers in order
 * and advances the position.
 *
 * Result (Errno): `SUCCESS` (`*nread` 0 at end of file); `BADF` when `fd` is
 * not open or not readable; `FAULT` for buffers outside memory; `AGAIN` when
 * no data is ready on a non-blocking descriptor; `ISDIR`, `IO`, … from the host.
 */
export function fdRead(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  iovsLen: number,
  nreadPtr: number,
): CallResult {
  const d = ctx.fds.require(fd, Rights.FD_READ, Errno.BADF);
  const { mem } = ctx;
  const total = mem.iovecTotal(iovs, iovsLen);
  mem.check(nreadPtr, 4);
  const target = mem.scatterTarget(iovs, iovsLen, total);
  const n = d.read(target);
  if (n !== WOULD_BLOCK) {
    mem.scatter(iovs, iovsLen, target, n);
    mem.setU32(nreadPtr, n);
    return Errno.SUCCESS;
  }
  if (nonblocking(d)) return Errno.AGAIN;
  return readBlocking(ctx, d, iovs, iovsLen, nreadPtr);
}

async function readBlocking(
  ctx: WasiContext,
  d: Descriptor,
  iovs: number,
  iovsLen: number,
  nreadPtr: number,
): Promise<number> {
  const { mem } = ctx;
  for (;;) {
    await d.waitReadable();
    mem.refresh();
    const total = mem.iovecTotal(iovs, iovsLen);
    const target = mem.scatterTarget(iovs, iovsLen, total);
    const n = d.read(target);
    if (n === WOULD_BLOCK) continue;
    mem.scatter(iovs, iovsLen, target, n);
    mem.setU32(nreadPtr, n);
    return Errno.SUCCESS;
  }
}

/**
 * `fd_write(fd, iovs, iovs_len, nwritten_ptr)`: writes the buffers in order
 * at the position (at the end with `fdflags::append`) and advances it.
 *
 * Result (Errno): `SUCCESS`; `BADF` when `fd` is not open or not writable;
 * `FAULT` for buffers outside memory; `AGAIN` when a non-blocking descriptor
 * cannot take data now; `PIPE`, `NOSPC`, `FBIG`, `IO`, … from the host.
 */
export function fdWrite(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  iovsLen: number,
  nwrittenPtr: number,
): CallResult {
  const d = ctx.fds.require(fd, Rights.FD_WRITE, Errno.BADF);
  const { mem } = ctx;
  const total = mem.iovecTotal(iovs, iovsLen);
  mem.check(nwrittenPtr, 4);
  const n = d.write(mem.gather(iovs, iovsLen, total));
  if (n !== WOULD_BLOCK) {
    mem.setU32(nwrittenPtr, n);
    return Errno.SUCCESS;
  }
  if (nonblocking(d)) return Errno.AGAIN;
  return writeBlocking(ctx, d, iovs, iovsLen, nwrittenPtr);
}

async function writeBlocking(
  ctx: WasiContext,
  d: Descriptor,
  iovs: number,
  iovsLen: number,
  nwrittenPtr: number,
): Promise<number> {
  const { mem } = ctx;
  for (;;) {
    await d.waitWritable();
    mem.refresh();
    const total = mem.iovecTotal(iovs, iovsLen);
    const n = d.write(mem.gather(iovs, iovsLen, total));
    if (n === WOULD_BLOCK) continue;
    mem.setU32(nwrittenPtr, n);
    return Errno.SUCCESS;
  }
}

/**
 * `fd_pread(fd, iovs, iovs_len, offset, nread_ptr)`: reads at `offset`
 * without moving the position.
 *
 * Result (Errno): `SUCCESS`; `BADF` (not open or not readable); `SPIPE` (not
 * seekable); `INVAL` (offset beyond 2^53); `FAULT`.
 */
export function fdPread(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  iovsLen: number,
  offset: bigint,
  nreadPtr: number,
): number {
  const d = ctx.fds.require(fd, Rights.FD_READ, Errno.BADF);
  const { mem } = ctx;
  const total = mem.iovecTotal(iovs, iovsLen);
  mem.check(nreadPtr, 4);
  const at = offsetArg(offset);
  const target = mem.scatterTarget(iovs, iovsLen, total);
  const n = d.pread(target, at);
  mem.scatter(iovs, iovsLen, target, n);
  mem.setU32(nreadPtr, n);
  return Errno.SUCCESS;
}

/**
 * `fd_pwrite(fd, iovs, iovs_len, offset, nwritten_ptr)`: writes at `offset`
 * without moving the position.
 *
 * Result (Errno): `SUCCESS`; `BADF` (not open or not writable); `SPIPE` (not
 * seekable); `INVAL` (offset beyond 2^53); `FBIG`; `FAULT`.
 */
export function fdPwrite(
  ctx: WasiContext,
  fd: number,
  iovs: number,
  iovsLen: number,
  offset: bigint,
  nwrittenPtr: number,
): number {
  const d = ctx.fds.require(fd, Rights.FD_WRITE, Errno.BADF);
  const { mem } = ctx;
  const total = mem.iovecTotal(iovs, iovsLen);
  mem.check(nwrittenPtr, 4);
  const at = offsetArg(offset);
  mem.setU32(nwrittenPtr, d.pwrite(mem.gather(iovs, iovsLen, total), at));
  return Errno.SUCCESS;
}

/**
 * Shared by preview1 and preview0 (which number `whence` differently; the
 * caller passes preview1's numbering).
 */
export function seekWith(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  whence: number,
  newOffsetPtr: number,
): number {
  const delta = BigInt.asIntN(64, offset);
  const tellOnly = delta === 0n && whence === Whence.CUR;
  const d = ctx.fds.get(fd);
  if (d === undefined) throw new WasiError(Errno.BADF);
  const need = tellOnly ? Rights.FD_TELL : Rights.FD_SEEK;
  if ((d.rightsBase & (need | Rights.FD_SEEK)) === 0) throw new WasiError(Errno.NOTCAPABLE);
  ctx.mem.check(newOffsetPtr, 8);
  if (whence !== Whence.SET && whence !== Whence.CUR && whence !== Whence.END) {
    throw new WasiError(Errno.INVAL);
  }
  if (delta > BigInt(Number.MAX_SAFE_INTEGER) || delta < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new WasiError(Errno.INVAL);
  }
  ctx.mem.setU64n(newOffsetPtr, d.seek(Number(delta), whence));
  return Errno.SUCCESS;
}

/**
 * `fd_seek(fd, offset, whence, newoffset_ptr)`: moves the position;
 * `whence` is preview1's (`SET` 0, `CUR` 1, `END` 2).
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_SEEK`, or no
 * `FD_TELL` for a plain tell); `SPIPE` (stdio, sockets); `INVAL` (bad
 * whence, negative result); `FAULT`.
 */
export function fdSeek(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  whence: number,
  newOffsetPtr: number,
): number {
  return seekWith(ctx, fd, offset, whence, newOffsetPtr);
}

/**
 * `fd_tell(fd, offset_ptr)`: the current position.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_TELL`); `SPIPE`; `FAULT`.
 */
export function fdTell(ctx: WasiContext, fd: number, offsetPtr: number): number {
  const d = ctx.fds.get(fd);
  if (d === undefined) throw new WasiError(Errno.BADF);
  if ((d.rightsBase & (Rights.FD_TELL | Rights.FD_SEEK)) === 0) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  ctx.mem.check(offsetPtr, 8);
  ctx.mem.setU64n(offsetPtr, d.tell());
  return Errno.SUCCESS;
}

/**
 * `fd_close(fd)`: closes the descriptor (a preopen too, as in wasmtime).
 *
 * Result (Errno): `SUCCESS`; `BADF` when `fd` is not open.
 */
export function fdClose(ctx: WasiContext, fd: number): number {
  ctx.fds.close(fd);
  return Errno.SUCCESS;
}

/**
 * `fd_renumber(from, to)`: moves `from` to `to`, closing what `to` was.
 *
 * Result (Errno): `SUCCESS`; `BADF` when either is not open.
 */
export function fdRenumber(ctx: WasiContext, from: number, to: number): number {
  ctx.fds.renumber(from, to);
  return Errno.SUCCESS;
}

/**
 * `fd_sync(fd)`: flushes data and metadata to storage.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_SYNC`); `INVAL`
 * (nothing to flush, like a pipe); `IO`.
 */
export function fdSync(ctx: WasiContext, fd: number): number {
  ctx.fds.require(fd, Rights.FD_SYNC).sync();
  return Errno.SUCCESS;
}

/**
 * `fd_datasync(fd)`: flushes data to storage.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_DATASYNC`); `INVAL`; `IO`.
 */
export function fdDatasync(ctx: WasiContext, fd: number): number {
  ctx.fds.require(fd, Rights.FD_DATASYNC).datasync();
  return Errno.SUCCESS;
}

/**
 * `fd_advise(fd, offset, len, advice)`: an access-pattern hint. Checked,
 * then ignored (Deno has no `posix_fadvise`).
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_ADVISE`); `INVAL`
 * (unknown advice, or offset + len overflows).
 */
export function fdAdvise(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  len: bigint,
  advice: number,
): number {
  ctx.fds.require(fd, Rights.FD_ADVISE);
  if (advice < Advice.NORMAL || advice > Advice.NOREUSE) throw new WasiError(Errno.INVAL);
  if (BigInt.asUintN(64, offset) + BigInt.asUintN(64, len) >= 1n << 63n) {
    throw new WasiError(Errno.INVAL);
  }
  return Errno.SUCCESS;
}

/**
 * `fd_allocate(fd, offset, len)`: makes sure the range is allocated,
 * extending the file when it is shorter.
 *
 * Result (Errno): `SUCCESS`; `BADF` (not open, or no `FD_ALLOCATE`: not open for writing);
 * `INVAL` (zero length or beyond 2^53); `NODEV` (not a regular file); `FBIG`.
 */
export function fdAllocate(ctx: WasiContext, fd: number, offset: bigint, len: bigint): number {
  const d = ctx.fds.require(fd, Rights.FD_ALLOCATE, Errno.BADF); // not open for writing
  const l = offsetArg(len);
  if (l === 0) throw new WasiError(Errno.INVAL);
  d.allocate(offsetArg(offset), l);
  return Errno.SUCCESS;
}

/**
 * `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown` over any
 * descriptor that implements the socket operations (a preopened listener
 * from `-S tcplisten`, or sockets of the `net` module: they share the fd
 * table). Blocking follows the descriptor's `fdflags::nonblock`, as with
 * `fd_read`/`fd_write`.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Fdflags, Riflags, Sdflags } from "../abi/constants.ts";
import { Rights } from "../abi/rights.ts";
import type { CallResult, WasiContext } from "../context.ts";
import { type Descriptor, WOULD_BLOCK } from "../fd/descriptor.ts";

function nonblocking(d: Descriptor): boolean {
  return (d.fdflags & Fdflags.NONBLOCK) !== 0;
}

function install(
  ctx: WasiContext,
  listener: Descriptor,
  conn: Descriptor,
  flags: number,
  ptr: number,
) {
  conn.fdflags = flags & Fdflags.NONBLOCK;
  conn.rightsBase &= listener.rightsInheriting;
  conn.rightsInheriting &= listener.rightsInheriting;
  let fd: number;
  try {
    fd = ctx.fds.insert(conn);
  } catch (e) {
    conn.close();
    throw e;
  }
  ctx.mem.refresh();
  ctx.mem.setU32(ptr, fd);
  return Errno.SUCCESS;
}

/**
 * `sock_accept(fd, flags, ro_fd_ptr)`: accepts a connection on a listening
 * socket; `flags` may hold `fdflags::nonblock` for the new descriptor.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `SOCK_ACCEPT`);
 * `NOTSOCK`; `INVAL` (other flags); `AGAIN` (none pending on a non-blocking
 * listener); `MFILE`; `FAULT`.
 */
export function sockAccept(
  ctx: WasiContext,
  fd: number,
  flags: number,
  roFdPtr: number,
): CallResult {
  const d = ctx.fds.require(fd, Rights.SOCK_ACCEPT);
  if ((flags & ~Fdflags.NONBLOCK) !== 0) throw new WasiError(Errno.INVAL);
  ctx.mem.check(roFdPtr, 4);
  const c = d.accept();
  if (c !== null) return install(ctx, d, c, flags, roFdPtr);
  if (nonblocking(d)) return Errno.AGAIN;
  return (async () => {
    for (;;) {
      await d.waitReadable();
      const c = d.accept();
      if (c !== null) return install(ctx, d, c, flags, roFdPtr);
    }
  })();
}

/**
 * `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen_ptr, ro_flags_ptr)`:
 * receives into the buffers; `RECV_PEEK` leaves the data queued,
 * `RECV_WAITALL` waits until the buffers are full or the stream ends.
 *
 * Result (Errno): `SUCCESS` (`*ro_datalen` 0 at end of stream); `BADF`;
 * `NOTSOCK`; `INVAL` (unknown flags); `AGAIN`; `CONNRESET`; `FAULT`.
 */
export function sockRecv(
  ctx: WasiContext,
  fd: number,
  riData: number,
  riDataLen: number,
  riFlags: number,
  roDatalenPtr: number,
  roFlagsPtr: number,
): CallResult {
  const d = ctx.fds.require(fd, Rights.FD_READ, Errno.BADF);
  if ((riFlags & ~(Riflags.RECV_PEEK | Riflags.RECV_WAITALL)) !== 0) {
    throw new WasiError(Errno.INVAL);
  }
  const { mem } = ctx;
  const total = mem.iovecTotal(riData, riDataLen);
  mem.check(roDatalenPtr, 4);
  mem.check(roFlagsPtr, 2);
  const peek = (riFlags & Riflags.RECV_PEEK) !== 0;
  const waitAll = (riFlags & Riflags.RECV_WAITALL) !== 0 && !peek;

  // WAITALL may take several reads: they go to a host buffer, copied to the guest at the end.
  const all = waitAll ? new Uint8Array(total) : null;
  const finish = (data: Uint8Array, n: number) => {
    mem.refresh();
    mem.iovecTotal(riData, riDataLen);
    mem.scatter(riData, riDataLen, data, n);
    mem.setU32(roDatalenPtr, n);
    mem.setU16(roFlagsPtr, 0);
    return Errno.SUCCESS;
  };
  const target = all ?? mem.scatterTarget(riData, riDataLen, total);
  const n = d.recv(target, peek);
  if (n !== WOULD_BLOCK && (all === null || n === 0 || n === total)) return finish(target, n);
  if (n === WOULD_BLOCK && nonblocking(d)) return Errno.AGAIN;
  return (async () => {
    let done = n === WOULD_BLOCK ? 0 : n;
    for (;;) {
      await d.waitReadable();
      mem.refresh();
      const into = all ?? mem.scatterTarget(riData, riDataLen, mem.iovecTotal(riData, riDataLen));
      const m = d.recv(into.subarray(done), peek);
      if (m === WOULD_BLOCK) continue;
      done += m;
      if (all === null) return finish(into, done);
      if (m === 0 || done === total) return finish(all, done);
    }
  })();
}

/**
 * `sock_send(fd, si_data, si_data_len, si_flags, so_datalen_ptr)`: sends the
 * buffers (no flags are defined).
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTSOCK`; `INVAL` (flags); `AGAIN`;
 * `PIPE`; `CONNRESET`; `FAULT`.
 */
export function sockSend(
  ctx: WasiContext,
  fd: number,
  siData: number,
  siDataLen: number,
  siFlags: number,
  soDatalenPtr: number,
): CallResult {
  const d = ctx.fds.require(fd, Rights.FD_WRITE, Errno.BADF);
  if (siFlags !== 0) throw new WasiError(Errno.INVAL);
  const { mem } = ctx;
  const total = mem.iovecTotal(siData, siDataLen);
  mem.check(soDatalenPtr, 4);
  const n = d.send(mem.gather(siData, siDataLen, total));
  if (n !== WOULD_BLOCK) {
    mem.setU32(soDatalenPtr, n);
    return Errno.SUCCESS;
  }
  if (nonblocking(d)) return Errno.AGAIN;
  return (async () => {
    for (;;) {
      await d.waitWritable();
      mem.refresh();
      const m = d.send(mem.gather(siData, siDataLen, mem.iovecTotal(siData, siDataLen)));
      if (m === WOULD_BLOCK) continue;
      mem.setU32(soDatalenPtr, m);
      return Errno.SUCCESS;
    }
  })();
}

/**
 * `sock_shutdown(fd, how)`: shuts down the reading and/or writing half.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `SOCK_SHUTDOWN`);
 * `NOTSOCK`; `INVAL` (bad `how`); `NOTCONN`.
 */
export function sockShutdown(ctx: WasiContext, fd: number, how: number): number {
  const d = ctx.fds.require(fd, Rights.SOCK_SHUTDOWN);
  if (how === 0 || (how & ~(Sdflags.RD | Sdflags.WR)) !== 0) throw new WasiError(Errno.INVAL);
  d.shutdown(how);
  return Errno.SUCCESS;
}

/**
 * `fd_*` calls that describe a descriptor or list a directory: fdstat
 * get/set, filestat get/set, prestat, readdir.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Clockid, Fdflags, Fstflags, Preopentype } from "../abi/constants.ts";
import { hasUnknownRights, Rights, rightsFromAbi } from "../abi/rights.ts";
import { DIRENT, FDSTAT, FILESTAT, type FilestatLayout, PRESTAT } from "../abi/layout.ts";
import type { WasiContext } from "../context.ts";
import type { Filestat } from "../fd/descriptor.ts";
import { DirectoryDescriptor } from "../fd/directory.ts";
import type { GuestMemory } from "../memory.ts";
import { offsetArg } from "./fd.ts";
import { clockNow } from "./clock.ts";

const encoder = new TextEncoder();

/** Writes `st` at `ptr` in the given layout (preview1's or preview0's), padding zeroed. */
export function writeFilestat(
  mem: GuestMemory,
  ptr: number,
  st: Filestat,
  layout: FilestatLayout,
): void {
  const p = mem.check(ptr, layout.STRUCT_SIZE);
  mem.u8.fill(0, p, p + layout.STRUCT_SIZE);
  mem.setU64(p + layout.DEV, st.dev);
  mem.setU64(p + layout.INO, st.ino);
  mem.setU8(p + layout.FILETYPE, st.filetype);
  if (layout.NLINK === FILESTAT.NLINK) mem.setU64(p + layout.NLINK, st.nlink);
  else mem.setU32(p + layout.NLINK, Number(st.nlink > 0xffffffffn ? 0xffffffffn : st.nlink));
  mem.setU64(p + layout.SIZE, st.size);
  mem.setU64(p + layout.ATIM, st.atim);
  mem.setU64(p + layout.MTIM, st.mtim);
  mem.setU64(p + layout.CTIM, st.ctim);
}

/**
 * Decodes the `(atim, mtim, fstflags)` of the `*_filestat_set_times` calls
 * into the times to set (null: leave unchanged).
 * `EINVAL` when a time is both given and "now", or for unknown flags.
 */
export function timesArg(
  atim: bigint,
  mtim: bigint,
  fstflags: number,
): [bigint | null, bigint | null] {
  const all = Fstflags.ATIM | Fstflags.ATIM_NOW | Fstflags.MTIM | Fstflags.MTIM_NOW;
  if ((fstflags & ~all) !== 0) throw new WasiError(Errno.INVAL);
  const both = (set: number, now: number) => (fstflags & set) !== 0 && (fstflags & now) !== 0;
  if (both(Fstflags.ATIM, Fstflags.ATIM_NOW) || both(Fstflags.MTIM, Fstflags.MTIM_NOW)) {
    throw new WasiError(Errno.INVAL);
  }
  const now = (fstflags & (Fstflags.ATIM_NOW | Fstflags.MTIM_NOW)) !== 0
    ? BigInt(clockNow(Clockid.REALTIME))
    : 0n;
  const pick = (flags: number, set: number, nowFlag: number, value: bigint) =>
    (flags & nowFlag) !== 0 ? now : (flags & set) !== 0 ? BigInt.asUintN(64, value) : null;
  return [
    pick(fstflags, Fstflags.ATIM, Fstflags.ATIM_NOW, atim),
    pick(fstflags, Fstflags.MTIM, Fstflags.MTIM_NOW, mtim),
  ];
}

/**
 * `fd_fdstat_get(fd, buf)`: file type, fdflags and rights.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `FAULT`.
 */
export function fdFdstatGet(ctx: WasiContext, fd: number, buf: number): number {
  const d = ctx.fds.get(fd);
  if (d === undefined) throw new WasiError(Errno.BADF);
  const { mem } = ctx;
  const p = mem.check(buf, FDSTAT.SIZE);
  mem.u8.fill(0, p, p + FDSTAT.SIZE);
  mem.setU8(p + FDSTAT.FILETYPE, d.filetype);
  mem.setU16(p + FDSTAT.FLAGS, d.fdflags);
  mem.setU64n(p + FDSTAT.RIGHTS_BASE, d.rightsBase);
  mem.setU64n(p + FDSTAT.RIGHTS_INHERITING, d.rightsInheriting);
  return Errno.SUCCESS;
}

/**
 * `fd_fdstat_set_flags(fd, flags)`: sets `append` and `nonblock`.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_FDSTAT_SET_FLAGS`);
 * `INVAL` (unknown bits); `NOTSUP` (changing `dsync`/`rsync`/`sync`, which
 * Deno cannot do on an open file).
 */
export function fdFdstatSetFlags(ctx: WasiContext, fd: number, flags: number): number {
  const d = ctx.fds.require(fd, Rights.FD_FDSTAT_SET_FLAGS);
  const known = Fdflags.APPEND | Fdflags.DSYNC | Fdflags.NONBLOCK | Fdflags.RSYNC | Fdflags.SYNC;
  if ((flags & ~known) !== 0) throw new WasiError(Errno.INVAL);
  d.setFlags(flags);
  return Errno.SUCCESS;
}

/**
 * `fd_fdstat_set_rights(fd, fs_rights_base, fs_rights_inheriting)`: drops
 * rights; rights can never be added back.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (a right not held now).
 */
export function fdFdstatSetRights(
  ctx: WasiContext,
  fd: number,
  base: bigint,
  inheriting: bigint,
): number {
  const d = ctx.fds.get(fd);
  if (d === undefined) throw new WasiError(Errno.BADF);
  if (hasUnknownRights(base) || hasUnknownRights(inheriting)) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  const b = rightsFromAbi(base);
  const i = rightsFromAbi(inheriting);
  if ((b & ~d.rightsBase) !== 0 || (i & ~d.rightsInheriting) !== 0) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  d.rightsBase = b;
  d.rightsInheriting = i;
  return Errno.SUCCESS;
}

/** `fd_filestat_get` for either snapshot's layout. */
export function filestatGetWith(
  ctx: WasiContext,
  fd: number,
  buf: number,
  layout: FilestatLayout,
): number {
  const d = ctx.fds.require(fd, Rights.FD_FILESTAT_GET);
  ctx.mem.check(buf, layout.STRUCT_SIZE);
  writeFilestat(ctx.mem, buf, d.stat(), layout);
  return Errno.SUCCESS;
}

/**
 * `fd_filestat_get(fd, buf)`: the open file's attributes.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_FILESTAT_GET`); `FAULT`; `IO`.
 */
export function fdFilestatGet(ctx: WasiContext, fd: number, buf: number): number {
  return filestatGetWith(ctx, fd, buf, FILESTAT);
}

/**
 * `fd_filestat_set_size(fd, size)`: truncates or zero-extends the file.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `INVAL` (no `FD_FILESTAT_SET_SIZE`, i.e.
 * not open for writing, as Linux answers; not a file; beyond 2^53); `FBIG`; `IO`.
 */
export function fdFilestatSetSize(ctx: WasiContext, fd: number, size: bigint): number {
  // Without the right the file was not opened for writing: EINVAL, as Linux's ftruncate.
  ctx.fds.require(fd, Rights.FD_FILESTAT_SET_SIZE, Errno.INVAL).setSize(offsetArg(size));
  return Errno.SUCCESS;
}

/**
 * `fd_filestat_set_times(fd, atim, mtim, fst_flags)`: sets the access and/or
 * modification time (to a value or to now). Host file times have millisecond
 * resolution under Deno.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no
 * `FD_FILESTAT_SET_TIMES`); `INVAL` (a time both given and "now", unknown flags).
 */
export function fdFilestatSetTimes(
  ctx: WasiContext,
  fd: number,
  atim: bigint,
  mtim: bigint,
  fstflags: number,
): number {
  const d = ctx.fds.require(fd, Rights.FD_FILESTAT_SET_TIMES);
  const [a, m] = timesArg(atim, mtim, fstflags);
  if (a !== null || m !== null) d.setTimes(a, m);
  return Errno.SUCCESS;
}

function preopen(ctx: WasiContext, fd: number): Uint8Array {
  const d = ctx.fds.get(fd);
  if (!(d instanceof DirectoryDescriptor) || d.preopenName === null) {
    throw new WasiError(Errno.BADF);
  }
  return encoder.encode(d.preopenName);
}

/**
 * `fd_prestat_get(fd, buf)`: for a preopened directory, its tag (`dir`) and
 * the length of its guest name. wasi-libc walks fds 3, 4, … until `BADF`.
 *
 * Result (Errno): `SUCCESS`; `BADF` (not open, or not a preopen); `FAULT`.
 */
export function fdPrestatGet(ctx: WasiContext, fd: number, buf: number): number {
  const name = preopen(ctx, fd);
  const { mem } = ctx;
  const p = mem.check(buf, PRESTAT.SIZE);
  mem.u8.fill(0, p, p + PRESTAT.SIZE);
  mem.setU8(p + PRESTAT.TAG, Preopentype.DIR);
  mem.setU32(p + PRESTAT.NAME_LEN, name.length);
  return Errno.SUCCESS;
}

/**
 * `fd_prestat_dir_name(fd, path, path_len)`: the preopen's guest name (no NUL).
 *
 * Result (Errno): `SUCCESS`; `BADF` (not a preopen); `NAMETOOLONG` (buffer
 * shorter than the name); `FAULT`.
 */
export function fdPrestatDirName(ctx: WasiContext, fd: number, path: number, len: number): number {
  const name = preopen(ctx, fd);
  const out = ctx.mem.bytes(path, len);
  if (out.length < name.length) throw new WasiError(Errno.NAMETOOLONG);
  out.set(name);
  return Errno.SUCCESS;
}

/**
 * `fd_readdir(fd, buf, buf_len, cookie, bufused_ptr)`: fills the buffer with
 * `dirent` headers each followed by its name, starting after `cookie` (0:
 * from the start). The last entry is cut off when it does not fit, and a
 * full buffer (`*bufused == buf_len`) tells the guest to call again from the
 * last whole entry's `d_next`.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTCAPABLE` (no `FD_READDIR`);
 * `NOTDIR` (not a directory); `FAULT`.
 */
export function fdReaddir(
  ctx: WasiContext,
  fd: number,
  buf: number,
  bufLen: number,
  cookie: bigint,
  bufusedPtr: number,
): number {
  const d = ctx.fds.require(fd, Rights.FD_READDIR);
  if (!(d instanceof DirectoryDescriptor)) throw new WasiError(Errno.NOTDIR);
  const { mem } = ctx;
  const out = mem.bytes(buf, bufLen);
  mem.check(bufusedPtr, 4);
  const { entries, first } = d.entries(BigInt.asUintN(64, cookie));
  const header = new Uint8Array(DIRENT.SIZE);
  const hv = new DataView(header.buffer);
  let used = 0;
  for (let i = first; i < entries.length && used < out.length; i++) {
    const e = entries[i];
    header.fill(0);
    hv.setBigUint64(DIRENT.NEXT, BigInt(i + 1), true);
    hv.setBigUint64(DIRENT.INO, e.ino, true);
    hv.setUint32(DIRENT.NAMLEN, e.name.length, true);
    hv.setUint8(DIRENT.TYPE, e.filetype);
    const h = Math.min(DIRENT.SIZE, out.length - used);
    out.set(header.subarray(0, h), used);
    used += h;
    const n = Math.min(e.name.length, out.length - used);
    out.set(e.name.subarray(0, n), used);
    used += n;
  }
  mem.setU32(bufusedPtr, used);
  return Errno.SUCCESS;
}

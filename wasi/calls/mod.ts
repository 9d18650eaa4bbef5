/**
 * The import tables: every function of `wasi_snapshot_preview1` and of
 * `wasi_unstable` (preview0), by import name, as host calls taking the
 * context first. Preview0 shares the preview1 implementation except where
 * its ABI differs:
 *
 * | function | preview0 difference |
 * | --- | --- |
 * | `fd_seek` | `whence` numbering: CUR 0, END 1, SET 2 (preview1: SET 0, CUR 1, END 2) |
 * | `fd_filestat_get`, `path_filestat_get` | 56-byte `filestat`, u32 `nlink` at 20 |
 * | `poll_oneoff` | 56-byte `subscription`, clock fields after a u64 `identifier` |
 * | `sock_accept` | absent (added in preview1) |
 *
 * @module
 */

import { Whence, WhenceP0 } from "../abi/constants.ts";
import { FILESTAT_P0, SUBSCRIPTION_P0 } from "../abi/layout.ts";
import type { CallResult, WasiContext } from "../context.ts";
import { argsGet, argsSizesGet, environGet, environSizesGet } from "./args.ts";
import { clockResGet, clockTimeGet } from "./clock.ts";
import { randomGet } from "./random.ts";
import {
  fdAdvise,
  fdAllocate,
  fdClose,
  fdDatasync,
  fdPread,
  fdPwrite,
  fdRead,
  fdRenumber,
  fdSeek,
  fdSync,
  fdTell,
  fdWrite,
  seekWith,
} from "./fd.ts";
import {
  fdFdstatGet,
  fdFdstatSetFlags,
  fdFdstatSetRights,
  fdFilestatGet,
  fdFilestatSetSize,
  fdFilestatSetTimes,
  fdPrestatDirName,
  fdPrestatGet,
  fdReaddir,
  filestatGetWith,
} from "./fd_stat.ts";
import {
  pathCreateDirectory,
  pathFilestatGet,
  pathFilestatGetWith,
  pathFilestatSetTimes,
  pathLink,
  pathReadlink,
  pathRemoveDirectory,
  pathRename,
  pathSymlink,
  pathUnlinkFile,
} from "./path.ts";
import { pathOpen } from "./path_open.ts";
import { pollOneoff, pollWith } from "./poll.ts";
import { procExit, procRaise, schedYield } from "./proc.ts";
import { sockAccept, sockRecv, sockSend, sockShutdown } from "./sock.ts";

/**
 * A host call: the context, then the wasm arguments (i32 as number, i64 as
 * bigint). The parameter list is `never[]` so that every call's own precise
 * signature fits; the import wrapper passes what the guest passed.
 */
export type HostCall = (ctx: WasiContext, ...args: never[]) => CallResult;

/** `wasi_snapshot_preview1`, by import name. */
export const PREVIEW1: Readonly<Record<string, HostCall>> = {
  args_get: argsGet,
  args_sizes_get: argsSizesGet,
  environ_get: environGet,
  environ_sizes_get: environSizesGet,
  clock_res_get: clockResGet,
  clock_time_get: clockTimeGet,
  fd_advise: fdAdvise,
  fd_allocate: fdAllocate,
  fd_close: fdClose,
  fd_datasync: fdDatasync,
  fd_fdstat_get: fdFdstatGet,
  fd_fdstat_set_flags: fdFdstatSetFlags,
  fd_fdstat_set_rights: fdFdstatSetRights,
  fd_filestat_get: fdFilestatGet,
  fd_filestat_set_size: fdFilestatSetSize,
  fd_filestat_set_times: fdFilestatSetTimes,
  fd_pread: fdPread,
  fd_prestat_get: fdPrestatGet,
  fd_prestat_dir_name: fdPrestatDirName,
  fd_pwrite: fdPwrite,
  fd_read: fdRead,
  fd_readdir: fdReaddir,
  fd_renumber: fdRenumber,
  fd_seek: fdSeek,
  fd_sync: fdSync,
  fd_tell: fdTell,
  fd_write: fdWrite,
  path_create_directory: pathCreateDirectory,
  path_filestat_get: pathFilestatGet,
  path_filestat_set_times: pathFilestatSetTimes,
  path_link: pathLink,
  path_open: pathOpen,
  path_readlink: pathReadlink,
  path_remove_directory: pathRemoveDirectory,
  path_rename: pathRename,
  path_symlink: pathSymlink,
  path_unlink_file: pathUnlinkFile,
  poll_oneoff: pollOneoff,
  proc_exit: procExit,
  proc_raise: procRaise,
  random_get: randomGet,
  sched_yield: schedYield,
  sock_accept: sockAccept,
  sock_recv: sockRecv,
  sock_send: sockSend,
  sock_shutdown: sockShutdown,
};

/** Preview0 `whence` → preview1 `whence` (an out-of-range value stays invalid). */
const WHENCE_FROM_P0: Readonly<Record<number, number>> = {
  [WhenceP0.CUR]: Whence.CUR,
  [WhenceP0.END]: Whence.END,
  [WhenceP0.SET]: Whence.SET,
};

/**
 * `fd_seek` of `wasi_unstable`: `whence` is preview0's (CUR 0, END 1, SET 2).
 *
 * Result (Errno): as preview1's `fd_seek`.
 */
export function fdSeekP0(
  ctx: WasiContext,
  fd: number,
  offset: bigint,
  whence: number,
  newOffsetPtr: number,
): number {
  return seekWith(ctx, fd, offset, WHENCE_FROM_P0[whence] ?? 255, newOffsetPtr);
}

/**
 * `fd_filestat_get` of `wasi_unstable`: 56-byte filestat.
 *
 * Result (Errno): as preview1's.
 */
export function fdFilestatGetP0(ctx: WasiContext, fd: number, buf: number): number {
  return filestatGetWith(ctx, fd, buf, FILESTAT_P0);
}

/**
 * `path_filestat_get` of `wasi_unstable`: 56-byte filestat.
 *
 * Result (Errno): as preview1's.
 */
export function pathFilestatGetP0(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  buf: number,
): number {
  return pathFilestatGetWith(ctx, fd, flags, path, len, buf, FILESTAT_P0);
}

/**
 * `poll_oneoff` of `wasi_unstable`: 56-byte subscriptions.
 *
 * Result (Errno): as preview1's.
 */
export function pollOneoffP0(
  ctx: WasiContext,
  inPtr: number,
  outPtr: number,
  nsubscriptions: number,
  neventsPtr: number,
): CallResult {
  return pollWith(ctx, inPtr, outPtr, nsubscriptions, neventsPtr, SUBSCRIPTION_P0);
}

/** `wasi_unstable`, by import name. */
export const PREVIEW0: Readonly<Record<string, HostCall>> = (() => {
  const t: Record<string, HostCall> = { ...PREVIEW1 };
  delete t.sock_accept;
  t.fd_seek = fdSeekP0;
  t.fd_filestat_get = fdFilestatGetP0;
  t.path_filestat_get = pathFilestatGetP0;
  t.poll_oneoff = pollOneoffP0;
  return t;
})();

/** Import names whose call may return a Promise (the guest then suspends). */
export const SUSPENDING_CALLS: ReadonlySet<string> = new Set([
  "fd_read",
  "poll_oneoff",
  "sock_accept",
  "sock_recv",
  "sock_send",
]);

/**
 * `path_*` calls other than `path_open`: create/remove directory, filestat
 * get/set times, link, readlink, rename, symlink, unlink.
 *
 * Every path is resolved inside the directory descriptor it is relative to
 * (see `../fs/resolve.ts`): escapes are `EPERM`, and the host path acted on
 * is made of components checked one by one. The answers for edge cases
 * (trailing slashes, "." as the last component, existing targets) follow
 * POSIX on Linux, which is what wasmtime reports on Linux.
 *
 * @module
 */

// node:fs only for what Deno lacks or blurs: rmdir(2) and unlink(2) exactly (Deno.remove
// picks by file type, which a racing swap could change), and lutimes.
import * as fs from "node:fs";
import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Lookupflags } from "../abi/constants.ts";
import { FILESTAT, type FilestatLayout } from "../abi/layout.ts";
import { Rights } from "../abi/rights.ts";
import type { WasiContext } from "../context.ts";
import { DirectoryDescriptor } from "../fd/directory.ts";
import { type Resolved, resolveVerified } from "../fs/resolve.ts";
import { filestatOf, nsToSeconds } from "../fs/stat.ts";
import { timesArg, writeFilestat } from "./fd_stat.ts";

const encoder = new TextEncoder();

/** The directory descriptor `fd`, checked for `rights`; `NOTDIR` if it is another kind. */
export function directoryArg(ctx: WasiContext, fd: number, rights: number): DirectoryDescriptor {
  const d = ctx.fds.require(fd, rights);
  if (!(d instanceof DirectoryDescriptor)) throw new WasiError(Errno.NOTDIR);
  return d;
}

/** Resolves the guest path at `(ptr, len)` inside `dir`. */
export function resolveArg(
  ctx: WasiContext,
  dir: DirectoryDescriptor,
  ptr: number,
  len: number,
  follow: boolean,
): Resolved {
  return resolveVerified(dir.hostPath, ctx.mem.string(ptr, len), follow);
}

function follows(lookupflags: number): boolean {
  return (lookupflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
}

/** The final component must be an entry that can be created or removed, not "." or "..". */
function named(r: Resolved, errno: Errno): void {
  if (r.depth === 0 || r.dotLast) throw new WasiError(errno);
}

/**
 * `path_create_directory(fd, path, path_len)`.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE` (no
 * `PATH_CREATE_DIRECTORY`); `EXIST`; `NOENT` (a missing parent); `PERM`
 * (escapes the directory); `ACCES`; `FAULT`; `ILSEQ` (not UTF-8).
 */
export function pathCreateDirectory(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_CREATE_DIRECTORY);
  const r = resolveArg(ctx, dir, path, len, false);
  if (r.stat !== null || r.depth === 0) throw new WasiError(Errno.EXIST);
  Deno.mkdirSync(r.path);
  return Errno.SUCCESS;
}

/** `path_filestat_get` for either snapshot's layout. */
export function pathFilestatGetWith(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  buf: number,
  layout: FilestatLayout,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_FILESTAT_GET);
  ctx.mem.check(buf, layout.STRUCT_SIZE);
  const r = resolveArg(ctx, dir, path, len, follows(flags));
  if (r.stat === null) throw new WasiError(Errno.NOENT);
  writeFilestat(ctx.mem, buf, filestatOf(r.stat), layout);
  return Errno.SUCCESS;
}

/**
 * `path_filestat_get(fd, flags, path, path_len, buf)`: a file's attributes,
 * of the symlink itself unless `flags` has `SYMLINK_FOLLOW`.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE`; `NOENT`;
 * `PERM` (escape); `LOOP`; `ACCES`; `FAULT`.
 */
export function pathFilestatGet(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  buf: number,
): number {
  return pathFilestatGetWith(ctx, fd, flags, path, len, buf, FILESTAT);
}

/**
 * `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`:
 * sets a file's times (of the symlink itself unless `SYMLINK_FOLLOW`).
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE`; `NOENT`;
 * `INVAL` (bad flags); `PERM` (escape); `ACCES`; `FAULT`.
 */
export function pathFilestatSetTimes(
  ctx: WasiContext,
  fd: number,
  flags: number,
  path: number,
  len: number,
  atim: bigint,
  mtim: bigint,
  fstflags: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES);
  const [a, m] = timesArg(atim, mtim, fstflags);
  const r = resolveArg(ctx, dir, path, len, follows(flags));
  if (r.stat === null) throw new WasiError(Errno.NOENT);
  if (a === null && m === null) return Errno.SUCCESS;
  const now = filestatOf(r.stat);
  const at = nsToSeconds(a ?? now.atim);
  const mt = nsToSeconds(m ?? now.mtim);
  if (r.stat.isSymlink) fs.lutimesSync(r.path, at, mt);
  else Deno.utimeSync(r.path, at, mt);
  return Errno.SUCCESS;
}

/**
 * `path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path,
 * new_path_len)`: a hard link. Without `SYMLINK_FOLLOW` a symlink is linked
 * itself, as `linkat` does.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE` (no
 * `PATH_LINK_SOURCE` / `PATH_LINK_TARGET`); `NOENT`; `EXIST`; `PERM` (a
 * directory, or an escape); `XDEV`; `ACCES`; `FAULT`.
 */
export function pathLink(
  ctx: WasiContext,
  oldFd: number,
  oldFlags: number,
  oldPath: number,
  oldLen: number,
  newFd: number,
  newPath: number,
  newLen: number,
): number {
  const od = directoryArg(ctx, oldFd, Rights.PATH_LINK_SOURCE);
  const nd = directoryArg(ctx, newFd, Rights.PATH_LINK_TARGET);
  const o = resolveArg(ctx, od, oldPath, oldLen, follows(oldFlags));
  const n = resolveArg(ctx, nd, newPath, newLen, false);
  if (o.stat === null) throw new WasiError(Errno.NOENT);
  if (o.stat.isDirectory) throw new WasiError(Errno.PERM);
  if (n.stat !== null || n.depth === 0) throw new WasiError(Errno.EXIST);
  if (n.trailingSlash) throw new WasiError(Errno.NOENT);
  Deno.linkSync(o.path, n.path);
  return Errno.SUCCESS;
}

/**
 * `path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr)`: a
 * symlink's target, cut to `buf_len` bytes as `readlink` does (no NUL).
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE`; `NOENT`;
 * `INVAL` (not a symlink); `PERM` (escape); `FAULT`.
 */
export function pathReadlink(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
  buf: number,
  bufLen: number,
  bufusedPtr: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_READLINK);
  const out = ctx.mem.bytes(buf, bufLen);
  ctx.mem.check(bufusedPtr, 4);
  const r = resolveArg(ctx, dir, path, len, false);
  if (r.stat === null) throw new WasiError(Errno.NOENT);
  if (!r.stat.isSymlink) throw new WasiError(Errno.INVAL);
  const target = encoder.encode(Deno.readLinkSync(r.path));
  const n = Math.min(target.length, out.length);
  out.set(target.subarray(0, n));
  ctx.mem.setU32(bufusedPtr, n);
  return Errno.SUCCESS;
}

/**
 * `path_remove_directory(fd, path, path_len)`: removes an empty directory.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR` (not a directory, a symlink
 * included); `NOTCAPABLE`; `NOENT`; `NOTEMPTY`; `INVAL` ("." last);
 * `PERM` (escape); `ACCES`; `FAULT`.
 */
export function pathRemoveDirectory(
  ctx: WasiContext,
  fd: number,
  path: number,
  len: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_REMOVE_DIRECTORY);
  const r = resolveArg(ctx, dir, path, len, false);
  named(r, Errno.INVAL);
  if (r.stat === null) throw new WasiError(Errno.NOENT);
  if (!r.stat.isDirectory) throw new WasiError(Errno.NOTDIR);
  fs.rmdirSync(r.path);
  return Errno.SUCCESS;
}

/**
 * `path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)`:
 * renames a file or directory, replacing the target as `rename(2)` does.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE` (no
 * `PATH_RENAME_SOURCE` / `PATH_RENAME_TARGET`); `NOENT`; `ISDIR`;
 * `NOTEMPTY`; `INVAL` (into itself, or "." last); `XDEV`; `PERM` (escape);
 * `ACCES`; `FAULT`.
 */
export function pathRename(
  ctx: WasiContext,
  fd: number,
  oldPath: number,
  oldLen: number,
  newFd: number,
  newPath: number,
  newLen: number,
): number {
  const od = directoryArg(ctx, fd, Rights.PATH_RENAME_SOURCE);
  const nd = directoryArg(ctx, newFd, Rights.PATH_RENAME_TARGET);
  const o = resolveArg(ctx, od, oldPath, oldLen, false);
  const n = resolveArg(ctx, nd, newPath, newLen, false);
  if (o.stat === null) throw new WasiError(Errno.NOENT);
  named(o, Errno.INVAL);
  named(n, o.stat.isDirectory ? Errno.NOTEMPTY : Errno.ISDIR);
  if (!o.stat.isDirectory && (o.trailingSlash || n.trailingSlash)) {
    throw new WasiError(Errno.NOTDIR);
  }
  Deno.renameSync(o.path, n.path);
  return Errno.SUCCESS;
}

/**
 * `path_symlink(old_path, old_path_len, fd, new_path, new_path_len)`:
 * creates symlink `new_path` with contents `old_path`. A target that is
 * absolute, or whose ".."s climb above the directory, is refused: it could
 * never be followed inside the sandbox.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE` (no
 * `PATH_SYMLINK`); `EXIST`; `NOENT` (empty target, missing parent, trailing
 * "/"); `PERM` (absolute or escaping target, or an escaping path); `ACCES`; `FAULT`.
 */
export function pathSymlink(
  ctx: WasiContext,
  oldPath: number,
  oldLen: number,
  fd: number,
  newPath: number,
  newLen: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_SYMLINK);
  const target = ctx.mem.string(oldPath, oldLen);
  if (target.includes("\0")) throw new WasiError(Errno.INVAL);
  if (target.length === 0) throw new WasiError(Errno.NOENT);
  if (target[0] === "/") throw new WasiError(Errno.PERM, "symlink to an absolute path");
  const n = resolveArg(ctx, dir, newPath, newLen, false);
  if (n.stat !== null || n.depth === 0) throw new WasiError(Errno.EXIST);
  if (n.trailingSlash) throw new WasiError(Errno.NOENT);
  if (climbsOut(target, n.depth - 1)) {
    throw new WasiError(Errno.PERM, "symlink out of the directory");
  }
  Deno.symlinkSync(target, n.path);
  return Errno.SUCCESS;
}

/**
 * True when a relative symlink target, read from a directory `depth` levels
 * below the root, climbs above the root by its text alone. Such a link could
 * never be followed inside the sandbox; refusing it keeps the guest from
 * planting links out of the tree for host programs to stumble on.
 */
export function climbsOut(target: string, depth: number): boolean {
  let d = depth;
  for (const c of target.split("/")) {
    if (c === "..") {
      if (--d < 0) return true;
    } else if (c !== "" && c !== ".") {
      d++;
    }
  }
  return false;
}

/**
 * `path_unlink_file(fd, path, path_len)`: removes a file or symlink.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR`; `NOTCAPABLE` (no
 * `PATH_UNLINK_FILE`); `NOENT`; `ISDIR`; `PERM` (escape); `ACCES`; `FAULT`.
 */
export function pathUnlinkFile(ctx: WasiContext, fd: number, path: number, len: number): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_UNLINK_FILE);
  const r = resolveArg(ctx, dir, path, len, false);
  named(r, Errno.ISDIR);
  if (r.stat === null) throw new WasiError(Errno.NOENT);
  if (r.stat.isDirectory) throw new WasiError(Errno.ISDIR);
  fs.unlinkSync(r.path);
  return Errno.SUCCESS;
}

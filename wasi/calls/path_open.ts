/**
 * `path_open`: opens (and with `oflags::creat` creates) a file or directory
 * inside a directory descriptor, giving the new descriptor the rights asked
 * for, which must be within the directory's inheriting rights.
 *
 * The file found by resolution is opened by its resolved host path and then
 * checked to be that very inode (device and inode numbers); a file swapped in
 * meanwhile (a symlink out, say) is closed unused and the open is tried
 * again. The host open therefore never truncates: `oflags::trunc` is applied
 * after the check. A file is created only with `O_CREAT|O_EXCL`, which
 * follows no symlink, so nothing can be created outside through a link
 * planted after resolution.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Fdflags, Filetype, Lookupflags, Oflags } from "../abi/constants.ts";
import {
  DIRECTORY_INHERITING,
  DIRECTORY_RIGHTS,
  FILE_RIGHTS,
  hasUnknownRights,
  Rights,
  rightsFromAbi,
} from "../abi/rights.ts";
import type { WasiContext } from "../context.ts";
import type { Descriptor } from "../fd/descriptor.ts";
import { DirectoryDescriptor } from "../fd/directory.ts";
import { FileDescriptor } from "../fd/file.ts";
import { type Resolved, resolveVerified } from "../fs/resolve.ts";
import { filetypeOf, sameFile } from "../fs/stat.ts";
import { directoryArg } from "./path.ts";

const READ_RIGHTS = Rights.FD_READ | Rights.FD_READDIR;
const WRITE_RIGHTS = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;
const ALL_OFLAGS = Oflags.CREAT | Oflags.DIRECTORY | Oflags.EXCL | Oflags.TRUNC;
const ALL_FDFLAGS = Fdflags.APPEND | Fdflags.DSYNC | Fdflags.NONBLOCK | Fdflags.RSYNC |
  Fdflags.SYNC;
/** Attempts when the file found at open time is not the one resolution saw. */
const ATTEMPTS = 3;

/**
 * `path_open(fd, dirflags, path, path_len, oflags, fs_rights_base,
 * fs_rights_inheriting, fdflags, fd_ptr)`.
 *
 * Result (Errno): `SUCCESS`; `BADF`; `NOTDIR` (`fd` not a directory, a
 * non-directory with `oflags::directory` or a trailing "/"); `NOTCAPABLE`
 * (no `PATH_OPEN`, `PATH_CREATE_FILE` for `creat`, `PATH_FILESTAT_SET_SIZE`
 * for `trunc`, or rights beyond the directory's inheriting set); `NOENT`;
 * `EXIST` (`creat|excl`); `ISDIR` (a directory opened for writing or
 * truncation, or created with a trailing "/"); `LOOP` (a symlink without
 * `SYMLINK_FOLLOW`, or too many); `PERM` (escapes the directory); `INVAL`
 * (unknown flags); `ACCES`; `MFILE`; `FAULT`; `ILSEQ`.
 */
export function pathOpen(
  ctx: WasiContext,
  fd: number,
  dirflags: number,
  path: number,
  pathLen: number,
  oflags: number,
  rightsBase: bigint,
  rightsInheriting: bigint,
  fdflags: number,
  fdPtr: number,
): number {
  const dir = directoryArg(ctx, fd, Rights.PATH_OPEN);
  ctx.mem.check(fdPtr, 4);
  const guestPath = ctx.mem.string(path, pathLen);
  if ((oflags & ~ALL_OFLAGS) !== 0 || (fdflags & ~ALL_FDFLAGS) !== 0) {
    throw new WasiError(Errno.INVAL);
  }
  let need = 0;
  if (oflags & Oflags.CREAT) need |= Rights.PATH_CREATE_FILE;
  if (oflags & Oflags.TRUNC) need |= Rights.PATH_FILESTAT_SET_SIZE;
  if ((dir.rightsBase & need) !== need) throw new WasiError(Errno.NOTCAPABLE);
  if (hasUnknownRights(rightsBase) || hasUnknownRights(rightsInheriting)) {
    throw new WasiError(Errno.NOTCAPABLE);
  }
  const base = rightsFromAbi(rightsBase);
  const inheriting = rightsFromAbi(rightsInheriting);
  if (((base | inheriting) & ~dir.rightsInheriting) !== 0) throw new WasiError(Errno.NOTCAPABLE);

  const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
  let opened: Descriptor | null = null;
  for (let i = 0; i < ATTEMPTS && opened === null; i++) {
    const r = resolveVerified(dir.hostPath, guestPath, follow);
    opened = openResolved(r, oflags, base, inheriting, fdflags);
  }
  if (opened === null) {
    throw new WasiError(Errno.PERM, "the file kept changing during path_open");
  }
  let newFd: number;
  try {
    newFd = ctx.fds.insert(opened);
  } catch (e) {
    opened.close();
    throw e;
  }
  ctx.mem.setU32(fdPtr, newFd);
  return Errno.SUCCESS;
}

/** Opens `path` and checks it is the file `want`; null (closed) when it is not. */
function openChecked(path: string, options: Deno.OpenOptions, want: Deno.FileInfo | null) {
  const file = Deno.openSync(path, options);
  try {
    const info = file.statSync();
    if (want !== null ? sameFile(info, want) : info.isFile) return { file, info };
  } catch (e) {
    file.close();
    throw e;
  }
  file.close();
  return null;
}

/** Opens what `r` found; null when the file at the path is no longer the one resolved. */
function openResolved(
  r: Resolved,
  oflags: number,
  base: number,
  inheriting: number,
  fdflags: number,
): Descriptor | null {
  const creat = (oflags & Oflags.CREAT) !== 0;
  const st = r.stat;
  if (st === null) {
    if (!creat) throw new WasiError(Errno.NOENT);
    if (oflags & Oflags.DIRECTORY) throw new WasiError(Errno.INVAL);
    if (r.trailingSlash) throw new WasiError(Errno.ISDIR);
  } else {
    if (creat && (oflags & Oflags.EXCL)) throw new WasiError(Errno.EXIST);
    if (st.isSymlink) throw new WasiError(Errno.LOOP);
    if ((oflags & Oflags.DIRECTORY) && !st.isDirectory) throw new WasiError(Errno.NOTDIR);
  }

  if (st !== null && st.isDirectory) {
    if ((oflags & Oflags.TRUNC) || (base & Rights.FD_WRITE)) throw new WasiError(Errno.ISDIR);
    const opened = openChecked(r.path, { read: true }, st);
    if (opened === null) return null;
    return new DirectoryDescriptor(
      opened.file,
      r.path,
      base & DIRECTORY_RIGHTS,
      inheriting & DIRECTORY_INHERITING,
    );
  }

  const trunc = (oflags & Oflags.TRUNC) !== 0;
  const write = (base & WRITE_RIGHTS) !== 0 || trunc;
  const read = (base & READ_RIGHTS) !== 0 || !write;
  let opened;
  if (st === null) {
    // O_CREAT|O_EXCL: nothing that appeared meanwhile (a planted symlink included) is opened.
    try {
      opened = openChecked(r.path, { read, write: true, createNew: true, mode: 0o666 }, null);
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists && !(oflags & Oflags.EXCL)) return null;
      throw e;
    }
    if (opened !== null && !write) {
      // Created for a read-only descriptor: reopen read-only, checked against what was made.
      const made = opened.info;
      opened.file.close();
      opened = openChecked(r.path, { read: true }, made);
    }
  } else {
    opened = openChecked(r.path, { read, write }, st);
  }
  if (opened === null) return null;
  if (trunc) opened.file.truncateSync(0);
  const filetype = filetypeOf(opened.info);
  let rights = base & FILE_RIGHTS;
  if (filetype !== Filetype.REGULAR_FILE && filetype !== Filetype.BLOCK_DEVICE) {
    rights &= ~(Rights.FD_SEEK | Rights.FD_TELL);
  }
  const d = new FileDescriptor(opened.file, r.path, filetype, rights, fdflags & ALL_FDFLAGS);
  d.rightsInheriting = inheriting & FILE_RIGHTS;
  return d;
}

/**
 * WASI `rights` (u64 in the ABI; every defined bit is below bit 30, so kwasm
 * keeps them in a plain number and converts at the boundary).
 *
 * A descriptor has two sets: `base` (what may be done with it) and
 * `inheriting` (the most a descriptor opened through it, by `path_open` or
 * `sock_accept`, may receive). Rights can only shrink: `path_open` asking for
 * more than the directory's inheriting set, or `fd_fdstat_set_rights` adding
 * a right, is `ENOTCAPABLE`.
 *
 * @module
 */

/** The rights bits, as the witx numbers them. */
export const Rights = {
  /** `fd_datasync`; with `PATH_OPEN`, `fdflags::dsync`. */
  FD_DATASYNC: 1 << 0,
  /** `fd_read` and `sock_recv`; with `FD_SEEK`, `fd_pread`. */
  FD_READ: 1 << 1,
  /** `fd_seek` (implies `FD_TELL`). */
  FD_SEEK: 1 << 2,
  /** `fd_fdstat_set_flags`. */
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  /** `fd_sync`; with `PATH_OPEN`, `fdflags::rsync` and `fdflags::sync`. */
  FD_SYNC: 1 << 4,
  /** `fd_seek` with offset 0 and `whence::cur`, `fd_tell`. */
  FD_TELL: 1 << 5,
  /** `fd_write` and `sock_send`; with `FD_SEEK`, `fd_pwrite`. */
  FD_WRITE: 1 << 6,
  /** `fd_advise`. */
  FD_ADVISE: 1 << 7,
  /** `fd_allocate`. */
  FD_ALLOCATE: 1 << 8,
  /** `path_create_directory`. */
  PATH_CREATE_DIRECTORY: 1 << 9,
  /** With `PATH_OPEN`, `oflags::creat`. */
  PATH_CREATE_FILE: 1 << 10,
  /** `path_link` on the source directory. */
  PATH_LINK_SOURCE: 1 << 11,
  /** `path_link` on the target directory. */
  PATH_LINK_TARGET: 1 << 12,
  /** `path_open`. */
  PATH_OPEN: 1 << 13,
  /** `fd_readdir`. */
  FD_READDIR: 1 << 14,
  /** `path_readlink`. */
  PATH_READLINK: 1 << 15,
  /** `path_rename` on the source directory. */
  PATH_RENAME_SOURCE: 1 << 16,
  /** `path_rename` on the target directory. */
  PATH_RENAME_TARGET: 1 << 17,
  /** `path_filestat_get`. */
  PATH_FILESTAT_GET: 1 << 18,
  /** With `PATH_OPEN`, `oflags::trunc`. */
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  /** `path_filestat_set_times`. */
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  /** `fd_filestat_get`. */
  FD_FILESTAT_GET: 1 << 21,
  /** `fd_filestat_set_size`. */
  FD_FILESTAT_SET_SIZE: 1 << 22,
  /** `fd_filestat_set_times`. */
  FD_FILESTAT_SET_TIMES: 1 << 23,
  /** `path_symlink`. */
  PATH_SYMLINK: 1 << 24,
  /** `path_remove_directory`. */
  PATH_REMOVE_DIRECTORY: 1 << 25,
  /** `path_unlink_file`. */
  PATH_UNLINK_FILE: 1 << 26,
  /** `poll_oneoff` subscriptions of type `fd_read`/`fd_write`. */
  POLL_FD_READWRITE: 1 << 27,
  /** `sock_shutdown`. */
  SOCK_SHUTDOWN: 1 << 28,
  /** `sock_accept`. */
  SOCK_ACCEPT: 1 << 29,
} as const;

const R = Rights;

/** Every defined right. */
export const ALL_RIGHTS: number = (1 << 30) - 1;

/** The rights that make sense on a regular file. */
export const FILE_RIGHTS: number = R.FD_DATASYNC | R.FD_READ | R.FD_SEEK |
  R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_TELL | R.FD_WRITE | R.FD_ADVISE | R.FD_ALLOCATE |
  R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE | R.FD_FILESTAT_SET_TIMES | R.POLL_FD_READWRITE;

/** The rights that make sense on a directory. */
export const DIRECTORY_RIGHTS: number = R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_ADVISE |
  R.PATH_CREATE_DIRECTORY | R.PATH_CREATE_FILE | R.PATH_LINK_SOURCE | R.PATH_LINK_TARGET |
  R.PATH_OPEN | R.FD_READDIR | R.PATH_READLINK | R.PATH_RENAME_SOURCE | R.PATH_RENAME_TARGET |
  R.PATH_FILESTAT_GET | R.PATH_FILESTAT_SET_SIZE | R.PATH_FILESTAT_SET_TIMES | R.FD_FILESTAT_GET |
  R.FD_FILESTAT_SET_TIMES | R.PATH_SYMLINK | R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE |
  R.FD_DATASYNC;

/** What a directory passes on to what is opened through it: everything below it. */
export const DIRECTORY_INHERITING: number = DIRECTORY_RIGHTS | FILE_RIGHTS;

/**
 * Rights of a character device or pipe used as stdio. No `FD_SEEK`/`FD_TELL`:
 * wasi-libc's `isatty` is "character device without seek rights".
 */
export const STDIO_RIGHTS: number = R.FD_READ | R.FD_WRITE | R.FD_FDSTAT_SET_FLAGS |
  R.FD_FILESTAT_GET | R.POLL_FD_READWRITE | R.FD_DATASYNC | R.FD_SYNC;

/** Rights of a connected stream socket. */
export const SOCKET_RIGHTS: number = R.FD_READ | R.FD_WRITE | R.FD_FDSTAT_SET_FLAGS |
  R.FD_FILESTAT_GET | R.POLL_FD_READWRITE | R.SOCK_SHUTDOWN;

/** Rights of a listening socket; its inheriting set is {@linkcode SOCKET_RIGHTS}. */
export const LISTENER_RIGHTS: number = R.FD_FDSTAT_SET_FLAGS | R.FD_FILESTAT_GET |
  R.POLL_FD_READWRITE | R.SOCK_ACCEPT | R.FD_READ;

/** Converts an ABI `rights` value (i64, as a bigint) to kwasm's number form. */
export function rightsFromAbi(value: bigint): number {
  return Number(BigInt.asUintN(64, value) & BigInt(ALL_RIGHTS));
}

/** True when the ABI value sets a bit that no right is defined for. */
export function hasUnknownRights(value: bigint): boolean {
  return (BigInt.asUintN(64, value) & ~BigInt(ALL_RIGHTS)) !== 0n;
}

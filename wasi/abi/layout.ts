/**
 * Byte layouts of the WASI structs in guest memory (little-endian, natural
 * alignment, as witx computes them). Offsets are relative to the struct's
 * start; `SIZE` is the stride in arrays.
 *
 * Two structs differ between the snapshots: `filestat` (preview0's `nlink` is
 * a u32, so everything after it moves up) and `subscription` (preview0's
 * clock variant starts with an extra `identifier` field). Both versions are
 * drawn below; the table test checks every offset against wasi-libc's
 * `_Static_assert`s when the header is installed.
 *
 * @module
 */

/**
 * `iovec` / `ciovec` (8 bytes): one buffer of a scatter/gather list.
 *
 * ```text
 *  0        4        8
 *  ├ buf ───┼ len ───┤
 * ```
 */
export const IOVEC = { BUF: 0, LEN: 4, SIZE: 8 } as const;

/**
 * `fdstat` (24 bytes).
 *
 * ```text
 *  0    1  2       4       8                16               24
 *  ├ ft ┼──┼ flags ┼───────┼ rights_base ───┼ rights_inherit ┤
 *   u8  pad  u16     pad        u64              u64
 * ```
 */
export const FDSTAT = {
  FILETYPE: 0,
  FLAGS: 2,
  RIGHTS_BASE: 8,
  RIGHTS_INHERITING: 16,
  SIZE: 24,
} as const;

/**
 * `filestat` of preview1 (64 bytes).
 *
 * ```text
 *  0      8      16   17      24      32     40     48     56     64
 *  ├ dev ─┼ ino ─┼ ft ┼ (pad) ┼ nlink ┼ size ┼ atim ┼ mtim ┼ ctim ┤
 *    u64    u64   u8            u64     u64    u64    u64    u64
 * ```
 */
export const FILESTAT = {
  DEV: 0,
  INO: 8,
  FILETYPE: 16,
  NLINK: 24,
  SIZE: 32,
  ATIM: 40,
  MTIM: 48,
  CTIM: 56,
  STRUCT_SIZE: 64,
} as const;

/**
 * `filestat` of preview0 (56 bytes): `nlink` is a u32 packed after the
 * filetype, so `size` and the times sit 8 bytes lower than in preview1.
 *
 * ```text
 *  0      8      16   17    20      24     32     40     48     56
 *  ├ dev ─┼ ino ─┼ ft ┼ pad ┼ nlink ┼ size ┼ atim ┼ mtim ┼ ctim ┤
 *    u64    u64   u8          u32     u64    u64    u64    u64
 * ```
 */
export const FILESTAT_P0 = {
  DEV: 0,
  INO: 8,
  FILETYPE: 16,
  NLINK: 20,
  SIZE: 24,
  ATIM: 32,
  MTIM: 40,
  CTIM: 48,
  STRUCT_SIZE: 56,
} as const;

/**
 * `dirent` header (24 bytes), followed in `fd_readdir`'s buffer by `namlen`
 * bytes of name (no NUL).
 *
 * ```text
 *  0         8      16       20   21      24
 *  ├ d_next ─┼ ino ─┼ namlen ┼ ty ┼ (pad) ┤ name…
 *     u64      u64     u32    u8
 * ```
 */
export const DIRENT = { NEXT: 0, INO: 8, NAMLEN: 16, TYPE: 20, SIZE: 24 } as const;

/**
 * `prestat` (8 bytes): tag `preopentype::dir` (0), then the length of the
 * directory's name.
 *
 * ```text
 *  0     1       4            8
 *  ├ tag ┼ (pad) ┼ name_len ──┤
 * ```
 */
export const PRESTAT = { TAG: 0, NAME_LEN: 4, SIZE: 8 } as const;

/**
 * `subscription` of preview1 (48 bytes): userdata, then a tagged union whose
 * payload starts at 16.
 *
 * ```text
 *  0           8     9       16                                             48
 *  ├ userdata ─┼ tag ┼ (pad) ┼ payload ─────────────────────────────────────┤
 *  clock:                    ├ id u32 ┼pad┼ timeout u64 ┼ precision u64 ┼ flags u16 ┼
 *                            16       20  24            32              40
 *  fd_read / fd_write:       ├ fd u32 ┤
 *                            16
 * ```
 */
export const SUBSCRIPTION = {
  USERDATA: 0,
  TAG: 8,
  CLOCK_ID: 16,
  CLOCK_TIMEOUT: 24,
  CLOCK_PRECISION: 32,
  CLOCK_FLAGS: 40,
  FD: 16,
  SIZE: 48,
} as const;

/**
 * `subscription` of preview0 (56 bytes): the clock variant carries an extra
 * u64 `identifier` first, pushing every clock field 8 bytes up.
 *
 * ```text
 *  0           8     9       16                                                         56
 *  ├ userdata ─┼ tag ┼ (pad) ┼ payload ─────────────────────────────────────────────────┤
 *  clock:                    ├ identifier u64 ┼ id u32 ┼pad┼ timeout ┼ precision ┼ flags ┼
 *                            16               24           32        40          48
 *  fd_read / fd_write:       ├ fd u32 ┼ flags u16 ┤
 *                            16       20
 * ```
 */
export const SUBSCRIPTION_P0 = {
  USERDATA: 0,
  TAG: 8,
  CLOCK_ID: 24,
  CLOCK_TIMEOUT: 32,
  CLOCK_PRECISION: 40,
  CLOCK_FLAGS: 48,
  FD: 16,
  SIZE: 56,
} as const;

/**
 * `event` (32 bytes), the same in both snapshots.
 *
 * ```text
 *  0           8       10   11      16        24      26      32
 *  ├ userdata ─┼ error ┼ ty ┼ (pad) ┼ nbytes ─┼ flags ┼ (pad) ┤
 *      u64       u16    u8             u64      u16
 * ```
 */
export const EVENT = {
  USERDATA: 0,
  ERROR: 8,
  TYPE: 10,
  NBYTES: 16,
  FLAGS: 24,
  SIZE: 32,
} as const;

/** The layout of a `filestat` (preview1's {@linkcode FILESTAT} or preview0's). */
export type FilestatLayout = typeof FILESTAT | typeof FILESTAT_P0;

/** The layout of a `subscription` (preview1's or preview0's). */
export type SubscriptionLayout = typeof SUBSCRIPTION | typeof SUBSCRIPTION_P0;

/**
 * What a host call does to guest memory, as data: the table the user loader
 * uses to copy exactly the bytes a syscall reads into the kernel side
 * (`copy_from_user`) and the bytes it writes back (`copy_to_user`).
 *
 * A host function reaches guest memory only through its pointer arguments,
 * so each import lists its pointer arguments as {@linkcode Effect}s: a range
 * (`ptr` argument, length fixed or from another argument), or an iovec array
 * whose buffers are the ranges. The worker evaluates the effects against the
 * guest's memory ({@linkcode effectRanges}); the table itself is plain data,
 * sent to the worker when it starts, so any host module (WASI, `net`, a
 * user's own) can bring one. An import without an entry touches no memory.
 *
 * @module
 */

import { EVENT, FDSTAT, FILESTAT, FILESTAT_P0, IOVEC, PRESTAT } from "../../wasi/abi/layout.ts";
import { SUBSCRIPTION, SUBSCRIPTION_P0 } from "../../wasi/abi/layout.ts";

/** How a range is copied; the values travel in the syscall channel. */
export const EffectKind = {
  /** Read by the call: copied in only. */
  in: 0,
  /** Read and/or partly written: copied in, and back after the call. */
  inOut: 1,
  /** Written whole on success: not copied in; copied back when the call returns 0. */
  out: 2,
  /**
   * A read buffer (`fd_read`): not copied in; on success, only its first
   * `*count` bytes (a u32 the call writes, shared by an iovec array's
   * buffers in order) are copied back.
   */
  outPrefix: 3,
  /**
   * A receive buffer whose length is the call's result (`net`'s `_recvfrom`,
   * `_epoll_wait`): not copied in; on success (result ≥ 0) only its first
   * `result × scale` bytes are copied back.
   */
  outResult: 4,
} as const;

/** One of {@linkcode EffectKind}'s values. */
export type EffectKindValue = typeof EffectKind[keyof typeof EffectKind];

/** One pointer argument of a host call and the bytes behind it. */
export interface Effect {
  /** How the bytes are copied. */
  kind: EffectKindValue;
  /** Index of the pointer argument (an iovec array's when `iov`). */
  ptr: number;
  /** Fixed length in bytes (times `scale`), when no `lenArg`/`lenOf`. */
  len?: number;
  /** Index of the argument holding the length (an element count when `scale`). */
  lenArg?: number;
  /** Bytes per element: length = `args[lenArg] * scale`. Default 1. */
  scale?: number;
  /** Length from the host's `sizes` record (fixed per guest, e.g. the argv bytes). */
  lenOf?: string;
  /**
   * Index of the argument pointing to a u32 in guest memory that holds the
   * length (a `socklen_t *`), capped at `maxLen` and at the end of memory —
   * so use it with `inOut` ranges only, whose untouched bytes come back
   * unchanged.
   */
  lenAt?: number;
  /** With `lenAt`: the most bytes the call ever touches there. */
  maxLen?: number;
  /** Index of an argument: the range exists only when it is not 0 (a null "no address" pointer). */
  onlyIf?: number;
  /**
   * `ptr`/`lenArg` are an iovec array and its count: the array is read
   * (copied in), each buffer is a range of `kind`.
   */
  iov?: boolean;
  /** For `outPrefix`: index of the argument pointing to the u32 byte count. */
  count?: number;
}

/** Effects by import name; a missing name touches no memory. */
export type EffectTable = Readonly<Record<string, readonly Effect[]>>;

const K = EffectKind;
const io = (ptr: number, len: number): Effect => ({ kind: K.inOut, ptr, len });
const str = (ptr: number, lenArg: number): Effect => ({ kind: K.in, ptr, lenArg });
const ciovs = (ptr: number, lenArg: number): Effect => ({ kind: K.in, ptr, lenArg, iov: true });
const iovs = (ptr: number, lenArg: number, count: number): Effect => ({
  kind: K.outPrefix,
  ptr,
  lenArg,
  count,
  iov: true,
});

/** `wasi_snapshot_preview1`'s memory effects (argument indices as in the witx). */
export const WASI_P1_EFFECTS: EffectTable = {
  args_get: [{ kind: K.out, ptr: 0, lenOf: "argvPtrs" }, {
    kind: K.out,
    ptr: 1,
    lenOf: "argvBytes",
  }],
  args_sizes_get: [io(0, 4), io(1, 4)],
  environ_get: [{ kind: K.out, ptr: 0, lenOf: "envPtrs" }, {
    kind: K.out,
    ptr: 1,
    lenOf: "envBytes",
  }],
  environ_sizes_get: [io(0, 4), io(1, 4)],
  clock_res_get: [io(1, 8)],
  clock_time_get: [io(2, 8)],
  fd_fdstat_get: [io(1, FDSTAT.SIZE)],
  fd_filestat_get: [io(1, FILESTAT.STRUCT_SIZE)],
  fd_pread: [iovs(1, 2, 4), io(4, 4)],
  fd_prestat_get: [io(1, PRESTAT.SIZE)],
  fd_prestat_dir_name: [{ kind: K.inOut, ptr: 1, lenArg: 2 }],
  fd_pwrite: [ciovs(1, 2), io(4, 4)],
  fd_read: [iovs(1, 2, 3), io(3, 4)],
  fd_readdir: [{ kind: K.outPrefix, ptr: 1, lenArg: 2, count: 4 }, io(4, 4)],
  fd_seek: [io(3, 8)],
  fd_tell: [io(1, 8)],
  fd_write: [ciovs(1, 2), io(3, 4)],
  path_create_directory: [str(1, 2)],
  path_filestat_get: [str(2, 3), io(4, FILESTAT.STRUCT_SIZE)],
  path_filestat_set_times: [str(2, 3)],
  path_link: [str(2, 3), str(5, 6)],
  path_open: [str(2, 3), io(8, 4)],
  path_readlink: [str(1, 2), { kind: K.outPrefix, ptr: 3, lenArg: 4, count: 5 }, io(5, 4)],
  path_remove_directory: [str(1, 2)],
  path_rename: [str(1, 2), str(4, 5)],
  path_symlink: [str(0, 1), str(3, 4)],
  path_unlink_file: [str(1, 2)],
  poll_oneoff: [
    { kind: K.in, ptr: 0, lenArg: 2, scale: SUBSCRIPTION.SIZE },
    { kind: K.inOut, ptr: 1, lenArg: 2, scale: EVENT.SIZE },
    io(3, 4),
  ],
  random_get: [{ kind: K.out, ptr: 0, lenArg: 1 }],
  sock_accept: [io(2, 4)],
  sock_recv: [iovs(1, 2, 4), io(4, 4), io(5, 2)],
  sock_send: [ciovs(1, 2), io(4, 4)],
};

/** `wasi_unstable`'s (preview0): preview1's, with its smaller filestat and larger subscription. */
export const WASI_P0_EFFECTS: EffectTable = {
  ...WASI_P1_EFFECTS,
  fd_filestat_get: [io(1, FILESTAT_P0.STRUCT_SIZE)],
  path_filestat_get: [str(2, 3), io(4, FILESTAT_P0.STRUCT_SIZE)],
  poll_oneoff: [
    { kind: K.in, ptr: 0, lenArg: 2, scale: SUBSCRIPTION_P0.SIZE },
    { kind: K.inOut, ptr: 1, lenArg: 2, scale: EVENT.SIZE },
    io(3, 4),
  ],
};

/**
 * Where {@linkcode effectRanges} puts its ranges: flat `[kind, ptr, len,
 * countPtr]` quadruples (countPtr −1 when none; for `outResult`, the bytes
 * per unit of the result), reused across calls.
 */
export class RangeList {
  /** The quadruples. */
  words: number[] = [];
  /** Number of ranges. */
  get length(): number {
    return this.words.length >> 2;
  }
  /** Empties the list. */
  clear(): void {
    this.words.length = 0;
  }
  /** Adds a range. */
  push(kind: number, ptr: number, len: number, countPtr: number): void {
    this.words.push(kind, ptr, len, countPtr);
  }
}

/**
 * The guest-memory ranges of one call to an import with `effects`, in
 * `out`. Ranges outside memory (`size` bytes, `dv` its view) are left out:
 * the kernel side's memory has the guest's size, so the call itself answers
 * `EFAULT` for them exactly as under the kernel loader.
 */
export function effectRanges(
  effects: readonly Effect[],
  args: ArrayLike<number | bigint>,
  sizes: Readonly<Record<string, number>>,
  dv: DataView,
  out: RangeList,
): void {
  const size = dv.byteLength;
  const inside = (p: number, n: number) => p + n <= size;
  for (const e of effects) {
    if (e.onlyIf !== undefined && Number(args[e.onlyIf]) === 0) continue;
    const ptr = Number(args[e.ptr]) >>> 0;
    let n = e.lenArg !== undefined
      ? (Number(args[e.lenArg]) >>> 0) * (e.scale ?? 1)
      : e.lenOf !== undefined
      ? sizes[e.lenOf] ?? 0
      : e.len ?? 0;
    if (e.lenAt !== undefined) {
      const at = Number(args[e.lenAt]) >>> 0;
      n = inside(at, 4) ? dv.getUint32(at, true) : 0;
      // Capped: the call never touches more, and a range cut at the end of memory still carries
      // the bytes a short address needs (an inOut range may be cut: the rest faults anyway).
      n = Math.max(0, Math.min(n, e.maxLen ?? n, size - ptr));
    }
    const countPtr = e.kind === EffectKind.outResult
      ? e.scale ?? 1
      : e.count === undefined
      ? -1
      : Number(args[e.count]) >>> 0;
    if (!e.iov) {
      if (inside(ptr, n)) out.push(e.kind, ptr, n, countPtr);
      continue;
    }
    // An iovec array: the array is read, each buffer is a range of e.kind.
    const bytes = n * IOVEC.SIZE;
    if (!inside(ptr, bytes)) continue;
    out.push(EffectKind.in, ptr, bytes, -1);
    for (let i = 0; i < n; i++) {
      const at = ptr + i * IOVEC.SIZE;
      const buf = dv.getUint32(at + IOVEC.BUF, true);
      const len = dv.getUint32(at + IOVEC.LEN, true);
      if (len !== 0 && inside(buf, len)) out.push(e.kind, buf, len, countPtr);
    }
  }
}

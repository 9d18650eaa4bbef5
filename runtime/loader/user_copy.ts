/**
 * The two halves of a syscall's copies, as plain functions over a
 * {@linkcode Channel}: the worker's `copy_from_user` ({@linkcode writeRequest})
 * and `copy_to_user` ({@linkcode readResponse}), the kernel side's
 * {@linkcode readRequest} into its {@linkcode ShadowMemory} and
 * {@linkcode writeResponse} from it. Synchronisation (the state word,
 * waits and notifies) is the callers'; the functions only move bytes, so
 * tests can run a whole round trip on one thread.
 *
 * @module
 */

import { align8, type Channel, DATA_AT, H, Status } from "./user_channel.ts";
import { EffectKind, type RangeList } from "./user_effects.ts";

/**
 * The kernel side's copy of a guest's memory: the guest's size, so that a
 * host's bounds checks give the same `EFAULT`s; only the ranges of the
 * current call hold the guest's bytes.
 */
export class ShadowMemory {
  /** The backing store (a `MemoryLike`'s buffer). */
  buffer: ArrayBuffer = new ArrayBuffer(0);
  /** Bytes. */
  u8: Uint8Array = new Uint8Array(0);
  /** Little-endian access. */
  dv: DataView = new DataView(this.buffer);

  /** Matches the guest's size (a new buffer when it changed). */
  resize(bytes: number): void {
    if (this.buffer.byteLength === bytes) return;
    this.buffer = new ArrayBuffer(bytes);
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
  }
}

/**
 * Worker side: writes call `index` with `args` and the `ranges` of guest
 * memory `mem` (the bytes of `in`/`inOut` ranges copied: `copy_from_user`),
 * growing the channel so that the response's ranges fit too.
 */
export function writeRequest(
  ch: Channel,
  index: number,
  args: ArrayLike<number | bigint>,
  ranges: RangeList,
  mem: Uint8Array,
): void {
  const w = ranges.words;
  let inBytes = 0;
  let outBytes = 0;
  for (let r = 0; r < w.length; r += 4) {
    const kind = w[r], len = w[r + 2];
    inBytes += 16 + (kind <= EffectKind.inOut ? align8(len) : 0);
    if (kind !== EffectKind.in) outBytes += 8 + align8(len);
  }
  const outAt = DATA_AT + inBytes;
  ch.ensure(outAt + outBytes);
  const cdv = ch.dv;
  let at = DATA_AT;
  for (let r = 0; r < w.length; r += 4) {
    const kind = w[r], ptr = w[r + 1], len = w[r + 2];
    cdv.setUint32(at, kind, true);
    cdv.setUint32(at + 4, ptr, true);
    cdv.setUint32(at + 8, len, true);
    cdv.setInt32(at + 12, w[r + 3], true);
    at += 16;
    if (kind <= EffectKind.inOut) {
      ch.u8.set(mem.subarray(ptr, ptr + len), at);
      at += align8(len);
    }
  }
  let mask = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "bigint") {
      mask |= 1 << i;
      ch.i64[i] = a;
    } else ch.f64[i] = a;
  }
  const h = ch.i32;
  h[H.CALL] = index;
  h[H.NARGS] = args.length;
  h[H.I64_MASK] = mask;
  h[H.NRANGES] = ranges.length;
  h[H.PAGES] = mem.length / 65536;
  h[H.OUT_AT] = outAt;
}

/**
 * Kernel side: the request's arguments, after copying its `in`/`inOut`
 * ranges into `shadow` (resized to the guest's memory).
 */
export function readRequest(ch: Channel, shadow: ShadowMemory): (number | bigint)[] {
  const h = ch.i32, cdv = ch.dv;
  shadow.resize(h[H.PAGES] * 65536);
  let at = DATA_AT;
  for (let r = h[H.NRANGES]; r > 0; r--) {
    const kind = cdv.getUint32(at, true), ptr = cdv.getUint32(at + 4, true);
    const len = cdv.getUint32(at + 8, true);
    at += 16;
    if (kind <= EffectKind.inOut) {
      shadow.u8.set(ch.u8.subarray(at, at + len), ptr);
      at += align8(len);
    }
  }
  const args: (number | bigint)[] = [];
  for (let i = 0, mask = h[H.I64_MASK]; i < h[H.NARGS]; i++) {
    args.push(mask & (1 << i) ? ch.i64[i] : ch.f64[i]);
  }
  return args;
}

/**
 * Kernel side: the call's result and the ranges it wrote, from `shadow`:
 * `inOut` always, the others only when `ok` (the call succeeded): an
 * `outPrefix` range cut to the byte count its call wrote, an `outResult`
 * range to the call's result.
 */
export function writeResponse(
  ch: Channel,
  shadow: ShadowMemory,
  value: unknown,
  ok: boolean,
): void {
  const h = ch.i32, cdv = ch.dv, u8 = shadow.u8;
  let at = DATA_AT, out = h[H.OUT_AT], nout = 0;
  // Bytes left to copy back per count pointer (an iovec array's buffers share one count).
  let budgets: Map<number, number> | null = null;
  for (let r = h[H.NRANGES]; r > 0; r--) {
    const kind = cdv.getUint32(at, true), ptr = cdv.getUint32(at + 4, true);
    let len = cdv.getUint32(at + 8, true);
    const countPtr = cdv.getInt32(at + 12, true) >>> 0;
    at += 16 + (kind <= EffectKind.inOut ? align8(len) : 0);
    if (kind === EffectKind.in || (kind !== EffectKind.inOut && !ok)) continue;
    if (kind === EffectKind.outPrefix) {
      let budget = budgets?.get(countPtr);
      if (budget === undefined) {
        budget = countPtr + 4 <= u8.length ? shadow.dv.getUint32(countPtr, true) : 0;
      }
      len = Math.min(len, budget);
      (budgets ??= new Map()).set(countPtr, budget - len);
      if (len === 0) continue;
    } else if (kind === EffectKind.outResult) {
      // countPtr holds the bytes per unit of the result here (an epoll event's 12).
      len = Math.min(len, Number(value) * countPtr);
      if (!(len > 0)) continue;
    }
    cdv.setUint32(out, ptr, true);
    cdv.setUint32(out + 4, len, true);
    ch.u8.set(u8.subarray(ptr, ptr + len), out + 8);
    out += 8 + align8(len);
    nout++;
  }
  h[H.NOUT] = nout;
  h[H.STATUS] = Status.ok;
  if (typeof value === "bigint") {
    h[H.RESULT_I64] = 1;
    ch.i64[0] = value;
  } else {
    h[H.RESULT_I64] = 0;
    ch.f64[0] = value === undefined ? 0 : Number(value);
  }
}

/**
 * Worker side: copies the response's ranges into guest memory `mem`
 * (`copy_to_user`) and returns the call's result (`STATUS` must be `ok`).
 */
export function readResponse(ch: Channel, mem: Uint8Array): number | bigint {
  const h = ch.i32, cdv = ch.dv;
  let at = h[H.OUT_AT];
  for (let n = h[H.NOUT]; n > 0; n--) {
    const ptr = cdv.getUint32(at, true), len = cdv.getUint32(at + 4, true);
    mem.set(ch.u8.subarray(at + 8, at + 8 + len), ptr);
    at += 8 + align8(len);
  }
  return h[H.RESULT_I64] ? ch.i64[0] : ch.f64[0];
}

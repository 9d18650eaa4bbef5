/**
 * Numeric helpers shared by the interpreter's handlers, where JavaScript's
 * own operations differ from WebAssembly's: round-to-nearest-even, 64-bit
 * conversions kept exact through two 32-bit halves, and bit counts.
 *
 * Values of 64 bits are passed as (lo, hi) int32 halves, the way the frame
 * stores them (see README.md, "i64").
 *
 * @module
 */

import { Trap } from "../errors.ts";

/** 2^32 as a double. */
const TWO32 = 4294967296;

/**
 * `nearest`: round to the nearest integer, ties to even (`Math.round`
 * rounds ties up). Keeps the sign of zero and NaN.
 */
export function nearest(x: number): number {
  const r = Math.round(x);
  // Math.round(-0.5) is -0 and Math.round(2.5) is 3: fix the ties only.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * `x`, with a NaN replaced by the canonical quiet NaN. JavaScript's
 * `Math.floor` and friends return a NaN argument unchanged, but wasm
 * requires their result to be a quiet ("arithmetic") NaN.
 */
export function quiet64(x: number): number {
  return x === x ? x : NaN;
}

/** Number of set bits of an int32. */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Number of trailing zero bits of an int32 (32 for 0). */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Throws the trap for a float-to-integer conversion of `x` that is out of range. */
export function truncTrap(x: number): never {
  throw new Trap(x !== x ? "invalid conversion to integer" : "integer overflow");
}

/**
 * Writes the integer part of `t` (already truncated, in range) as an i64
 * into `out[at]` (low half) and `out[at + 1]` (high half).
 */
export function storeI64(out: Int32Array, at: number, t: number): void {
  const hi = Math.floor(t / TWO32);
  out[at] = (t - hi * TWO32) | 0;
  out[at + 1] = hi | 0;
}

/** `i64.trunc_f*_s` of `x` into out[at..at+1]; traps when out of range. */
export function truncI64S(out: Int32Array, at: number, x: number): void {
  if (!(x >= -9223372036854775808 && x < 9223372036854775808)) truncTrap(x);
  storeI64(out, at, Math.trunc(x));
}

/** `i64.trunc_f*_u` of `x` into out[at..at+1]; traps when out of range. */
export function truncI64U(out: Int32Array, at: number, x: number): void {
  if (!(x > -1 && x < 18446744073709551616)) truncTrap(x);
  storeI64(out, at, Math.trunc(x));
}

/** `i64.trunc_sat_f*_s` of `x` into out[at..at+1]. */
export function truncSatI64S(out: Int32Array, at: number, x: number): void {
  if (x !== x) {
    out[at] = out[at + 1] = 0;
  } else if (x >= 9223372036854775808) {
    out[at] = -1;
    out[at + 1] = 0x7fffffff;
  } else if (x < -9223372036854775808) {
    out[at] = 0;
    out[at + 1] = -0x80000000;
  } else {
    storeI64(out, at, Math.trunc(x));
  }
}

/** `i64.trunc_sat_f*_u` of `x` into out[at..at+1]. */
export function truncSatI64U(out: Int32Array, at: number, x: number): void {
  if (!(x > -1)) {
    out[at] = out[at + 1] = 0;
  } else if (x >= 18446744073709551616) {
    out[at] = out[at + 1] = -1;
  } else {
    storeI64(out, at, Math.trunc(x));
  }
}

/** `i32.trunc_sat_f*_s`. */
export function truncSatI32S(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}

/** `i32.trunc_sat_f*_u`, as an int32 bit pattern. */
export function truncSatI32U(x: number): number {
  if (!(x > -1)) return 0;
  if (x >= 4294967295) return -1;
  return x >>> 0 | 0;
}

/** The unsigned 64-bit integer (lo, hi) as the nearest double (one rounding). */
export function u64ToF64(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** The signed 64-bit integer (lo, hi) as the nearest double (one rounding). */
export function s64ToF64(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/**
 * The unsigned 64-bit integer (lo, hi) as the nearest f32. Converting to a
 * double first would round twice; instead, when the value has more than 53
 * significant bits, the bits that a double cannot hold are folded into one
 * sticky bit ("round to odd"), which makes the double exact and the final
 * rounding to f32 correct.
 */
export function u64ToF32(lo: number, hi: number): number {
  if (hi >>> 0 >= 0x200000) lo = (lo & ~0x7ff) | ((lo & 0x7ff) !== 0 ? 0x800 : 0);
  return Math.fround((hi >>> 0) * TWO32 + (lo >>> 0));
}

/** The signed 64-bit integer (lo, hi) as the nearest f32 (see {@linkcode u64ToF32}). */
export function s64ToF32(lo: number, hi: number): number {
  if (hi >= 0) return u64ToF32(lo, hi);
  // Negate in two halves: -(hi:lo) = (~hi + carry):(-lo).
  const nlo = -lo | 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) | 0;
  return -u64ToF32(nlo, nhi);
}

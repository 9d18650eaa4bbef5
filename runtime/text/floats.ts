/**
 * Float literals to IEEE 754 bit patterns, rounded once, to nearest-even,
 * directly to the target precision.
 *
 * - f64 decimal: `Number()` of the digits, which V8 rounds correctly.
 * - f32 decimal: the f64 value rounded again to f32 is right *unless* the f64
 *   lands exactly on the midpoint between two f32 values (then the decimal may
 *   have been just above or below it: double rounding). Midpoints are exact
 *   f64 values and rounding is monotonic, so that equality is the only case
 *   to redo exactly, with BigInt arithmetic.
 * - hex floats: exact mantissa × 2^exponent, rounded with BigInt.
 * - `inf`, `nan` (canonical payload), `nan:0x…` (payload kept exactly).
 *
 * A literal that rounds to infinity, or a NaN payload out of range, is
 * "constant out of range".
 *
 * @module
 */

/** Parameters of a binary float format. */
interface Format {
  /** Significand bits, hidden bit included. */
  p: number;
  /** Smallest normal exponent. */
  emin: number;
  /** Largest exponent. */
  emax: number;
}

const F32: Format = { p: 24, emin: -126, emax: 127 };
const F64: Format = { p: 53, emin: -1022, emax: 1023 };

/** Result of the exact rounding: biased exponent field and mantissa field, or overflow. */
interface Rounded {
  exp: number;
  mant: bigint;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Rounds `m × 2^e2` (m >= 0) to format `f`, nearest-even. Returns null when it
 * rounds to infinity.
 */
function roundBinary(m: bigint, e2: number, f: Format): Rounded | null {
  if (m === 0n) return { exp: 0, mant: 0n };
  const top = bitLength(m) - 1 + e2;
  if (top > f.emax) return null;
  const lsb = Math.max(top - (f.p - 1), f.emin - (f.p - 1));
  const shift = lsb - e2;
  let q: bigint;
  if (shift <= 0) {
    q = m << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let e = lsb;
  const full = 1n << BigInt(f.p);
  if (q === full) {
    q >>= 1n;
    e++;
  }
  const hidden = full >> 1n;
  if (q >= hidden) {
    const exp = e + f.p - 1;
    if (exp > f.emax) return null;
    return { exp: exp + (f.emax), mant: q - hidden };
  }
  return { exp: 0, mant: q }; // subnormal
}

/** Rounds the decimal `digits × 10^exp10` exactly to format `f`. */
function roundDecimal(digits: string, exp10: number, f: Format): Rounded | null {
  const m = BigInt(digits);
  if (m === 0n) return { exp: 0, mant: 0n };
  // Magnitude clamps keep the BigInt powers small for absurd exponents.
  const mag = digits.replace(/^0+/, "").length + exp10;
  if (mag > 400) return null;
  if (mag < -400) return { exp: 0, mant: 0n };
  if (exp10 >= 0) return roundBinary(m * 10n ** BigInt(exp10), 0, f);
  const d = 10n ** BigInt(-exp10);
  const k = Math.max(0, f.p + 3 + bitLength(d) - bitLength(m));
  const scaled = m << BigInt(k);
  const q = scaled / d;
  const sticky = scaled - q * d === 0n ? 0n : 1n;
  // The sticky bit sits below the rounding bit, so ties are detected exactly.
  return roundBinary((q << 1n) | sticky, -k - 1, f);
}

/** Splits a decimal float (no sign, no underscores) into integer digits and a power of ten. */
function decimalParts(text: string): { digits: string; exp10: number } {
  let mant = text;
  let exp10 = 0;
  const ei = text.search(/[eE]/);
  if (ei >= 0) {
    mant = text.slice(0, ei);
    // Clamp: beyond ±1e6 the value is 0 or out of range anyway.
    exp10 = Math.max(-1e6, Math.min(1e6, Number(text.slice(ei + 1))));
  }
  const dot = mant.indexOf(".");
  if (dot >= 0) {
    const frac = mant.slice(dot + 1);
    exp10 -= frac.length;
    mant = mant.slice(0, dot) + frac;
  }
  return { digits: mant, exp10 };
}

/** Exact value of a hex float body (after `0x`, no underscores) as mantissa × 2^e2. */
function hexParts(text: string): { m: bigint; e2: number } {
  let mant = text;
  let e2 = 0;
  const pi = text.search(/[pP]/);
  if (pi >= 0) {
    mant = text.slice(0, pi);
    e2 = Math.max(-1e6, Math.min(1e6, Number(text.slice(pi + 1))));
  }
  const dot = mant.indexOf(".");
  if (dot >= 0) {
    const frac = mant.slice(dot + 1);
    e2 -= 4 * frac.length;
    mant = mant.slice(0, dot) + frac;
  }
  return { m: mant === "" ? 0n : BigInt("0x" + mant), e2 };
}

/** The literal without sign and underscores. */
function body(src: Uint8Array, s: number, e: number): string {
  let underscores = false;
  for (let p = s; p < e; p++) {
    if (src[p] === 0x5f) {
      underscores = true;
      break;
    }
  }
  const text = String.fromCharCode.apply(null, src.subarray(s, e) as unknown as number[]);
  return underscores ? text.replaceAll("_", "") : text;
}

/** 2^e as a double, exactly, for e in [-1074, 1023] (built from its bits). */
function pow2(e: number): number {
  if (e >= -1022) {
    f64bits[0] = 0;
    f64bits[1] = (e + 1023) << 20;
  } else {
    const bit = e + 1074; // subnormal: one mantissa bit
    f64bits[0] = bit < 32 ? (1 << bit) >>> 0 : 0;
    f64bits[1] = bit < 32 ? 0 : 1 << (bit - 32);
  }
  return f64buf[0];
}

/**
 * The value of the hex float `src[p, e)` (after `0x`) as a double, when its
 * mantissa has at most 53 bits and 2^exponent is a double: then the one
 * multiplication `mantissa × 2^exponent` is the correctly rounded f64, and
 * exact wherever an f32 could be non-zero. NaN when the BigInt path is needed.
 */
function hexDouble(src: Uint8Array, p: number, e: number): number {
  let m = 0;
  let e2 = 0;
  let frac = false;
  for (; p < e; p++) {
    const c = src[p];
    if (c === 0x5f) continue;
    if (c === 0x2e) {
      frac = true;
      continue;
    }
    if ((c | 0x20) === 0x70) break; // p
    if (m >= 2 ** 49) return NaN;
    m = m * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
    if (frac) e2 -= 4;
  }
  if (p < e) {
    p++;
    const neg = src[p] === 0x2d;
    if (neg || src[p] === 0x2b) p++;
    let x = 0;
    for (; p < e; p++) if (src[p] !== 0x5f && x < 1e7) x = x * 10 + src[p] - 0x30;
    e2 += neg ? -x : x;
  }
  if (m === 0) return 0;
  if (e2 < -1074 || e2 > 1023) return NaN;
  return m * pow2(e2);
}

/**
 * The payload of `nan:0x…` at `src[p, e)` (p at the `n`), as a double: exact
 * up to 2^53, and anything above is out of range for both formats anyway.
 */
function nanPayload(src: Uint8Array, p: number, e: number): number {
  let v = 0;
  for (p += 6; p < e; p++) {
    const c = src[p];
    if (c !== 0x5f && v < 2 ** 53) v = v * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
  }
  return v;
}

/** Powers of ten that are exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The decimal float `src[p, e)` (no sign) as the correctly rounded double.
 * With at most 15 significant digits and a power of ten up to 22, mantissa
 * and power are exact doubles and one IEEE multiplication or division rounds
 * correctly (Clinger's fast path) — no string is built. Otherwise `Number()`.
 */
function decimalDouble(src: Uint8Array, p: number, e: number): number {
  let m = 0;
  let digits = 0;
  let frac = 0;
  let inFrac = false;
  let q = p;
  for (; q < e; q++) {
    const c = src[q];
    if (c === 0x5f) continue;
    if (c === 0x2e) {
      inFrac = true;
      continue;
    }
    if ((c | 0x20) === 0x65) break; // e
    if (m !== 0 || c !== 0x30) digits++;
    m = m * 10 + (c - 0x30);
    if (inFrac) frac++;
  }
  let exp = 0;
  if (q < e) {
    q++;
    const neg = src[q] === 0x2d;
    if (neg || src[q] === 0x2b) q++;
    for (; q < e; q++) if (src[q] !== 0x5f && exp < 1e7) exp = exp * 10 + src[q] - 0x30;
    if (neg) exp = -exp;
  }
  const exp10 = exp - frac;
  if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
    return exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
  }
  return Number(body(src, p, e));
}

const f64buf = new Float64Array(1);
const f64bits = new Uint32Array(f64buf.buffer);
const f32buf = new Float32Array(1);
const f32bits = new Uint32Array(f32buf.buffer);

/** f32 bits of a double that is exactly an f32 value (or ±inf). */
function f32BitsOf(x: number): number {
  f32buf[0] = x;
  return f32bits[0];
}

/**
 * The f32 bit pattern of the float literal `src[s, e)` (shape already
 * checked, integers included), or -1 when it is out of range.
 *
 * @example
 * ```ts
 * import { f32Bits } from "./floats.ts";
 * const bits = (s: string) => {
 *   const b = new TextEncoder().encode(s);
 *   return f32Bits(b, 0, b.length);
 * };
 * console.assert(bits("0x1p-149") === 1 && bits("-nan:0x200000") === 0xffa00000);
 * console.assert(bits("1e39") === -1);
 * ```
 */
export function f32Bits(src: Uint8Array, s: number, e: number): number {
  const neg = src[s] === 0x2d;
  const p = neg || src[s] === 0x2b ? s + 1 : s;
  const sign = neg ? 0x8000_0000 : 0;
  let bits: number;
  const c = src[p];
  if (c === 0x69) { // inf
    bits = 0x7f80_0000;
  } else if (c === 0x6e) { // nan, nan:0x…
    if (e - p === 3) {
      bits = 0x7fc0_0000;
    } else {
      const payload = nanPayload(src, p, e);
      if (payload === 0 || payload >= 2 ** 23) return -1;
      bits = 0x7f80_0000 | payload;
    }
  } else if (c === 0x30 && src[p + 1] === 0x78) { // 0x…
    const d = hexDouble(src, p + 2, e);
    if (d === d) {
      const f = Math.fround(d);
      if (f === Infinity) return -1;
      bits = f32BitsOf(f);
    } else {
      const { m, e2 } = hexParts(body(src, p + 2, e));
      const r = roundBinary(m, e2, F32);
      if (r === null) return -1;
      bits = (r.exp << 23) | Number(r.mant);
    }
  } else {
    const d = decimalDouble(src, p, e);
    const f = Math.fround(d);
    if (f !== d && isMidpoint(d, f)) {
      const { digits, exp10 } = decimalParts(body(src, p, e));
      const r = roundDecimal(digits, exp10, F32);
      if (r === null) return -1;
      bits = (r.exp << 23) | Number(r.mant);
    } else {
      if (f === Infinity) return -1;
      bits = f32BitsOf(f);
    }
  }
  return (bits | sign) >>> 0;
}

/** f32 max + half an ulp: the f32 rounding boundary to infinity. */
const F32_OVERFLOW_MID = 2 ** 128 - 2 ** 103;

/** True when `d` (not an f32 value) is exactly halfway between `f = fround(d)` and its neighbour. */
function isMidpoint(d: number, f: number): boolean {
  if (f === Infinity) return d === F32_OVERFLOW_MID;
  const b = f32BitsOf(f);
  // The neighbour on d's side of f (d and f are non-negative here).
  f32bits[0] = d > f ? b + 1 : b - 1;
  const other = f32buf[0];
  return (f + other) / 2 === d;
}

/**
 * The f64 bit pattern of the float literal `src[s, e)` into `out[0]` (low)
 * and `out[1]` (high); false when out of range.
 */
export function f64Bits(src: Uint8Array, s: number, e: number, out: Int32Array): boolean {
  const neg = src[s] === 0x2d;
  const p = neg || src[s] === 0x2b ? s + 1 : s;
  let lo: number;
  let hi: number;
  const c = src[p];
  if (c === 0x69) { // inf
    lo = 0;
    hi = 0x7ff0_0000;
  } else if (c === 0x6e) { // nan, nan:0x…
    if (e - p === 3) {
      lo = 0;
      hi = 0x7ff8_0000;
    } else {
      const payload = nanPayload(src, p, e);
      if (payload === 0 || payload >= 2 ** 52) return false;
      lo = payload % 0x1_0000_0000;
      hi = 0x7ff0_0000 | Math.floor(payload / 0x1_0000_0000);
    }
  } else {
    let d: number;
    if (c === 0x30 && src[p + 1] === 0x78) { // 0x…
      d = hexDouble(src, p + 2, e);
      if (d !== d) {
        const { m, e2 } = hexParts(body(src, p + 2, e));
        const r = roundBinary(m, e2, F64);
        if (r === null) return false;
        out[0] = Number(r.mant & 0xffff_ffffn) | 0;
        out[1] = ((r.exp << 20) | Number(r.mant >> 32n) | (neg ? 0x8000_0000 : 0)) | 0;
        return true;
      }
    } else {
      d = decimalDouble(src, p, e);
    }
    if (d === Infinity) return false;
    f64buf[0] = d;
    lo = f64bits[0];
    hi = f64bits[1];
  }
  out[0] = lo | 0;
  out[1] = (hi | (neg ? 0x8000_0000 : 0)) | 0;
  return true;
}

/**
 * Integer and string literals, read straight from the source bytes.
 *
 * {@linkcode numShape} classifies an atom the way the spec's lexer does
 * (natural number, signed integer, float, or none of them); the value readers
 * assume the shape was checked. Integers follow the reference interpreter:
 * unsigned or `+` forms must be below 2^N, `-` forms at most 2^(N-1); the
 * result is the two's complement bit pattern. Floats are in `floats.ts`.
 *
 * @module
 */

import { hexValue } from "./lexer.ts";

/** What kind of number an atom is ({@linkcode numShape}). */
export const Shape = {
  /** not a number */
  none: 0,
  /** unsigned integer: `42`, `0x2a`, `1_000` */
  nat: 1,
  /** signed integer: `+42`, `-0x2a` */
  int: 2,
  /** float: `1.5`, `1e3`, `0x1p-3`, `inf`, `-nan:0x200000` (but not a plain integer) */
  float: 3,
} as const;

const PLUS = 0x2b;
const MINUS = 0x2d;
const UNDERSCORE = 0x5f;

function decValue(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : -1;
}

/**
 * Scans `digit ('_'? digit)*` from `p`; returns the offset after it, `p`
 * when there is no digit, or -1 when an underscore is misplaced.
 */
function scanDigits(src: Uint8Array, p: number, e: number, hex: boolean): number {
  const start = p;
  while (p < e) {
    const c = src[p];
    if ((hex ? hexValue(c) : decValue(c)) >= 0) {
      p++;
    } else if (c === UNDERSCORE) {
      if (p === start || p + 1 >= e) return -1;
      const d = src[p + 1];
      if ((hex ? hexValue(d) : decValue(d)) < 0) return -1;
      p++;
    } else {
      break;
    }
  }
  return p;
}

/** True when `src[p, e)` spells `word` (ASCII). */
function spells(src: Uint8Array, p: number, e: number, word: string): boolean {
  if (e - p !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (src[p + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Offset after `nan:0x` when `src[p, e)` starts with it, else -1. */
function nanPayloadStart(src: Uint8Array, p: number, e: number): number {
  if (e - p < 7) return -1;
  return spells(src, p, p + 6, "nan:0x") ? p + 6 : -1;
}

/**
 * The {@linkcode Shape} of the atom `src[s, e)`: the spec's `nat`, `int` and
 * `float` token classes (a plain integer is `nat` or `int`, never `float`).
 *
 * @example
 * ```ts
 * import { numShape, Shape } from "./literals.ts";
 * const shape = (s: string) => {
 *   const b = new TextEncoder().encode(s);
 *   return numShape(b, 0, b.length);
 * };
 * console.assert(shape("0x1_0") === Shape.nat && shape("-1") === Shape.int);
 * console.assert(shape("1.") === Shape.float && shape("1__0") === Shape.none);
 * ```
 */
export function numShape(src: Uint8Array, s: number, e: number): number {
  let p = s;
  const signed = src[p] === PLUS || src[p] === MINUS;
  if (signed) p++;
  if (p >= e) return Shape.none;
  const c = src[p];
  if (c === 0x69 || c === 0x6e) { // i, n
    if (spells(src, p, e, "inf") || spells(src, p, e, "nan")) return Shape.float;
    const q = nanPayloadStart(src, p, e);
    return q >= 0 && scanDigits(src, q, e, true) === e ? Shape.float : Shape.none;
  }
  const hex = c === 0x30 && src[p + 1] === 0x78;
  if (hex) p += 2;
  const q = scanDigits(src, p, e, hex);
  if (q <= p) return Shape.none;
  p = q;
  if (p === e) return signed ? Shape.int : Shape.nat;
  if (src[p] === 0x2e) { // .
    p++;
    const f = scanDigits(src, p, e, hex);
    if (f < 0) return Shape.none;
    p = f;
  }
  if (p < e) {
    const x = src[p] | 0x20;
    if (x !== (hex ? 0x70 : 0x65)) return Shape.none; // p / e
    p++;
    if (src[p] === PLUS || src[p] === MINUS) p++;
    const d = scanDigits(src, p, e, false);
    if (d <= p || d !== e) return Shape.none;
  }
  return Shape.float;
}

/**
 * The magnitude of the integer `src[s, e)` (sign and `0x` allowed) as a
 * double: exact below 2^53, approximate above.
 */
function magnitude(src: Uint8Array, s: number, e: number): number {
  let p = s;
  if (src[p] === PLUS || src[p] === MINUS) p++;
  let v = 0;
  if (src[p] === 0x30 && src[p + 1] === 0x78) {
    for (p += 2; p < e; p++) {
      const d = hexValue(src[p]);
      if (d >= 0) v = v * 16 + d;
    }
  } else {
    for (; p < e; p++) {
      const d = src[p] - 0x30;
      if (d >= 0 && d <= 9) v = v * 10 + d;
    }
  }
  return v;
}

/** The magnitude of the integer `src[s, e)` exactly. */
function bigMagnitude(src: Uint8Array, s: number, e: number): bigint {
  let p = s;
  if (src[p] === PLUS || src[p] === MINUS) p++;
  let text = "";
  const hex = src[p] === 0x30 && src[p + 1] === 0x78;
  if (hex) p += 2;
  for (; p < e; p++) if (src[p] !== UNDERSCORE) text += String.fromCharCode(src[p]);
  return BigInt(hex ? "0x" + text : text);
}

/**
 * The unsigned value of the natural number `src[s, e)` when it is below
 * 2^32, else -1.
 */
export function nat32(src: Uint8Array, s: number, e: number): number {
  const v = magnitude(src, s, e);
  return v < 0x1_0000_0000 ? v : -1;
}

/**
 * The bits (as a signed int32) of the integer `src[s, e)` for an `i32`
 * (or `i8`/`i16` lane with `bits` 8/16), or null when out of range.
 */
export function intBits(src: Uint8Array, s: number, e: number, bits = 32): number | null {
  const v = magnitude(src, s, e);
  const limit = 2 ** bits;
  if (src[s] === MINUS) {
    if (v > limit / 2) return null;
    return -v | 0;
  }
  return v < limit ? v | 0 : null;
}

/**
 * The bits of the i64 literal `src[s, e)` into `out[0]` (low) and `out[1]`
 * (high); false when out of range.
 */
export function int64Bits(src: Uint8Array, s: number, e: number, out: Int32Array): boolean {
  const v = magnitude(src, s, e);
  const neg = src[s] === MINUS;
  if (v < 2 ** 53) {
    // Exact in a double: split without BigInt.
    const hi = Math.floor(v / 0x1_0000_0000);
    const lo = v - hi * 0x1_0000_0000;
    if (!neg || v === 0) {
      out[0] = lo | 0;
      out[1] = hi | 0;
    } else {
      // Two's complement of (hi:lo).
      out[0] = -lo | 0;
      out[1] = lo === 0 ? -hi | 0 : ~hi;
    }
    return true;
  }
  const b = bigMagnitude(src, s, e);
  if (neg ? b > 1n << 63n : b >= 1n << 64n) return false;
  const bits = BigInt.asUintN(64, neg ? -b : b);
  out[0] = Number(bits & 0xffff_ffffn) | 0;
  out[1] = Number(bits >> 32n) | 0;
  return true;
}

// ---- strings ----------------------------------------------------------------

/**
 * The bytes of the string token `src[s, e)` (quotes included), escapes
 * decoded. The lexer has checked the escapes; `escapes` false takes the fast
 * path of a plain copy.
 */
export function stringBytes(src: Uint8Array, s: number, e: number, escapes: boolean): Uint8Array {
  if (!escapes) return src.slice(s + 1, e - 1);
  const out = new Uint8Array(e - s);
  let n = 0;
  for (let p = s + 1; p < e - 1;) {
    const c = src[p];
    if (c !== 0x5c) {
      out[n++] = c;
      p++;
      continue;
    }
    const x = src[p + 1];
    p += 2;
    switch (x) {
      case 0x74:
        out[n++] = 0x09;
        break;
      case 0x6e:
        out[n++] = 0x0a;
        break;
      case 0x72:
        out[n++] = 0x0d;
        break;
      case 0x22:
      case 0x27:
      case 0x5c:
        out[n++] = x;
        break;
      case 0x75: {
        let v = 0;
        for (p++; src[p] !== 0x7d; p++) if (src[p] !== UNDERSCORE) v = v * 16 + hexValue(src[p]);
        p++;
        n = putUtf8(out, n, v);
        break;
      }
      default:
        out[n++] = hexValue(x) * 16 + hexValue(src[p]);
        p++;
    }
  }
  return out.slice(0, n);
}

/** Writes code point `v` as UTF-8 at `out[n]`; returns the new length. */
function putUtf8(out: Uint8Array, n: number, v: number): number {
  if (v < 0x80) {
    out[n++] = v;
  } else if (v < 0x800) {
    out[n++] = 0xc0 | (v >> 6);
    out[n++] = 0x80 | (v & 0x3f);
  } else if (v < 0x10000) {
    out[n++] = 0xe0 | (v >> 12);
    out[n++] = 0x80 | ((v >> 6) & 0x3f);
    out[n++] = 0x80 | (v & 0x3f);
  } else {
    out[n++] = 0xf0 | (v >> 18);
    out[n++] = 0x80 | ((v >> 12) & 0x3f);
    out[n++] = 0x80 | ((v >> 6) & 0x3f);
    out[n++] = 0x80 | (v & 0x3f);
  }
  return n;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes `src[s, e)` as a name: the string, or null when the bytes are not
 * valid UTF-8 (the caller reports "malformed UTF-8 encoding").
 */
export function utf8Name(src: Uint8Array, s = 0, e: number = src.length): string | null {
  let ascii = true;
  for (let i = s; i < e; i++) {
    if (src[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && e - s < 1024) {
    return String.fromCharCode.apply(null, src.subarray(s, e) as unknown as number[]);
  }
  try {
    return UTF8.decode(src.subarray(s, e));
  } catch {
    return null;
  }
}

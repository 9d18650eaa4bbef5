/**
 * Literals as the text format writes them, exactly: integers in full, floats
 * as the shortest decimal that the parser reads back to the same bits (a hex
 * float when no decimal does, `nan:0x…` for a NaN with a payload), strings
 * with every byte outside printable ASCII escaped.
 *
 * "Reads back" is checked with the parser's own float reader
 * (`floats.ts`), not with `Number()`: `Math.fround(Number(s))` rounds twice
 * and can disagree with the correctly rounded f32 of `s`.
 *
 * @module
 */

import { f32Bits, f64Bits } from "./floats.ts";

const scratch = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();
const pair = new Int32Array(2);

/**
 * The text of an f32 from its bits: `0.1`, `-0`, `inf`, `nan`,
 * `nan:0x200000`, `1e-45`.
 *
 * @example
 * ```ts
 * import { f32Text } from "./print_literals.ts";
 * console.assert(f32Text(0x3dcccccd) === "0.1");
 * console.assert(f32Text(0xff800000 | 0) === "-inf");
 * console.assert(f32Text(0x7fa00000) === "nan:0x200000");
 * ```
 */
export function f32Text(bits: number): string {
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7f_ffff;
  const sign = bits < 0 ? "-" : "";
  if (exp === 0xff) {
    if (mant === 0) return `${sign}inf`;
    return mant === 0x40_0000 ? `${sign}nan` : `${sign}nan:0x${mant.toString(16)}`;
  }
  scratch.setInt32(0, bits, true);
  const v = scratch.getFloat32(0, true);
  if (v === 0) return `${sign}0`;
  const want = bits >>> 0;
  // Nine significant digits always identify an f32; usually far fewer do.
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    const b = encoder.encode(s);
    if (f32Bits(b, 0, b.length) === want) return s;
  }
  return f32Hex(bits);
}

/**
 * The text of an f64 from its low and high 32-bit words: JS's shortest
 * round-trip decimal (`0.1`, `1e+300`), or `inf`, `nan`, `nan:0x…`.
 *
 * @example
 * ```ts
 * import { f64Text } from "./print_literals.ts";
 * console.assert(f64Text(0x9999999a | 0, 0x3fb99999) === "0.1");
 * console.assert(f64Text(1, 0x7ff00000) === "nan:0x1");
 * ```
 */
export function f64Text(lo: number, hi: number): string {
  const exp = (hi >>> 20) & 0x7ff;
  const sign = hi < 0 ? "-" : "";
  if (exp === 0x7ff) {
    const mantHi = hi & 0xf_ffff;
    if (mantHi === 0 && lo === 0) return `${sign}inf`;
    if (mantHi === 0x8_0000 && lo === 0) return `${sign}nan`;
    const payload = BigInt(mantHi) << 32n | BigInt(lo >>> 0);
    return `${sign}nan:0x${payload.toString(16)}`;
  }
  scratch.setInt32(0, lo, true);
  scratch.setInt32(4, hi, true);
  const v = scratch.getFloat64(0, true);
  if (v === 0) return `${sign}0`;
  const s = String(v);
  const b = encoder.encode(s);
  if (f64Bits(b, 0, b.length, pair) && pair[0] === (lo | 0) && pair[1] === (hi | 0)) return s;
  return f64Hex(lo, hi);
}

/**
 * An f32 (finite) as a hex float: `0x1.99999ap-4`, `0x0.000002p-126` for a
 * subnormal. Exact by construction.
 */
export function f32Hex(bits: number): string {
  const sign = bits < 0 ? "-" : "";
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7f_ffff;
  if (exp === 0 && mant === 0) return `${sign}0x0p+0`;
  // 23 mantissa bits, shifted to 24 so they fill six hex digits.
  const digits = (mant << 1).toString(16).padStart(6, "0").replace(/0+$/, "");
  const lead = exp === 0 ? "0" : "1";
  const e = exp === 0 ? -126 : exp - 127;
  return `${sign}0x${lead}${digits ? "." + digits : ""}p${e < 0 ? "-" : "+"}${Math.abs(e)}`;
}

/** An f64 (finite) as a hex float from its words: `0x1.999999999999ap-4`. */
export function f64Hex(lo: number, hi: number): string {
  const sign = hi < 0 ? "-" : "";
  const exp = (hi >>> 20) & 0x7ff;
  const mant = BigInt(hi & 0xf_ffff) << 32n | BigInt(lo >>> 0);
  if (exp === 0 && mant === 0n) return `${sign}0x0p+0`;
  const digits = mant.toString(16).padStart(13, "0").replace(/0+$/, "");
  const lead = exp === 0 ? "0" : "1";
  const e = exp === 0 ? -1022 : exp - 1023;
  return `${sign}0x${lead}${digits ? "." + digits : ""}p${e < 0 ? "-" : "+"}${Math.abs(e)}`;
}

/** An i64 from its low and high words, signed decimal. */
export function i64Text(lo: number, hi: number): string {
  return BigInt.asIntN(64, BigInt(hi) << 32n | BigInt(lo >>> 0)).toString();
}

const HEX = "0123456789abcdef";

function escapeByte(b: number): string {
  return "\\" + HEX[b >> 4] + HEX[b & 15];
}

/** True for the bytes a string literal can hold unescaped: printable ASCII but `"` and `\`. */
function plain(b: number): boolean {
  return b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
}

/**
 * Bytes as a string literal, quotes included: printable ASCII as it is,
 * every other byte as `\hh` (data segments need not be UTF-8).
 *
 * @example
 * ```ts
 * import { bytesText } from "./print_literals.ts";
 * const text = bytesText(new TextEncoder().encode('hi "you"\n'));
 * console.assert(text === '"hi \\22you\\22\\0a"');
 * ```
 */
export function bytesText(bytes: Uint8Array): string {
  let s = '"';
  let run = 0; // start of the current run of plain bytes
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (plain(b)) continue;
    // Flush plain runs with one decode, so a long text segment is not built char by char.
    if (i > run) s += chunked(bytes.subarray(run, i));
    s += escapeByte(b);
    run = i + 1;
  }
  if (bytes.length > run) s += chunked(bytes.subarray(run));
  return s + '"';
}

/** `String.fromCharCode` over ASCII bytes, in slices small enough for an argument list. */
function chunked(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/**
 * A name (import, export) as a string literal: non-ASCII characters stay as
 * they are (a name is valid UTF-8), control characters, `"` and `\` are
 * escaped.
 *
 * @example
 * ```ts
 * import { nameString } from "./print_literals.ts";
 * console.assert(nameString("π\t") === '"π\\09"');
 * ```
 */
export function nameString(name: string): string {
  let s = '"';
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || plain(c)) s += ch;
    else s += escapeByte(c);
  }
  return s + '"';
}

/**
 * Values on the command line of `kwasm run --invoke`: arguments read by the
 * export's parameter types, results printed one per line the way wasmtime
 * prints them (its `run` command formats each result with Rust's `Display`):
 *
 * | type | argument | result |
 * | --- | --- | --- |
 * | i32, i64 | signed decimal (`-7`) | signed decimal |
 * | f32, f64 | decimal, exponent allowed, `inf`, `-inf`, `nan` | shortest decimal that reads back as the same value, never an exponent: `0.1`, `1e21` → `1000000000000000000000`, `-0`, `inf`, `-inf`, `NaN` |
 * | v128 | an unsigned 128-bit integer, decimal or `0x` hex | the unsigned 128-bit integer in decimal (lane 0 lowest) |
 * | funcref, externref | not accepted (as wasmtime) | `<funcref>`, `<null funcref>`, `<externref>`, `<null externref>` |
 *
 * Floats travel as their bits ({@linkcode RawValue}), so a NaN result's
 * payload is not lost on the way — it is just printed as `NaN`, as Rust does.
 *
 * @module
 */

import type { RawValue } from "../runtime/engine.ts";
import { isNullable, isRef, ValType, valTypeName } from "../runtime/types.ts";

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Reads `text` as a value of type `type`; null when it is not one (or the
 * type cannot be given on a command line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseValue } from "./_values.ts";
 * import { ValType } from "../runtime/types.ts";
 * assert.equal(parseValue(ValType.i32, "-1"), -1);
 * assert.equal(parseValue(ValType.f32, "1.5"), 0x3fc00000); // the bits
 * assert.equal(parseValue(ValType.i32, "4294967296"), null);
 * ```
 */
export function parseValue(type: ValType, text: string): RawValue | null {
  switch (type) {
    case ValType.i32: {
      const n = parseInteger(text, 32);
      return n === null ? null : Number(n);
    }
    case ValType.i64:
      return parseInteger(text, 64);
    case ValType.f32: {
      const x = parseFloatText(text);
      if (x === null) return null;
      scratch.setFloat32(0, x);
      return scratch.getUint32(0);
    }
    case ValType.f64: {
      const x = parseFloatText(text);
      if (x === null) return null;
      scratch.setFloat64(0, x);
      return scratch.getBigUint64(0);
    }
    case ValType.v128:
      return parseV128(text);
  }
  return null;
}

/** A signed decimal integer that fits in `bits` bits, or null. */
function parseInteger(text: string, bits: 32 | 64): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = BigInt(text);
  return BigInt.asIntN(bits, n) === n ? n : null;
}

/** Rust's float syntax (`1`, `-2.5e-3`, `.5`, `inf`, `infinity`, `nan`), or null. */
function parseFloatText(text: string): number | null {
  const m = /^([+-]?)(?:(inf|infinity)|(nan)|(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?))$/i
    .exec(text);
  if (m === null) return null;
  const sign = m[1] === "-" ? -1 : 1;
  if (m[2] !== undefined) return sign * Infinity;
  if (m[3] !== undefined) return NaN;
  return sign * Number(m[4]);
}

/** An unsigned 128-bit integer, decimal or `0x` hex, as 16 little-endian bytes; or null. */
function parseV128(text: string): Uint8Array | null {
  if (!/^(\d+|0x[0-9a-f]+)$/i.test(text)) return null;
  let n = BigInt(text);
  if (BigInt.asUintN(128, n) !== n) return null;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++, n >>= 8n) bytes[i] = Number(n & 0xffn);
  return bytes;
}

/**
 * A result printed the way wasmtime's `--invoke` prints it (see the module
 * documentation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./_values.ts";
 * import { ValType } from "../runtime/types.ts";
 * assert.equal(formatValue(ValType.i64, -3n), "-3");
 * assert.equal(formatValue(ValType.f32, 0x3dcccccd), "0.1"); // f32 0.1
 * assert.equal(formatValue(ValType.f64, 0x7ff0000000000000n), "inf");
 * ```
 */
export function formatValue(type: ValType, value: RawValue): string {
  switch (type) {
    case ValType.i32:
    case ValType.i64:
      return String(value);
    case ValType.f32:
      scratch.setUint32(0, value as number);
      return formatFloat(scratch.getFloat32(0), 32);
    case ValType.f64:
      scratch.setBigUint64(0, value as bigint);
      return formatFloat(scratch.getFloat64(0), 64);
    case ValType.v128: {
      const bytes = value as Uint8Array;
      let n = 0n;
      for (let i = 15; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
      return String(n);
    }
  }
  if (isRef(type)) {
    const name = type === ValType.funcref || type === ValType.externref ? valTypeName(type) : "ref";
    return value === null && isNullable(type) ? `<null ${name}>` : `<${name}>`;
  }
  return String(value);
}

/**
 * A float as Rust's `Display` prints it: the shortest decimal that reads
 * back as the same `bits`-bit float, written out without an exponent;
 * `NaN` (any sign or payload), `inf`, `-inf`, `-0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFloat } from "./_values.ts";
 * assert.equal(formatFloat(1e21, 64), "1000000000000000000000");
 * assert.equal(formatFloat(Math.fround(0.1), 32), "0.1");
 * assert.equal(formatFloat(-0, 64), "-0");
 * ```
 */
export function formatFloat(x: number, bits: 32 | 64): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const abs = Math.abs(x);
  if (abs === 0) return `${sign}0`;
  return sign + plainDecimal(bits === 64 ? abs.toExponential() : shortestF32(abs));
}

/**
 * The shortest `d.ddde±x` form of an f32 value that reads back as it:
 * JavaScript's own shortest form is for f64, so try 1 to 9 significant digits
 * (9 always suffice for f32) and keep the first that survives `Math.fround`.
 */
function shortestF32(x: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toExponential(digits - 1);
    if (Math.fround(Number(text)) === x) return text;
  }
  return x.toExponential(8);
}

/** `d.ddde±x` written out in full: `1.5e+3` → `1500`, `2.5e-3` → `0.0025`. */
function plainDecimal(exponential: string): string {
  const [mantissa, exp] = exponential.split("e");
  const digits = mantissa.replace(".", "");
  const point = Number(exp) + 1; // digits before the decimal point
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  if (point > 0) return `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `0.${"0".repeat(-point)}${digits}`;
}

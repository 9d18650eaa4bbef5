/**
 * Conversions between exact wasm values ({@linkcode RawValue}: floats as
 * bits, i64 as bigint) and the JS API's values (floats as numbers), as the
 * JS API's `ToJSValue` and `ToWebAssemblyValue` define them.
 *
 * @module
 */

import type { RawValue } from "../engine.ts";
import { ValType, valTypeName } from "../types.ts";
import { funcRefOf } from "./func_ref.ts";

const scratch = new ArrayBuffer(8);
const f32 = new Float32Array(scratch);
const f64 = new Float64Array(scratch);
const u32 = new Uint32Array(scratch);
const u64 = new BigUint64Array(scratch);

/** The bits of `x` rounded to f32, as an unsigned 32-bit integer. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** The f32 whose bits are `bits` (NaN payloads may not survive JS arithmetic). */
export function f32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/** The bits of the f64 `x`, as an unsigned 64-bit bigint. */
export function f64Bits(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

/** The f64 whose bits are `bits`. */
export function f64FromBits(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits);
  return f64[0];
}

/**
 * The JS API's `ToJSValue`: i32 and floats become numbers, i64 a bigint;
 * references are the same in both forms. v128 has no JS value (TypeError).
 */
export function toJSValue(type: ValType, raw: RawValue): unknown {
  switch (type) {
    case ValType.i32:
      return raw as number;
    case ValType.i64:
      return raw as bigint;
    case ValType.f32:
      return f32FromBits(raw as number);
    case ValType.f64:
      return f64FromBits(raw as bigint);
    case ValType.v128:
      throw new TypeError("type incompatibility: v128 has no JS value");
    default:
      return raw;
  }
}

/**
 * The JS API's `ToWebAssemblyValue`: a JS value as an exact value of `type`.
 * Throws TypeError where the JS API does (a number for i64, v128, a plain JS
 * function for funcref).
 */
export function fromJSValue(type: ValType, v: unknown): RawValue {
  switch (type) {
    case ValType.i32:
      return Number(v) | 0;
    case ValType.i64:
      if (typeof v === "number") throw new TypeError("type incompatibility: i64 needs a BigInt");
      return BigInt.asIntN(64, BigInt(v as bigint));
    case ValType.f32:
      return f32Bits(Number(v));
    case ValType.f64:
      return f64Bits(Number(v));
    case ValType.funcref:
      if (v !== null && funcRefOf(v) === undefined) {
        throw new TypeError("type incompatibility: not a wasm function");
      }
      return v;
    case ValType.externref:
      return v;
    default:
      throw new TypeError(`type incompatibility: ${valTypeName(type)} has no JS value`);
  }
}

/** The default (zero) value of a type: 0, 0n, +0 bits, zero bytes, null. */
export function defaultValue(type: ValType): RawValue {
  switch (type) {
    case ValType.i32:
    case ValType.f32:
      return 0;
    case ValType.i64:
    case ValType.f64:
      return 0n;
    case ValType.v128:
      return new Uint8Array(16);
    default:
      return null;
  }
}

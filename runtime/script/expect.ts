/**
 * Comparing actual results with a script's expectations, the spec
 * interpreter's way: integers and floats by their exact bits, NaN patterns
 * by payload (`nan:canonical` is the canonical quiet NaN of either sign,
 * `nan:arithmetic` any NaN with the quiet bit set), v128 lane by lane in the
 * shape the literal was written in.
 *
 * @module
 */

import type { RawValue } from "../engine.ts";
import type { NanPattern, V128Lane, WastExpected, WastValue } from "../text/wast.ts";

/** An externref of the script (`ref.extern N`): one boxed object per N, as the JS harness does. */
const EXTERNS = new Map<number, { extern: number }>();

/** The host value that stands for `ref.extern n`. */
export function externOf(n: number): { extern: number } {
  let v = EXTERNS.get(n);
  if (v === undefined) EXTERNS.set(n, v = { extern: n });
  return v;
}

/** A script argument as an exact engine value. */
export function argValue(v: WastValue): RawValue {
  switch (v.type) {
    case "i32":
    case "i64":
      return v.value;
    case "f32":
    case "f64":
      return v.bits;
    case "v128":
      return v.bytes;
    case "ref.null":
      return null;
    case "ref.extern":
      return externOf(v.value);
  }
}

function f32NanMatches(bits: number, pattern: NanPattern): boolean {
  const b = bits >>> 0;
  if ((b & 0x7f80_0000) !== 0x7f80_0000 || (b & 0x007f_ffff) === 0) return false;
  return pattern === "nan:canonical" ? (b & 0x007f_ffff) === 0x0040_0000 : (b & 0x0040_0000) !== 0;
}

const F64_EXP = 0x7ff0_0000_0000_0000n;
const F64_FRAC = 0x000f_ffff_ffff_ffffn;
const F64_QUIET = 0x0008_0000_0000_0000n;

function f64NanMatches(bits: bigint, pattern: NanPattern): boolean {
  const b = BigInt.asUintN(64, bits);
  if ((b & F64_EXP) !== F64_EXP || (b & F64_FRAC) === 0n) return false;
  return pattern === "nan:canonical" ? (b & F64_FRAC) === F64_QUIET : (b & F64_QUIET) !== 0n;
}

const LANE_BYTES = { i8x16: 1, i16x8: 2, i32x4: 4, i64x2: 8, f32x4: 4, f64x2: 8 } as const;

function laneMatches(
  bytes: Uint8Array,
  shape: keyof typeof LANE_BYTES,
  i: number,
  want: V128Lane,
): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const size = LANE_BYTES[shape];
  const at = i * size;
  if (size === 8) {
    const got = view.getBigUint64(at, true);
    if (typeof want === "string") return f64NanMatches(got, want);
    return got === BigInt.asUintN(64, BigInt(want));
  }
  const got = size === 4
    ? view.getUint32(at, true)
    : size === 2
    ? view.getUint16(at, true)
    : view.getUint8(at);
  if (typeof want === "string") return f32NanMatches(got, want);
  const mask = size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
  return got === (Number(want) & mask) >>> 0;
}

/** True when `actual` (an exact engine value) is what `want` expects. */
export function matches(actual: RawValue, want: WastExpected): boolean {
  switch (want.type) {
    case "i32":
      return typeof actual === "number" && (actual | 0) === (want.value | 0);
    case "i64":
      return typeof actual === "bigint" &&
        BigInt.asIntN(64, actual) === BigInt.asIntN(64, want.value);
    case "f32":
      if (typeof actual !== "number") return false;
      return "nan" in want ? f32NanMatches(actual, want.nan) : actual >>> 0 === want.bits >>> 0;
    case "f64":
      if (typeof actual !== "bigint") return false;
      return "nan" in want
        ? f64NanMatches(actual, want.nan)
        : BigInt.asUintN(64, actual) === BigInt.asUintN(64, want.bits);
    case "v128":
      if (!(actual instanceof Uint8Array) || actual.length !== 16) return false;
      return want.lanes.every((lane, i) => laneMatches(actual, want.shape, i, lane));
    case "ref.null":
      return actual === null;
    case "ref.func":
      return typeof actual === "function" || (actual !== null && typeof actual === "object");
    case "ref.extern":
      return want.value === null ? actual !== null : actual === externOf(want.value);
  }
}

/** A value for messages: bits in hex for floats and vectors. */
export function show(v: RawValue): string {
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Uint8Array) {
    return `v128 ${[...v].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
  }
  if (typeof v === "number") return String(v);
  if (v === null) return "null";
  return typeof v === "function" ? "funcref" : "externref";
}

/** An expectation for messages. */
export function showExpected(w: WastExpected): string {
  switch (w.type) {
    case "v128":
      return `v128 ${w.shape} ${w.lanes.join(" ")}`;
    case "f32":
    case "f64":
      return "nan" in w ? `${w.type} ${w.nan}` : `${w.type} bits ${w.bits}`;
    case "i32":
    case "i64":
      return `${w.type} ${w.value}`;
    case "ref.extern":
      return `ref.extern ${w.value ?? ""}`;
    case "ref.null":
      return `ref.null ${w.heap}`;
    case "ref.func":
      return "ref.func";
  }
}

import assert from "node:assert/strict";
import { f32Bits, f64Bits } from "./floats.ts";
import { utf8 } from "./_testing.ts";

/** f32 bits as unsigned, or -1 for "constant out of range". */
function f32(s: string): number {
  const b = utf8(s);
  return f32Bits(b, 0, b.length);
}

/** f64 bits as an unsigned bigint, or null for "constant out of range". */
function f64(s: string): bigint | null {
  const b = utf8(s);
  const out = new Int32Array(2);
  if (!f64Bits(b, 0, b.length, out)) return null;
  return (BigInt(out[1] >>> 0) << 32n) | BigInt(out[0] >>> 0);
}

Deno.test("f32 hex floats: smallest subnormal, largest finite, rounding at the top", () => {
  assert.equal(f32("0x1p-149"), 0x0000_0001);
  assert.equal(f32("-0x1p-149"), 0x8000_0001);
  assert.equal(f32("0x1p-150"), 0); // a tie with 0: to even
  assert.equal(f32("0x1.000001p-150"), 1); // just above the tie
  assert.equal(f32("0x1.fffffcp-127"), 0x007f_ffff); // largest subnormal
  assert.equal(f32("0x1p-126"), 0x0080_0000);
  assert.equal(f32("-0x1.fffffep127"), 0xff7f_ffff);
  assert.equal(f32("0x1.fffffe7p127"), 0x7f7f_ffff); // below the half-way point: rounds down
  assert.equal(f32("0x1.ffffffp127"), -1); // the half-way point rounds to infinity
  assert.equal(f32("0x1p128"), -1);
  assert.equal(f32("0x1.00000100000000000000000000000001p0"), 0x3f80_0001); // > 53 bits
  assert.equal(f32("0x1.000001p0"), 0x3f80_0000); // tie: to even
  assert.equal(f32("0x1.000003p0"), 0x3f80_0002); // tie: to even (up)
  assert.equal(f32("0x1p-10000"), 0);
  assert.equal(f32("0x1p+10000"), -1);
  assert.equal(f32("0x0p+10000"), 0);
});

Deno.test("f32 decimals round once, straight to f32 (no double rounding through f64)", () => {
  // 1 + 2^-24 is the midpoint between 1 and the next f32: ties go to even (1.0) …
  assert.equal(f32("1.000000059604644775390625"), 0x3f80_0000);
  // … but a hair above it must round up, although the nearest f64 *is* the midpoint.
  assert.equal(f32("1.00000005960464477539062500000001"), 0x3f80_0001);
  assert.equal(f32("1.00000005960464477539062499999999"), 0x3f80_0000);
  assert.equal(f32("1e38"), 0x7e96_7699);
  assert.equal(f32("340282356779733623858607532500980858880"), 0x7f7f_ffff);
  assert.equal(f32("340282356779733661637539395458142568447"), 0x7f7f_ffff);
  assert.equal(f32("340282356779733661637539395458142568448"), -1); // the overflow midpoint
  assert.equal(f32("1e39"), -1);
  assert.equal(f32("1e-46"), 0);
  assert.equal(f32("1.4e-45"), 1);
  assert.equal(f32("-0.0"), 0x8000_0000);
  assert.equal(f32("1_000.000_1"), f32("1000.0001"));
  assert.equal(f32("1e-100000"), 0);
});

Deno.test("f32 inf and NaN payloads are exact", () => {
  assert.equal(f32("inf"), 0x7f80_0000);
  assert.equal(f32("-inf"), 0xff80_0000);
  assert.equal(f32("nan"), 0x7fc0_0000);
  assert.equal(f32("-nan"), 0xffc0_0000);
  assert.equal(f32("nan:0x1"), 0x7f80_0001);
  assert.equal(f32("nan:0x200000"), 0x7fa0_0000);
  assert.equal(f32("-nan:0x7fffff"), 0xffff_ffff);
  assert.equal(f32("nan:0x800000"), -1);
  assert.equal(f32("nan:0x0"), -1);
});

Deno.test("f64 literals", () => {
  assert.equal(f64("0x1p-1074"), 1n);
  assert.equal(f64("0x1p-1075"), 0n); // tie with 0
  assert.equal(f64("0x1.8p-1075"), 1n);
  // (2^53 - 1) × 2^-1075 is a tie between the largest subnormal and the smallest normal.
  assert.equal(f64("0x1.fffffffffffffp-1023"), 0x0010_0000_0000_0000n);
  assert.equal(f64("0x1.fffffffffffffp1023"), 0x7fef_ffff_ffff_ffffn);
  assert.equal(f64("0x1.fffffffffffff8p1023"), null);
  assert.equal(f64("0x1p1024"), null);
  assert.equal(f64("1e309"), null);
  assert.equal(f64("1e308"), 0x7fe1_ccf3_85eb_c8a0n);
  assert.equal(f64("-0x0p0"), 0x8000_0000_0000_0000n);
  assert.equal(f64("0.1"), 0x3fb9_9999_9999_999an);
  assert.equal(f64("nan"), 0x7ff8_0000_0000_0000n);
  assert.equal(f64("-nan:0xfffffffffffff"), 0xffff_ffff_ffff_ffffn);
  assert.equal(f64("nan:0x10000000000000"), null);
  assert.equal(f64("-inf"), 0xfff0_0000_0000_0000n);
  assert.equal(f64("18446744073709551616"), 0x43f0_0000_0000_0000n);
});

/** Which differences in NaN bits the differential fuzzer explains, and which it must not. */
import assert from "node:assert/strict";
import { nanEquivalent, nanOnlyMemory, nanOnlyValues } from "./nan_bits.ts";

Deno.test("nanEquivalent: both NaNs, one canonical, or equal but for the sign", () => {
  assert.ok(nanEquivalent(0x7fc00000n, 0xffc00000n, 4));
  assert.ok(nanEquivalent(0xff800005n, 0x7fc00000n, 4));
  assert.ok(nanEquivalent(0xfff8000000000000n, 0x7ff8000000000000n, 8));
  assert.ok(nanEquivalent(0xfff0000000000009n, 0x7ff0000000000009n, 8));
  // i32 -1 and -2 are f32 NaN patterns, neither canonical: an integer difference.
  assert.ok(!nanEquivalent(0xffffffffn, 0xfffffffen, 4));
  assert.ok(!nanEquivalent(0x7fc00000n, 0x7f800000n, 4)); // infinity is no NaN
  assert.ok(!nanEquivalent(0x3f800000n, 0x7fc00000n, 4));
});

Deno.test("nanOnlyValues: i32, i64 and f64x2 lanes; not integer differences", () => {
  assert.ok(nanOnlyValues("-2251799813685248n", "9221120237041090560n")); // ∓ canonical f64
  assert.ok(nanOnlyValues("[1,2143289344]", "[1,-4194304]")); // ± canonical f32 lanes
  // An f64x2 lane split in two i32s: canonical +NaN vs a NaN with a payload in the low half.
  assert.ok(nanOnlyValues("[5,0,0,2146959360]", "[5,0,-5,-524288]"));
  assert.ok(!nanOnlyValues("-1", "-2"));
  assert.ok(!nanOnlyValues("-1n", "-2n"));
  assert.ok(!nanOnlyValues("[1,2]", "[1,3]"));
  assert.ok(!nanOnlyValues("[1,2]", "[1,2,3]"));
  assert.ok(!nanOnlyValues("1.5", "2143289344"));
});

Deno.test("nanOnlyMemory: differing bytes must lie in NaN-equivalent floats", () => {
  const a = new Uint8Array(16), b = new Uint8Array(16);
  new DataView(a.buffer).setBigUint64(5, 0xfff8000000000007n, true);
  new DataView(b.buffer).setFloat64(5, NaN, true);
  assert.ok(nanOnlyMemory(a, b));
  b[15] = 1;
  assert.ok(!nanOnlyMemory(a, b));
  // -1 vs -2 stored as i32s: not explained.
  const c = new Uint8Array(8).fill(0xff), d = c.slice();
  d[0] = 0xfe;
  assert.ok(!nanOnlyMemory(c, d));
});

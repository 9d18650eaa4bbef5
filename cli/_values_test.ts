import assert from "node:assert/strict";
import { ValType } from "../runtime/types.ts";
import { formatFloat, formatValue, parseValue } from "./_values.ts";

Deno.test("formatFloat prints f64 as Rust's Display: shortest, no exponent", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"],
    [0.1 + 0.2, "0.30000000000000004"],
    [123.456, "123.456"],
    [1, "1"],
    [-2.5, "-2.5"],
    [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"],
    [Number.MAX_VALUE, "17976931348623157" + "0".repeat(292)],
    [Number.MIN_VALUE, "0." + "0".repeat(323) + "5"],
    [0, "0"],
    [-0, "-0"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "NaN"],
  ];
  for (const [x, text] of cases) assert.equal(formatFloat(x, 64), text, String(x));
});

Deno.test("formatFloat prints f32 with the digits that read back as the same f32", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"],
    [1 / 3, "0.33333334"],
    [16777217, "16777216"],
    [3.4028234663852886e38, "340282350000000000000000000000000000000"],
    [1.401298464324817e-45, "0." + "0".repeat(44) + "1"],
    [-1.5, "-1.5"],
    [1e10, "10000000000"],
  ];
  for (const [x, text] of cases) assert.equal(formatFloat(Math.fround(x), 32), text, String(x));
});

Deno.test("formatValue: integers signed, floats from their bits, v128 unsigned, refs", () => {
  assert.equal(formatValue(ValType.i32, -1), "-1");
  assert.equal(formatValue(ValType.i64, -9223372036854775808n), "-9223372036854775808");
  assert.equal(formatValue(ValType.f32, 0xbf800000), "-1");
  assert.equal(formatValue(ValType.f32, 0x7fc00001), "NaN");
  assert.equal(formatValue(ValType.f32, 0xff800000), "-inf");
  assert.equal(formatValue(ValType.f64, 0x8000000000000000n), "-0");
  assert.equal(formatValue(ValType.f64, 0xfff8000000000001n), "NaN");
  const v = new Uint8Array(16);
  v[0] = 1;
  v[15] = 0x80;
  assert.equal(formatValue(ValType.v128, v), String((1n << 127n) | 1n));
  assert.equal(formatValue(ValType.funcref, null), "<null funcref>");
  assert.equal(formatValue(ValType.funcref, () => 0), "<funcref>");
  assert.equal(formatValue(ValType.externref, null), "<null externref>");
  assert.equal(formatValue(ValType.externref, {}), "<externref>");
});

Deno.test("parseValue reads integers in range, Rust's float syntax and v128", () => {
  const good: [number, string, unknown][] = [
    [ValType.i32, "+5", 5],
    [ValType.i32, "-2147483648", -2147483648],
    [ValType.i32, "2147483647", 2147483647],
    [ValType.i64, "-9223372036854775808", -9223372036854775808n],
    [ValType.i64, "9223372036854775807", 9223372036854775807n],
    [ValType.f32, "1.5", 0x3fc00000],
    [ValType.f32, "-0", 0x80000000],
    [ValType.f32, ".5", 0x3f000000],
    [ValType.f32, "2.", 0x40000000],
    [ValType.f32, "1e3", 0x447a0000],
    [ValType.f32, "inf", 0x7f800000],
    [ValType.f32, "-Infinity", 0xff800000],
    [ValType.f32, "NaN", 0x7fc00000],
    [ValType.f64, "-2.5E-1", 0xbfd0000000000000n],
    [ValType.f64, "nan", 0x7ff8000000000000n],
  ];
  for (const [type, text, value] of good) assert.equal(parseValue(type, text), value, text);
  const v = parseValue(ValType.v128, "0x8000000000000000000000000000000f") as Uint8Array;
  assert.deepEqual([v[0], v[1], v[15]], [0x0f, 0, 0x80]);
  assert.deepEqual(parseValue(ValType.v128, "258"), new Uint8Array([2, 1, ...Array(14).fill(0)]));
});

Deno.test("parseValue refuses what does not fit the type", () => {
  const bad: [number, string][] = [
    [ValType.i32, "2147483648"],
    [ValType.i32, "-2147483649"],
    [ValType.i32, " 1"],
    [ValType.i32, "1_000"],
    [ValType.i32, "0x10"],
    [ValType.i32, ""],
    [ValType.i64, "9223372036854775808"],
    [ValType.i64, "1.0"],
    [ValType.f32, "0x1p3"],
    [ValType.f32, "1e"],
    [ValType.f64, "nan:0x1"],
    [ValType.f64, "--1"],
    [ValType.v128, (1n << 128n).toString()],
    [ValType.v128, "-1"],
    [ValType.funcref, "0"],
    [ValType.externref, "null"],
  ];
  for (const [type, text] of bad) assert.equal(parseValue(type, text), null, text);
});

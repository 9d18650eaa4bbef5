import assert from "node:assert/strict";
import { int64Bits, intBits, nat32, numShape, Shape, stringBytes, utf8Name } from "./literals.ts";
import { utf8 } from "./_testing.ts";

function shape(s: string): number {
  const b = utf8(s);
  return numShape(b, 0, b.length);
}

function i32(s: string): number | null {
  const b = utf8(s);
  return intBits(b, 0, b.length);
}

function i64(s: string): bigint | null {
  const b = utf8(s);
  const out = new Int32Array(2);
  if (!int64Bits(b, 0, b.length, out)) return null;
  return (BigInt(out[1]) << 32n) | BigInt(out[0] >>> 0);
}

Deno.test("number shapes follow the spec's token classes", () => {
  for (const s of ["0", "42", "1_000", "0x0", "0xdead_BEEF"]) assert.equal(shape(s), Shape.nat, s);
  for (const s of ["+0", "-1", "-0x8000_0000"]) assert.equal(shape(s), Shape.int, s);
  for (
    const s of [
      "1.",
      "1.5",
      "1e5",
      "1E+5",
      "1.e-5",
      "0x1p3",
      "0x1.p-3",
      "0x0.8p0",
      "-0x1.fffffep127",
      "inf",
      "-inf",
      "nan",
      "+nan:0x1",
      "nan:0x7f_ffff",
    ]
  ) assert.equal(shape(s), Shape.float, s);
  for (
    const s of [
      "",
      "-",
      ".0",
      ".0e0",
      "0e",
      "0e+",
      "0.0e-",
      "0x",
      "0xg",
      "0x.",
      "0x0p",
      "0x0.0p+",
      "1__0",
      "_1",
      "1_",
      "0x_1",
      "1._5",
      "1e_5",
      "nan:0x",
      "nan:canonical",
      "infinity",
      "1x",
    ]
  ) assert.equal(shape(s), Shape.none, s);
});

Deno.test("i32 ranges: unsigned below 2^32, negative down to -2^31", () => {
  assert.equal(i32("0xffffffff"), -1);
  assert.equal(i32("4294967295"), -1);
  assert.equal(i32("+0xffffffff"), -1); // the reference interpreter accepts a `+` unsigned form
  assert.equal(i32("-0x80000000"), -0x8000_0000);
  assert.equal(i32("-2147483648"), -0x8000_0000);
  assert.equal(i32("-0"), 0);
  assert.equal(i32("1_000_000"), 1_000_000);
  assert.equal(i32("4294967296"), null);
  assert.equal(i32("-0x80000001"), null);
  assert.equal(i32("-2147483649"), null);
  assert.equal(i32("0x1_0000_0000"), null);
});

Deno.test("narrow lanes: i8 is -128..255, i16 is -32768..65535", () => {
  const b = (s: string, bits: number) => intBits(utf8(s), 0, s.length, bits);
  assert.equal(b("255", 8), 255);
  assert.equal(b("-128", 8), -128);
  assert.equal(b("256", 8), null);
  assert.equal(b("-129", 8), null);
  assert.equal(b("0xffff", 16), 0xffff);
  assert.equal(b("-32769", 16), null);
});

Deno.test("i64 extremes, exactly, beyond 2^53", () => {
  assert.equal(i64("-0x8000000000000000"), -(2n ** 63n));
  assert.equal(i64("-9223372036854775808"), -(2n ** 63n));
  assert.equal(i64("18446744073709551615"), -1n);
  assert.equal(i64("0xffff_ffff_ffff_ffff"), -1n);
  assert.equal(i64("9007199254740993"), 9007199254740993n); // 2^53 + 1: not a double
  assert.equal(i64("0x7fffffffffffffff"), 2n ** 63n - 1n);
  assert.equal(i64("-1"), -1n);
  assert.equal(i64("-4294967296"), -4294967296n);
  assert.equal(i64("-4294967297"), -4294967297n);
  assert.equal(i64("18446744073709551616"), null);
  assert.equal(i64("-9223372036854775809"), null);
  assert.equal(i64("-0x8000000000000001"), null);
});

Deno.test("nat32: above 2^32 - 1 is out of range", () => {
  assert.equal(nat32(utf8("4294967295"), 0, 10), 4294967295);
  assert.equal(nat32(utf8("4294967296"), 0, 10), -1);
});

Deno.test("string escapes decode to bytes", () => {
  const s = utf8(String.raw`"a\t\n\r\"\'\\\41\u{48}\u{e9}\u{1F600}\ff"`);
  assert.deepEqual(
    Array.from(stringBytes(s, 0, s.length, true)),
    [
      0x61,
      0x09,
      0x0a,
      0x0d,
      0x22,
      0x27,
      0x5c,
      0x41,
      0x48,
      0xc3,
      0xa9,
      0xf0,
      0x9f,
      0x98,
      0x80,
      0xff,
    ],
  );
  const plain = utf8('"xyz"');
  assert.deepEqual(Array.from(stringBytes(plain, 0, 5, false)), [0x78, 0x79, 0x7a]);
});

Deno.test("names must be valid UTF-8", () => {
  assert.equal(utf8Name(utf8("☺ ok")), "☺ ok");
  assert.equal(utf8Name(new Uint8Array([0x61, 0x80])), null);
  assert.equal(utf8Name(new Uint8Array([0xed, 0xa0, 0x80])), null); // a surrogate
  assert.equal(utf8Name(new Uint8Array([0xc0, 0x80])), null); // overlong
  assert.equal(utf8Name(utf8("x".repeat(5000))), "x".repeat(5000));
});

import assert from "node:assert/strict";
import { f32Bits, f64Bits } from "./floats.ts";
import {
  bytesText,
  f32Hex,
  f32Text,
  f64Hex,
  f64Text,
  i64Text,
  nameString,
} from "./print_literals.ts";
import { utf8 } from "./_testing.ts";

/** The bits the parser reads from an f32 literal. */
function readF32(s: string): number {
  const b = utf8(s);
  return f32Bits(b, 0, b.length);
}

/** The [low, high] words the parser reads from an f64 literal. */
function readF64(s: string): [number, number] {
  const b = utf8(s);
  const out = new Int32Array(2);
  assert.ok(f64Bits(b, 0, b.length, out), s);
  return [out[0], out[1]];
}

/** `n` pseudo-random words from a fixed seed (xorshift32), so a failure can be replayed. */
function randomWords(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let x = seed | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

const f32 = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];

Deno.test("f32Text: the shortest decimal, and the special values", () => {
  assert.equal(f32Text(f32(0.1)), "0.1");
  assert.equal(f32Text(f32(-0)), "-0");
  assert.equal(f32Text(f32(1)), "1");
  assert.equal(f32Text(f32(3.4028234663852886e38)), "3.4028235e+38");
  assert.equal(f32Text(1), "1e-45"); // the smallest subnormal
  assert.equal(f32Text(0x7f80_0000), "inf");
  assert.equal(f32Text(0xff80_0000 | 0), "-inf");
  assert.equal(f32Text(0x7fc0_0000), "nan");
  assert.equal(f32Text(0xffc0_0000 | 0), "-nan");
  assert.equal(f32Text(0x7f80_0001), "nan:0x1");
  assert.equal(f32Text(0x7fa0_0000), "nan:0x200000");
});

Deno.test("f64Text: JS's shortest decimal, and the special values", () => {
  assert.equal(f64Text(0x9999_999a | 0, 0x3fb9_9999), "0.1");
  assert.equal(f64Text(0, 0x8000_0000 | 0), "-0");
  assert.equal(f64Text(1, 0), "5e-324");
  assert.equal(f64Text(0, 0x7ff0_0000), "inf");
  assert.equal(f64Text(0, 0x7ff8_0000), "nan");
  assert.equal(f64Text(0, 0xfff8_0000 | 0), "-nan");
  assert.equal(f64Text(5, 0x7ff0_0000), "nan:0x5");
  assert.equal(f64Text(0, 0x7ff4_0000), "nan:0x4000000000000");
});

Deno.test("f32Text reads back to the same bits: 20000 random patterns and the edges", () => {
  const words = randomWords(20_000, 0x1234_5678);
  const edges = [0, 1, 0x7f_ffff, 0x80_0000, 0x7f7f_ffff, 0x3f80_0001, 0x7fc0_0001, 0x7fff_ffff];
  for (const bits of [...words, ...edges, ...edges.map((b) => b | 0x8000_0000)]) {
    const text = f32Text(bits);
    assert.equal(readF32(text), bits >>> 0, `${text} for 0x${(bits >>> 0).toString(16)}`);
  }
});

Deno.test("f64Text reads back to the same bits: 20000 random patterns and the edges", () => {
  const words = randomWords(40_000, 0x0bad_cafe);
  const pairs: [number, number][] = [];
  for (let i = 0; i < words.length; i += 2) pairs.push([words[i], words[i + 1]]);
  pairs.push([0, 0], [1, 0], [-1, 0x000f_ffff], [0, 0x0010_0000], [-1, 0x7fef_ffff], [
    1,
    0x7ff8_0000,
  ]);
  for (const [lo, hi] of pairs) {
    const text = f64Text(lo, hi);
    assert.deepEqual(readF64(text), [lo, hi], text);
  }
});

Deno.test("hex floats are exact, subnormals included", () => {
  assert.equal(f32Hex(f32(0.1)), "0x1.99999ap-4");
  assert.equal(f32Hex(f32(-2)), "-0x1p+1");
  assert.equal(f32Hex(1), "0x0.000002p-126");
  assert.equal(f32Hex(0), "0x0p+0");
  assert.equal(f64Hex(0x9999_999a | 0, 0x3fb9_9999), "0x1.999999999999ap-4");
  assert.equal(f64Hex(1, 0), "0x0.0000000000001p-1022");
  const words = randomWords(2000, 42);
  for (let i = 0; i < words.length; i += 2) {
    const [lo, hi] = [words[i], words[i + 1] & 0x7fef_ffff]; // finite
    assert.deepEqual(readF64(f64Hex(lo, hi)), [lo, hi]);
    const bits = words[i] & 0x7f7f_ffff;
    assert.equal(readF32(f32Hex(bits)), bits);
  }
});

Deno.test("i64Text is signed and exact beyond 2^53", () => {
  assert.equal(i64Text(-1, -1), "-1");
  assert.equal(i64Text(0, 0x8000_0000 | 0), "-9223372036854775808");
  assert.equal(i64Text(1, 0x0020_0000), "9007199254740993");
});

Deno.test("bytesText escapes everything but printable ASCII, and handles long runs", () => {
  assert.equal(bytesText(new Uint8Array()), '""');
  assert.equal(bytesText(utf8('a"b\\c')), '"a\\22b\\5cc"');
  assert.equal(bytesText(new Uint8Array([0, 0x7f, 0x80, 0xff, 0x20])), '"\\00\\7f\\80\\ff "');
  assert.equal(bytesText(utf8("π")), '"\\cf\\80"');
  const long = new Uint8Array(100_000).fill(0x61);
  long[50_000] = 0x0a;
  assert.equal(bytesText(long), `"${"a".repeat(50_000)}\\0a${"a".repeat(49_999)}"`);
});

Deno.test("nameString keeps non-ASCII characters and escapes control characters", () => {
  assert.equal(nameString("memory"), '"memory"');
  assert.equal(nameString('π\t"\\'), '"π\\09\\22\\5c"');
  assert.equal(nameString("\u{1F600}"), '"\u{1F600}"');
});

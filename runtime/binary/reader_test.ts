import assert from "node:assert/strict";
import { MalformedError } from "../errors.ts";
import { Reader } from "./reader.ts";

function reader(...bytes: number[]): Reader {
  return new Reader(new Uint8Array(bytes));
}

/** Asserts that `f` throws a MalformedError whose message starts with `phrase` at `offset`. */
function assertMalformed(f: () => unknown, phrase: string, offset?: number): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MalformedError, `not a MalformedError: ${e}`);
    assert.ok(e.message.startsWith(phrase), `"${e.message}" does not start with "${phrase}"`);
    if (offset !== undefined) assert.equal(e.offset, offset);
    return true;
  });
}

Deno.test("reader: u32 reads minimal and padded encodings", () => {
  assert.equal(reader(0x00).u32(), 0);
  assert.equal(reader(0x7f).u32(), 127);
  assert.equal(reader(0x80, 0x01).u32(), 128);
  assert.equal(reader(0xe5, 0x8e, 0x26).u32(), 624485);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32(), 0); // padded zero
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).u32(), 0xffff_ffff);
  const r = reader(0x81, 0x01, 0x05);
  assert.equal(r.u32(), 129);
  assert.equal(r.pos, 2);
  assert.equal(r.u32(), 5);
});

Deno.test("reader: u32 rejects unused bits, long encodings and truncation", () => {
  assertMalformed(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), "integer too large", 4);
  assertMalformed(() => reader(0x80, 0x80, 0x80, 0x80, 0x10).u32(), "integer too large", 4);
  assertMalformed(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(),
    "integer representation too long",
    5,
  );
  // Unused bits are checked before the continuation bit, as the reference does.
  assertMalformed(() => reader(0x80, 0x80, 0x80, 0x80, 0xf0, 0x00).u32(), "integer too large");
  assertMalformed(() => reader(0x80, 0x80).u32(), "unexpected end", 2);
  assertMalformed(() => reader().u32(), "unexpected end", 0);
});

Deno.test("reader: s32 sign-extends and checks the last byte", () => {
  assert.equal(reader(0x7f).s32(), -1);
  assert.equal(reader(0x3f).s32(), 63);
  assert.equal(reader(0x40).s32(), -64);
  assert.equal(reader(0xc0, 0x00).s32(), 64);
  assert.equal(reader(0x80, 0x7f).s32(), -128);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x07).s32(), 0x7fff_ffff);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32(), -0x8000_0000);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x7f).s32(), -1); // padded -1
  assertMalformed(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), "integer too large", 4);
  assertMalformed(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).s32(), "integer too large", 4);
  assertMalformed(
    () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s32(),
    "integer representation too long",
  );
});

Deno.test("reader: s33 covers the block type range", () => {
  assert.equal(reader(0x40).s33(), -64);
  assert.equal(reader(0x05).s33(), 5);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).s33(), 0xffff_ffff);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x70).s33(), -0x1_0000_0000);
  assertMalformed(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).s33(), "integer too large", 4);
  assertMalformed(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s33(),
    "integer representation too long",
  );
});

function s64(...bytes: number[]): bigint {
  const r = reader(...bytes);
  r.s64();
  return (BigInt(r.hi) << 32n) | BigInt(r.lo >>> 0);
}

function u64(...bytes: number[]): bigint {
  const r = reader(...bytes);
  r.u64();
  return (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
}

/** Signed LEB128 of a bigint, for round-trip checks. */
function slebOf(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

Deno.test("reader: s64 into lo/hi words", () => {
  assert.equal(s64(0x7f), -1n);
  assert.equal(s64(0x2a), 42n);
  for (
    const n of [
      0n,
      1n,
      -1n,
      63n,
      -64n,
      64n,
      0x7fff_ffffn,
      0x8000_0000n,
      -0x8000_0000n,
      0xffff_ffffn,
      0x1_0000_0000n,
      -0x1_0000_0001n,
      0x7ff0_0000_0000_0001n,
      0x7fff_ffff_ffff_ffffn,
      -0x8000_0000_0000_0000n,
      1234567890123456789n,
      -987654321098765432n,
    ]
  ) {
    assert.equal(s64(...slebOf(n)), n, `s64 ${n}`);
  }
  // Ten bytes: the last holds only bit 63 and its sign extension.
  const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
  assert.equal(s64(...max), 0x7fff_ffff_ffff_ffffn);
  assertMalformed(
    () => s64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
    "integer too large",
    9,
  );
  assertMalformed(
    () => s64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e),
    "integer too large",
  );
  assertMalformed(
    () => s64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
    "integer representation too long",
    10,
  );
});

Deno.test("reader: u64", () => {
  assert.equal(u64(0x80, 0x80, 0x80, 0x80, 0x10), 0x1_0000_0000n);
  assert.equal(
    u64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
    0xffff_ffff_ffff_ffffn,
  );
  assertMalformed(
    () => u64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02),
    "integer too large",
  );
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x10).u64Number(), 2 ** 32);
});

Deno.test("reader: u1 limits flags", () => {
  assert.equal(reader(0x01).u1(), 1);
  assertMalformed(() => reader(0x02).u1(), "integer too large", 0);
  assertMalformed(() => reader(0x81, 0x00).u1(), "integer representation too long", 1);
});

Deno.test("reader: raw float bits", () => {
  const r = reader(0x00, 0x00, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf);
  assert.equal(r.f32(), 0x3f80_0000); // 1.0f
  r.f64();
  assert.equal(r.lo, 0);
  assert.equal(r.hi, 0xbff0_0000 | 0); // -1.0
  assertMalformed(() => reader(1, 2, 3).f32(), "unexpected end", 3);
});

Deno.test("reader: counts are bounded by the bytes left, before anything is allocated", () => {
  assert.equal(reader(0x02, 0xaa, 0xbb).count(), 2);
  // Counted from the length field itself, as the reference interpreter does.
  assert.equal(reader(0x02, 0xaa).count(), 2);
  assertMalformed(() => reader(0x03, 0xaa).count(), "length out of bounds", 0);
  assertMalformed(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).count(), "length out of bounds", 0);
  assertMalformed(() => reader(0x02, 0xaa).byteString(), "unexpected end");
});

Deno.test("reader: names are validated UTF-8", () => {
  assert.equal(reader(0x03, 0x61, 0x62, 0x63).name(), "abc");
  assert.equal(reader(0x02, 0xc3, 0xa9).name(), "é");
  assert.equal(reader(0x04, 0xf0, 0x9f, 0x98, 0x80).name(), "😀");
  // A leading BOM is part of the name, not dropped.
  assert.equal(reader(0x03, 0xef, 0xbb, 0xbf).name(), "\ufeff");
  assert.equal(reader(0x00).name(), "");
  assertMalformed(() => reader(0x02, 0xc0, 0x80).name(), "malformed UTF-8 encoding", 1); // overlong
  assertMalformed(() => reader(0x03, 0xed, 0xa0, 0x80).name(), "malformed UTF-8 encoding"); // surrogate
  assertMalformed(() => reader(0x04, 0xf4, 0x90, 0x80, 0x80).name(), "malformed UTF-8 encoding"); // > U+10FFFF
  assertMalformed(() => reader(0x01, 0xff).name(), "malformed UTF-8 encoding");
  assertMalformed(() => reader(0x02, 0x61).name(), "unexpected end");
});

Deno.test("reader: zero byte", () => {
  reader(0x00).zero();
  assertMalformed(() => reader(0x01).zero(), "zero byte expected", 0);
  assertMalformed(() => reader(0x80, 0x00).zero(), "zero byte expected", 0);
});

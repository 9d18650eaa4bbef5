import assert from "node:assert/strict";
import { u32Size, Writer } from "./writer.ts";

function bytesOf(write: (w: Writer) => void, capacity?: number): number[] {
  const w = new Writer(capacity);
  write(w);
  return [...w.finish()];
}

/** Reference encoders on bigints: slow and obviously right. */
function refUnsigned(v: bigint): number[] {
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v !== 0n ? b | 0x80 : b);
  } while (v !== 0n);
  return out;
}

function refSigned(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n; // arithmetic on bigints
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** Deterministic pseudo-random 32-bit words (xorshift), biased towards short encodings. */
function* words(count: number): Generator<number> {
  let x = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield x >> (i % 32);
  }
}

Deno.test("u32 matches the spec's examples and the reference encoder", () => {
  assert.deepEqual(bytesOf((w) => w.u32(0)), [0]);
  assert.deepEqual(bytesOf((w) => w.u32(127)), [0x7f]);
  assert.deepEqual(bytesOf((w) => w.u32(128)), [0x80, 0x01]);
  assert.deepEqual(bytesOf((w) => w.u32(624485)), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(bytesOf((w) => w.u32(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  for (const x of words(2000)) {
    const v = x >>> 0;
    assert.deepEqual(bytesOf((w) => w.u32(v)), refUnsigned(BigInt(v)), `u32 ${v}`);
    assert.equal(u32Size(v), refUnsigned(BigInt(v)).length);
  }
});

Deno.test("s32 writes minimal signed LEB128", () => {
  assert.deepEqual(bytesOf((w) => w.s32(-1)), [0x7f]);
  assert.deepEqual(bytesOf((w) => w.s32(63)), [0x3f]);
  assert.deepEqual(bytesOf((w) => w.s32(64)), [0xc0, 0x00]);
  assert.deepEqual(bytesOf((w) => w.s32(-64)), [0x40]);
  assert.deepEqual(bytesOf((w) => w.s32(-65)), [0xbf, 0x7f]);
  assert.deepEqual(bytesOf((w) => w.s32(-123456)), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(bytesOf((w) => w.s32(-0x80000000)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  for (const x of words(2000)) {
    assert.deepEqual(bytesOf((w) => w.s32(x)), refSigned(BigInt(x)), `s32 ${x}`);
  }
});

Deno.test("s33 covers type indices beyond int32 and negative heap types", () => {
  assert.deepEqual(bytesOf((w) => w.s33(-0x10)), [0x70]);
  assert.deepEqual(bytesOf((w) => w.s33(-0x40)), [0x40]);
  for (const v of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, -0x80000001, -0x100000000]) {
    assert.deepEqual(bytesOf((w) => w.s33(v)), refSigned(BigInt(v)), `s33 ${v}`);
  }
});

Deno.test("s64 and u64 from two words match the reference encoders", () => {
  const cases: [number, number][] = [
    [0, 0],
    [-1, -1],
    [0, 0x80000000],
    [-1, 0x7fffffff],
    [
      0x40,
      0,
    ],
    [0x3fffffff, 0],
    [0x40000000, 0],
    [0x23456789, 1],
    [-0x23456789, -2],
  ];
  const it = words(4000);
  for (let i = 0; i < 1000; i++) cases.push([it.next().value!, it.next().value!]);
  for (const [lo, hi] of cases) {
    const v = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
    assert.deepEqual(bytesOf((w) => w.s64(lo, hi)), refSigned(BigInt.asIntN(64, v)), `s64 ${v}`);
    assert.deepEqual(bytesOf((w) => w.u64(lo, hi)), refUnsigned(BigInt.asUintN(64, v)), `u64 ${v}`);
    assert.deepEqual(bytesOf((w) => w.s64Big(v)), refSigned(BigInt.asIntN(64, v)));
  }
  assert.deepEqual(bytesOf((w) => w.u64Number(0x1_0000_0000)), refUnsigned(0x1_0000_0000n));
  assert.deepEqual(bytesOf((w) => w.u64Number(2 ** 53 - 1)), refUnsigned(2n ** 53n - 1n));
});

Deno.test("floats are written little-endian bit for bit", () => {
  assert.deepEqual(bytesOf((w) => w.f32(1.5)), [0x00, 0x00, 0xc0, 0x3f]);
  assert.deepEqual(bytesOf((w) => w.word32(0x7fa00001)), [0x01, 0x00, 0xa0, 0x7f]);
  assert.deepEqual(bytesOf((w) => w.f64(-2)), [0, 0, 0, 0, 0, 0, 0x00, 0xc0]);
  assert.deepEqual(
    bytesOf((w) => w.word64(0x00000001, 0x7ff80000)),
    [0x01, 0, 0, 0, 0x00, 0x00, 0xf8, 0x7f],
  );
});

Deno.test("names are length-prefixed UTF-8", () => {
  assert.deepEqual(bytesOf((w) => w.name("")), [0]);
  assert.deepEqual(bytesOf((w) => w.name("env")), [3, 0x65, 0x6e, 0x76]);
  const s = "é😀x";
  const utf8 = [...new TextEncoder().encode(s)];
  assert.deepEqual(bytesOf((w) => w.name(s), 16), [utf8.length, ...utf8]);
  const long = "ж".repeat(100); // 200 bytes: the size needs two LEB128 bytes
  const out = bytesOf((w) => w.name(long), 16);
  assert.deepEqual(out.slice(0, 2), [0xc8, 0x01]);
  assert.equal(out.length, 202);
});

Deno.test("sized bodies get a minimal size prefix, moving the body when it is long", () => {
  for (const size of [0, 1, 127, 128, 300, 16383, 16384, 70000]) {
    const w = new Writer(16);
    w.u8(0xaa);
    const mark = w.beginSized();
    for (let i = 0; i < size; i++) w.u8(i & 0xff);
    w.endSized(mark);
    w.u8(0xbb);
    const out = w.finish();
    const prefix = refUnsigned(BigInt(size));
    assert.equal(out.length, 2 + prefix.length + size, `size ${size}`);
    assert.equal(out[0], 0xaa);
    assert.deepEqual([...out.subarray(1, 1 + prefix.length)], prefix);
    for (let i = 0; i < size; i++) assert.equal(out[1 + prefix.length + i], i & 0xff);
    assert.equal(out[out.length - 1], 0xbb);
  }
});

Deno.test("nested sized bodies each get their own size", () => {
  const w = new Writer(8);
  const outer = w.beginSized();
  const inner = w.beginSized();
  w.bytes(new Uint8Array(200).fill(7));
  w.endSized(inner);
  w.u8(1);
  w.endSized(outer);
  const out = w.finish();
  // outer size = 2 (inner prefix) + 200 + 1 = 203 -> [0xcb, 0x01]
  assert.deepEqual([...out.subarray(0, 4)], [0xcb, 0x01, 0xc8, 0x01]);
  assert.equal(out.length, 205);
  assert.equal(out[204], 1);
});

Deno.test("the writer grows by doubling and can be reused", () => {
  const w = new Writer(16);
  const chunk = new Uint8Array(1000).map((_, i) => i);
  for (let i = 0; i < 100; i++) w.bytes(chunk);
  assert.equal(w.length, 100_000);
  assert.deepEqual([...w.view().subarray(99_998)], [998 & 0xff, 999 & 0xff]);
  w.reset();
  w.u8(5);
  assert.deepEqual([...w.finish()], [5]);
});

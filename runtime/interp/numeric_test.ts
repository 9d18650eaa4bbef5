/** The numeric helpers against exact BigInt references. */
import assert from "node:assert/strict";
import {
  ctz32,
  nearest,
  popcnt32,
  s64ToF32,
  s64ToF64,
  truncI64S,
  truncI64U,
  truncSatI64U,
  u64ToF32,
} from "./numeric.ts";

const halves = (x: bigint): [number, number] => [
  Number(BigInt.asIntN(32, x)),
  Number(BigInt.asIntN(32, x >> 32n)),
];

/** The f32 nearest to the integer x, ties to even, computed exactly. */
function f32Ref(x: bigint): number {
  const neg = x < 0n;
  let u = neg ? -x : x;
  if (u === 0n) return 0;
  const bits = u.toString(2).length;
  if (bits > 24) {
    const drop = BigInt(bits - 24);
    const rest = u & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    u >>= drop;
    if (rest > half || (rest === half && (u & 1n) === 1n)) u += 1n;
    u <<= drop;
  }
  const f = Math.fround(Number(u)); // exact: u has at most 24 significant bits
  return neg ? -f : f;
}

Deno.test("i64 to f32 rounds once (no double rounding)", () => {
  const cases = [
    0n,
    1n,
    -1n,
    (1n << 53n) + 1n,
    // Just above a tie of the f32 grid, where double rounding lands on the tie.
    0x20000010000001n,
    -0x20000010000001n,
    0x7fffff4000000001n,
    0x7fffffffffffffffn,
    -0x8000000000000000n,
    0x1000001000000000n,
    0x1000003000000000n,
  ];
  for (const x of cases) {
    const [lo, hi] = halves(x);
    assert.equal(s64ToF32(lo, hi), f32Ref(x), `s64 ${x}`);
    const u = BigInt.asUintN(64, x);
    assert.equal(u64ToF32(lo, hi), f32Ref(u), `u64 ${u}`);
  }
  // Random values against the reference.
  let seed = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 2000; i++) {
    seed = BigInt.asUintN(64, seed * 6364136223846793005n + 1442695040888963407n);
    const x = BigInt.asIntN(64, seed >> BigInt(i % 40));
    const [lo, hi] = halves(x);
    assert.equal(s64ToF32(lo, hi), f32Ref(x), `s64 ${x}`);
  }
});

Deno.test("i64 to f64 is exact where a double can be", () => {
  const [lo, hi] = halves(-(1n << 53n));
  assert.equal(s64ToF64(lo, hi), -(2 ** 53));
});

Deno.test("nearest rounds ties to even and keeps the sign of zero", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4].map(nearest), [0, 2, 2, -0, -2, -2, 2]);
  assert.ok(Object.is(nearest(-0.4), -0));
  assert.ok(Number.isNaN(nearest(NaN)));
});

Deno.test("bit counts", () => {
  assert.deepEqual([0, 1, -1, 0x80000000 | 0, 0x00f0].map(popcnt32), [0, 1, 32, 1, 4]);
  assert.deepEqual([0, 1, -0x80000000, 0x00f0].map(ctz32), [32, 0, 31, 4]);
});

Deno.test("float to i64 truncation writes both halves and traps out of range", () => {
  const out = new Int32Array(2);
  truncI64S(out, 0, -1.5);
  assert.deepEqual([...out], [-1, -1]);
  truncI64U(out, 0, 2 ** 63);
  assert.deepEqual([...out], [0, -0x80000000]);
  assert.throws(() => truncI64S(out, 0, 2 ** 63), { message: "integer overflow" });
  assert.throws(() => truncI64U(out, 0, NaN), { message: "invalid conversion to integer" });
  truncSatI64U(out, 0, 1e30);
  assert.deepEqual([...out], [-1, -1]);
});

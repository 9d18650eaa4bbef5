import assert from "node:assert/strict";
import { encode } from "../binary/encode.ts";
import type { Code } from "../module.ts";
import { forEachInstr, Op } from "../opcodes.ts";
import { BLOCK_EMPTY } from "../types.ts";
import { backtraceOf } from "../instance/backtrace.ts";
import { instantiateWat, wat } from "./_testing.ts";
import { guard } from "./guard.ts";
import { LoopUnroller } from "./unroll.ts";

function opsOf(code: Code): number[] {
  const out: number[] = [];
  forEachInstr(code, (id) => out.push(id));
  return out;
}

const count = (code: Code, op: number) => opsOf(code).filter((id) => id === op).length;

/** An unroller for modules without loop params. */
function unroller(factor: number, maxBody = 64): LoopUnroller {
  return new LoopUnroller({
    factor: (size, innermost) => innermost && size <= maxBody ? factor : 1,
    selfBlockType: () => BLOCK_EMPTY,
  });
}

// Loops with every kind of branch out: to the loop, to a block inside it, past it (br, br_if,
// br_table), and return; a loop whose body falls through with a result; a loop that traps.
const LOOPS = `(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "table") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $skip
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (block $odd
          ;; i >= n: out of the loop; odd i: round again; even i: on to the sum.
          (br_table $odd $l $skip
            (select (i32.const 2) (i32.and (local.get $i) (i32.const 1))
              (i32.ge_u (local.get $i) (local.get $n)))))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (br $l)))
    (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const 100))))
  (func (export "early") (param $n i32) (result i32)
    (loop $l (result i32)
      (if (i32.gt_s (local.get $n) (i32.const 100)) (then (return (i32.const -7))))
      (local.set $n (i32.add (local.get $n) (i32.const 3)))
      (br_if $l (i32.and (local.get $n) (i32.const 1)))
      (local.get $n)))
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (block $done
      (loop $outer
        (local.set $j (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (block $skip
          (loop $inner
            (br_if $skip (i32.ge_u (local.get $j) (local.get $i)))
            (br_if $done (i32.gt_u (local.get $s) (i32.const 1000)))
            (local.set $s (i32.add (local.get $s) (local.get $j)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            ;; odd i: on to the next i from here once j is 3 (ends through $done)
            (br_if $outer
              (i32.and (i32.and (local.get $i) (i32.const 1))
                (i32.eq (local.get $j) (i32.const 3))))
            (br $inner)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.add (local.get $s) (i32.mul (local.get $i) (i32.const 10000))))
  (func (export "trap") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.div_u (i32.const 100) (local.get $n))))
    (local.get $n)))`;

// The "multi" loop spelled out: params (a b n), results (a b).
const MULTI = `(module
  (func (export "multi") (param $n i32) (result i32 i32) (local $a i32) (local $b i32)
    (i32.const 0) (i32.const 1) (local.get $n)
    (loop $l (param i32 i32 i32) (result i32 i32)
      (local.set $n)
      (local.set $b)
      (local.set $a)
      (local.get $b)
      (i32.add (local.get $a) (local.get $b))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))
      (drop))))`;

/** Runs `name(args)` on the host engine untouched and on singlepass; asserts they agree. */
async function agree(src: string, name: string, args: number[][]): Promise<void> {
  const m = wat(src);
  const host = (await WebAssembly.instantiate(encode(m))).instance.exports;
  const guarded = (await instantiateWat(src)).exports;
  for (const a of args) {
    const f = host[name] as (...a: number[]) => unknown;
    const g = guarded[name] as (...a: number[]) => unknown;
    assert.deepEqual(g(...a), f(...a), `${name}(${a})`);
  }
}

Deno.test("unrolled loops compute what the originals do, every branch out included", async () => {
  const src = LOOPS;
  const ns = [[0], [1], [2], [3], [4], [5], [7], [10], [11]];
  await agree(src, "sum", ns);
  await agree(src, "table", ns);
  await agree(src, "early", [[0], [1], [2], [50], [99], [101]]);
  await agree(MULTI, "multi", [[1], [2], [3], [10], [11]]);
  // The guard pass unrolled them (small bodies: four copies each), and the result validates.
  const { module: g, layout } = guard(wat(src), { maxWasmStack: 1000, fuel: false });
  assert.ok(WebAssembly.validate(encode(g)));
  const sum = g.funcs[layout.innerBase].body;
  assert.equal(count(sum, Op.i32_add), 4); // the body's add, once per copy
  assert.equal(count(sum, Op.loop), 1);
  assert.equal(count(sum, Op.i32_load), 1); // one header test for all copies
});

Deno.test("a multi-value loop with params gets a [p] -> [p] block", () => {
  const { module: g, layout } = guard(wat(MULTI), { maxWasmStack: 1000, fuel: false });
  const body = g.funcs[layout.innerBase].body;
  assert.equal(count(body, Op.local_set), 3 * 4);
  assert.ok(WebAssembly.validate(encode(g)));
});

Deno.test("loops with a call, a loop inside, or a long body are not unrolled", () => {
  const m = wat(`(module
    (func $f)
    (func (loop $l (call $f) (br_if $l (i32.const 0))))
    (func (loop $o (loop $i (br_if $i (i32.const 0))) (br_if $o (i32.const 0))))
    (func (loop $l (nop) (nop) (nop) (nop) (br_if $l (i32.const 0)))))`);
  const u = unroller(2, 5);
  const body = (i: number) => u.unroll(m.funcs[i].body);
  assert.equal(body(1), m.funcs[1].body); // the same object: nothing to do
  // Only the inner loop: one copy more of its `br_if`, the outer's stays single.
  assert.equal(count(body(2), Op.br_if), 3);
  assert.equal(count(body(2), Op.loop), 2);
  assert.equal(body(3), m.funcs[3].body); // 6 instructions > 5
  assert.equal(count(unroller(2, 6).unroll(m.funcs[3].body), Op.nop), 8);
});

Deno.test("unrolling by k shifts each copy's labels by what it crosses", async () => {
  const m = wat(LOOPS);
  const code = unroller(4).unroll(m.funcs[0].body);
  // br_if $done from copy j (of 4) crosses 4 - j + 1 more labels: 1 + 4, 3, 2, 1 more.
  const labels: number[] = [];
  forEachInstr(code, (id, pc) => {
    if (id === Op.br_if) labels.push(code.ops[pc + 1]);
  });
  assert.deepEqual(labels, [5, 4, 3, 2]);
  // Every function unrolled by 2, 3, 4 and run as is on the host engine: the same results.
  // Innermost loops only, then every loop (an outer one's copies hold its inner loop as is).
  const host = (await WebAssembly.instantiate(encode(m))).instance.exports;
  const every = (k: number) =>
    new LoopUnroller({ factor: () => k, selfBlockType: () => BLOCK_EMPTY });
  for (const [k, u] of [2, 3, 4].flatMap((k) => [[k, unroller(k)], [k, every(k)]] as const)) {
    const unrolled = { ...m, funcs: m.funcs.map((f) => ({ ...f, body: u.unroll(f.body) })) };
    const exports = (await WebAssembly.instantiate(encode(unrolled))).instance.exports;
    for (const name of ["sum", "table", "early", "nested"]) {
      for (const n of [0, 1, 2, 3, 4, 5, 6, 9, 50, 101]) {
        const call = (e: WebAssembly.Exports) => (e[name] as (n: number) => number)(n);
        assert.equal(call(exports), call(host), `${name}(${n}) unrolled by ${k}`);
      }
    }
  }
});

Deno.test("a trap in either copy reports the original instruction's offset", async () => {
  const m = wat(LOOPS);
  const trap = m.funcs[4].body;
  let divAt = -1, k = 0;
  forEachInstr(trap, (id) => {
    if (id === Op.i32_div_u) divAt = trap.offsets[k];
    k++;
  });
  const exports = (await instantiateWat(LOOPS)).exports;
  for (const n of [1, 2, 3, 4]) { // the divisor reaches 0 in copy n of the guard pass's 4
    try {
      (exports.trap as (n: number) => number)(n);
      assert.fail("no trap");
    } catch (e) {
      assert.match(String(e), /integer divide by zero/);
      assert.equal(backtraceOf(e)![0].offset, divAt);
    }
  }
  // The unrolled body holds no offset the original does not.
  const originals = new Set(trap.offsets);
  for (const o of unroller(2).unroll(trap).offsets) assert.ok(originals.has(o));
});

Deno.test("the guard pass leaves loops over 20 instructions, and all loops under fuel", () => {
  const src = `(module (func (param i32)
    (loop $small (br_if $small (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (loop $large
      ${"(local.set 0 (i32.add (local.get 0) (i32.const 1)))".repeat(5)}
      (br_if $large (local.get 0)))))`;
  const loops = (fuel: boolean) => {
    const { module: g, layout } = guard(wat(src), { maxWasmStack: 1000, fuel });
    return count(g.funcs[layout.innerBase].body, Op.i32_sub);
  };
  assert.equal(loops(false), 4); // $small, 4 copies; $large (22 instructions) once, no sub
  assert.equal(loops(true), 1); // fuel, whose counts must stay exact: $small once
});

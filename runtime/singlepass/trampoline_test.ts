import assert from "node:assert/strict";
import { Trap } from "../errors.ts";
import { ValType } from "../types.ts";
import { instantiateWat } from "./_testing.ts";
import { maySuspend } from "./jspi.ts";
import { fitsTrampoline, SENTINEL, trampoline, trampolineBytes } from "./trampoline.ts";

const GUEST = `(module
  (import "env" "f" (func $f (param i32 i32) (result i32)))
  (func (export "call") (param i32 i32) (result i32) (call $f (local.get 0) (local.get 1)))
  (func (export "sum") (param i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $f (local.get 0) (i32.const 1))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $s)))`;

function guest(f: (a: number, b: number) => unknown) {
  return instantiateWat(GUEST, {}, { env: { f: maySuspend(f) } });
}

Deno.test("trampoline modules validate for every arity and only (i32*) -> i32 fits", () => {
  for (const n of [0, 1, 6, 7, 64]) assert.ok(WebAssembly.validate(trampolineBytes(n)), `${n}`);
  const i32 = ValType.i32;
  assert.ok(fitsTrampoline([i32, i32], [i32]));
  assert.ok(!fitsTrampoline([i32, ValType.i64], [i32]));
  assert.ok(!fitsTrampoline([i32], []));
  assert.ok(!fitsTrampoline([i32], [i32, i32]));
});

Deno.test("a number from the host takes the synchronous path", () => {
  const args: number[][] = [];
  const f = trampoline((...a: number[]) => (args.push(a), a[0] - a[1]), 2) as (
    a: number,
    b: number,
  ) => number;
  // Called outside `WebAssembly.promising`: the Suspending `slow` is never reached.
  assert.equal(f(10, 3), 7);
  assert.deepEqual(args, [[10, 3]], "exactly the declared arguments");
  const g = trampoline((...a: number[]) => a.length, 9) as (...a: number[]) => number;
  assert.equal(g(1, 2, 3, 4, 5, 6, 7, 8, 9), 9);
});

Deno.test("a Promise from the host suspends the guest, mixed with numbers", async () => {
  // Odd calls return a Promise, even ones a number: both paths in one loop.
  let calls = 0;
  const inst = await guest((a) => ++calls % 2 ? new Promise((r) => setTimeout(() => r(a), 1)) : a);
  const result = inst.invoke("sum", [10]);
  assert.ok(result instanceof Promise);
  assert.deepEqual(await result, [55]);
  assert.equal(calls, 10);
});

Deno.test("a real result equal to the sentinel is not mistaken for a Promise", async () => {
  for (const value of [SENTINEL, 2 ** 31, -1, 0, 2 ** 31 - 1, 1.5]) {
    const inst = await guest(() => value);
    assert.deepEqual(await inst.invoke("call", [0, 0]), [value | 0], `${value}`);
  }
  // And one after a Promise: the stash holds the right thing each time.
  let n = 0;
  const inst = await guest(() => n++ === 0 ? Promise.resolve(SENTINEL) : SENTINEL);
  assert.deepEqual(await inst.invoke("sum", [3]), [(3 * SENTINEL) | 0]);
});

Deno.test("an error thrown or rejected by the host propagates unchanged", async () => {
  const thrown = new Trap("host trap");
  const sync = await guest(() => {
    throw thrown;
  });
  await assert.rejects(async () => await sync.invoke("call", [1, 2]), (e) => e === thrown);
  const rejected = new Trap("async host trap");
  const async = await guest(() => Promise.reject(rejected));
  await assert.rejects(async () => await async.invoke("call", [1, 2]), (e) => e === rejected);
});

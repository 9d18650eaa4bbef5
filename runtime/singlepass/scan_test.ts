import assert from "node:assert/strict";
import { wat } from "./_testing.ts";
import { loneNullSlot, scanModule } from "./scan.ts";

const privateTables = (m: Parameters<typeof scanModule>[0]) => scanModule(m).privateTables;

Deno.test("a function table only call_indirect uses is private", () => {
  const m = wat(`(module (type $t (func)) (table 2 funcref) (elem (i32.const 0) $f $f)
    (func $f) (func (call_indirect (type $t) (i32.const 0))))`);
  assert.deepEqual(privateTables(m), [true]);
});

Deno.test("tables others can see or change are not private", () => {
  const cases = [
    `(module (table (export "t") 1 funcref))`,
    `(module (import "m" "t" (table 1 funcref)))`,
    `(module (import "m" "f" (func $f)) (table 1 funcref) (elem (i32.const 0) $f))`,
    `(module (table 1 funcref) (func (drop (table.get 0 (i32.const 0)))))`,
    `(module (table 1 funcref) (func (table.set 0 (i32.const 0) (ref.null func))))`,
    `(module (table 1 funcref) (func (drop (table.grow 0 (ref.null func) (i32.const 1)))))`,
    `(module (table 1 funcref) (elem $e func) (func (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 0))))`,
    `(module (table 1 externref))`,
  ];
  for (const src of cases) assert.deepEqual(privateTables(wat(src)), [false], src);
});

Deno.test("table.copy between two tables makes both public", () => {
  const m = wat(`(module (table $a 1 funcref) (table $b 1 funcref) (table $c 1 funcref)
    (func (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))))`);
  assert.deepEqual(privateTables(m), [false, false, true]);
});

Deno.test("bodies that make calls are found", () => {
  const m = wat(`(module (type $t (func)) (table 1 funcref)
    (func $a) (func (call $a)) (func (call_indirect (type $t) (i32.const 0)))
    (func (block (br_table 0 0 (i32.const 0)))))`);
  assert.deepEqual([...scanModule(m).makesCalls], [0, 1, 1, 0]);
});

Deno.test("the lone null index of a private table is found when there is one", () => {
  const lone = (src: string) => loneNullSlot(wat(src), 0);
  const f = `(func $f)`;
  assert.equal(lone(`(module (table 3 funcref) (elem (i32.const 1) $f $f) ${f})`), 0);
  assert.equal(lone(`(module (table 3 funcref) (elem (i32.const 0) $f) ${f})`), null);
  assert.equal(lone(`(module (table 1 funcref) (elem (i32.const 0) $f) ${f})`), -1);
  assert.equal(
    lone(
      `(module (table 2 funcref) (elem (i32.const 0) funcref (ref.null func) (ref.func $f)) ${f})`,
    ),
    0,
  );
  assert.equal(
    lone(`(module (import "m" "g" (global i32)) (table 2 funcref) (elem (global.get 0) $f) ${f})`),
    null,
  );
});

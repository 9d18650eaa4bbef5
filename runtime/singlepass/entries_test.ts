import assert from "node:assert/strict";
import { wat } from "./_testing.ts";
import { Entry, planEntries, stronglyConnected, UNCHECKED_BUDGET } from "./entries.ts";
import { scanModule } from "./scan.ts";

function plan(src: string) {
  const m = wat(src);
  return planEntries(m, scanModule(m));
}

/** The components of the graph `edges` (successor lists), each sorted. */
function components(edges: number[][]): number[][] {
  const start = new Int32Array(edges.length + 1);
  edges.forEach((e, v) => start[v + 1] = start[v] + e.length);
  const { order, componentStart } = stronglyConnected(start, Int32Array.from(edges.flat()));
  const out: number[][] = [];
  for (let c = 0; c + 1 < componentStart.length; c++) {
    out.push([...order.subarray(componentStart[c], componentStart[c + 1])].sort());
  }
  return out;
}

Deno.test("components: cycles found, callees' first", () => {
  // 0 → 1 → 2 → 1, 3 → 3, 4 alone.
  const sccs = components([[1], [2], [1], [3], []]);
  assert.deepEqual(sccs.slice(0, 2), [[1, 2], [0]]);
  assert.deepEqual(sccs.slice(2).sort(), [[3], [4]]);
});

Deno.test("components: a chain of 100k calls needs no recursion", () => {
  const n = 100_000;
  const sccs = components(Array.from({ length: n }, (_, i) => i + 1 < n ? [i + 1] : []));
  assert.equal(sccs.length, n);
  assert.deepEqual(sccs[0], [n - 1]);
});

Deno.test("leaves get none, bodies on no cycle the depth, cycles the flag", () => {
  const { kind } = plan(`(module
    (func $leaf)
    (func $calls (call $leaf))
    (func $self (call $self))
    (func $ping (call $pong)) (func $pong (call $ping)))`);
  assert.deepEqual([...kind], [Entry.none, Entry.depth, Entry.flag, Entry.flag, Entry.flag]);
});

Deno.test("a cycle through a private table is a cycle; only matching types are targets", () => {
  const { kind } = plan(`(module
    (type $v (func)) (type $i (func (param i32)))
    (table 3 funcref) (elem (i32.const 0) $rec $other $leaf)
    (func $rec (call_indirect (type $v) (i32.const 0)))
    (func $other (param i32) (call_indirect (type $v) (i32.const 0)))
    (func $leaf (param i32))
    (func $i (call_indirect (type $i) (i32.const 0) (i32.const 1))))`);
  // $rec can reach itself; $other cannot be reached by a (func) call, so is on no cycle.
  assert.deepEqual([...kind], [Entry.flag, Entry.depth, Entry.none, Entry.depth]);
});

Deno.test("a DAG of doubling calls tests the flag once its work passes the budget", () => {
  const levels = 30;
  const funcs = Array.from({ length: levels }, (_, i) => `(func (call ${i + 1}) (call ${i + 1}))`);
  const { kind } = plan(`(module ${funcs.join(" ")} (func))`);
  // Each level's work is about twice the next one's, up to a level that tests the flag, above
  // which the work starts over: so a flag test every log2(budget) levels or so.
  const flags = [...kind].flatMap((k, i) => k === Entry.flag ? [i] : []);
  assert.ok(flags.length >= 1 && flags.at(-1)! < levels - 10, `flag tests at ${flags}`);
  const bound = Math.ceil(Math.log2(UNCHECKED_BUDGET)) + 1;
  [...flags, levels].reduce((prev, i) => (assert.ok(i - prev <= bound, `${flags}`), i), -1);
  assert.equal(kind[levels - 1], Entry.depth);
});

Deno.test("thunks test the flag for bodies without one that may leave the module", () => {
  const { kind, thunkFlag } = plan(`(module (import "m" "f" (func $f))
    (type $v (func)) (table (export "t") 1 funcref)
    (func $out (call $f))
    (func $indirect (call_indirect (type $v) (i32.const 0)))
    (func $inside (call $leaf)) (func $leaf)
    (func $above (call $out)))`);
  assert.deepEqual([...kind], [Entry.depth, Entry.depth, Entry.depth, Entry.none, Entry.depth]);
  assert.deepEqual([...thunkFlag], [1, 1, 0, 0, 1]);
});

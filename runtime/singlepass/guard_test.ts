import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import { encode } from "../binary/encode.ts";
import type { Code } from "../module.ts";
import { forEachInstr, Op } from "../opcodes.ts";
import { fixtureFiles } from "../../tests/_fixtures.ts";
import { instantiateWat, wat } from "./_testing.ts";
import { guard } from "./guard.ts";
import { FLAG_IMPORT, GUARD_MODULE, START_EXPORT } from "./layout.ts";

function opsOf(code: Code): number[] {
  const out: number[] = [];
  forEachInstr(code, (id) => out.push(id));
  return out;
}

Deno.test("every fixture, guarded with and without fuel, is valid for the host engine", () => {
  for (const file of fixtureFiles()) {
    const m = decode(Deno.readFileSync(file));
    for (const fuel of [false, true]) {
      const bytes = encode(guard(m, { maxWasmStack: 1000, fuel }).module);
      assert.ok(WebAssembly.validate(bytes), `${file} fuel=${fuel}`);
    }
  }
});

const SRC = `(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.load (i32.const 0))))
  (func $caller (export "caller") (param i32) (result i32) (call $leaf (local.get 0)))
  (func $looper (loop $l (br $l)))
  (func $start (call $log (i32.const 1)))
  (start $start))`;

Deno.test("layout: thunks keep the indices, inner bodies follow, guard imports come last", () => {
  const m = wat(SRC);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: false });
  assert.equal(layout.importedFuncs, 1);
  assert.equal(layout.innerBase, 5);
  // 4 thunks, 4 inner bodies, no raw wrappers (no floats), entry thunks of $caller and $start.
  assert.equal(g.funcs.length, 10);
  assert.equal(g.start, null);
  const start = g.exports.find((e) => e.name === START_EXPORT)!.index;
  assert.equal(start, 10);
  const startBody = g.funcs[start - 1].body;
  // Depth 1, no read of the depth global; $start calls out, so its entry tests the flag.
  assert.ok(!opsOf(startBody).includes(Op.global_get));
  assert.equal(opsOf(startBody)[0], Op.i32_const);
  assert.ok(opsOf(startBody).includes(Op.i32_load));
  assert.equal(startBody.ops.at(-2), layout.innerBase + 3);
  assert.deepEqual(g.imports.map((i) => `${i.module} ${i.name}`), [
    "env log",
    `${GUARD_MODULE} depth`,
    `${GUARD_MODULE} reason`,
    `${GUARD_MODULE} memory0`,
    `${GUARD_MODULE} ${FLAG_IMPORT}`,
  ]);
  assert.deepEqual(g.memories, []);
  // Thunks call their inner body.
  const thunk = opsOf(g.funcs[1].body);
  assert.equal(thunk.at(-2), Op.call);
  assert.equal(g.funcs[1].body.ops.at(-2), layout.innerBase + 1);
});

Deno.test("entry guards: none for leaves, the depth off cycles, depth and flag on them", () => {
  const m = wat(`(module
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $caller (export "caller") (param i32) (result i32) (call $leaf (local.get 0)))
    (func $looper (loop $l (br $l)))
    (func $rec (param i32) (if (local.get 0) (then (call $rec (i32.const 0))))))`);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: false });
  const inner = (i: number) => opsOf(g.funcs[layout.innerBase - layout.importedFuncs + i].body);
  assert.deepEqual(inner(0), opsOf(m.funcs[0].body)); // $leaf: unchanged
  assert.ok(inner(1).includes(Op.unreachable)); // $caller: depth guard…
  assert.ok(!inner(1).includes(Op.i32_load)); // …without the flag: it is on no cycle
  assert.ok(inner(2).includes(Op.i32_load)); // $looper: the header reads the flag
  assert.deepEqual(inner(3).slice(0, 4), [Op.local_get, Op.i32_const, Op.i32_load, Op.i32_or]);
  // Thunks of bodies that test no flag and never leave the module test none either.
  assert.ok(!opsOf(g.funcs[1].body).includes(Op.i32_load));
});

Deno.test("every emitted instruction carries an original instruction's offset", () => {
  const file = fixtureFiles().find((f) => f.endsWith("qsort.wasm"))!;
  const m = decode(Deno.readFileSync(file));
  const originals = new Set<number>();
  for (const f of m.funcs) for (const o of f.body.offsets) originals.add(o);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: true });
  for (let i = layout.innerBase; i < layout.wrapperBase; i++) {
    for (const o of g.funcs[i - layout.importedFuncs].body.offsets) assert.ok(originals.has(o));
  }
});

Deno.test("fuel: inner bodies take and return it; return becomes a branch out", () => {
  const m = wat(`(module (func (export "f") (param i32) (result i32)
    (if (local.get 0) (then (return (i32.const 1)))) (i32.const 2)))`);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: true });
  const inner = g.funcs[layout.innerBase];
  const t = g.types[inner.type].composite;
  assert.ok(t.kind === "func");
  assert.deepEqual([t.params.length, t.results.length], [3, 2]);
  assert.ok(!opsOf(inner.body).includes(Op.return));
});

Deno.test("a private table holds inner bodies, and its functions stay declared", () => {
  const m = wat(`(module (type $t (func (result i32))) (table 1 funcref) (elem (i32.const 0) $f)
    (func $f (result i32) (i32.const 7))
    (func (export "g") (result i32) (call_indirect (type $t) (i32.const 0)))
    (func (export "h") (result funcref) (ref.func $f)))`);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: false });
  assert.deepEqual(g.elems[0].init, { kind: "funcs", funcs: [layout.innerBase] });
  assert.equal(g.elems.at(-1)?.mode, "declarative");
  assert.ok(WebAssembly.validate(encode(g)));
});

Deno.test("a loop that starts by calling a body testing the flag leaves the check to it", () => {
  const m = wat(`(module
    (func $leaf)
    (func $guarded (param i32) (if (local.get 0) (then (call $guarded (i32.const 0)))))
    (func $depth (call $leaf))
    (func (loop $l (call $guarded (i32.const 1)) (br $l)) (call $guarded (i32.const 0)))
    (func (loop $l (call $leaf) (br $l)))
    (func (loop $l (br_if $l (i32.const 0)) (call $guarded (i32.const 1)) (br $l)))
    (func (loop $l (call $depth) (br $l))))`);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: false });
  const loads = (i: number) =>
    opsOf(g.funcs[layout.innerBase + i].body).filter((id) => id === Op.i32_load).length;
  assert.equal(loads(3), 0); // $guarded tests the flag on every iteration
  assert.equal(loads(4), 1); // the header: $leaf has no guard
  assert.equal(loads(5), 1); // the call is not on every path through the header
  assert.equal(loads(6), 1); // $depth tests the depth only
});

Deno.test("a thunk tests the flag for a body that does not but may leave the module", () => {
  const m = wat(`(module (import "m" "f" (func $f))
    (func (export "a") (call $f))
    (func (export "b") (call $b2)) (func $b2))`);
  const { module: g, layout } = guard(m, { maxWasmStack: 1000, fuel: false });
  const thunk = (i: number) => opsOf(g.funcs[i].body);
  assert.ok(thunk(0).includes(Op.i32_load)); // a: calls out, and may be called back
  assert.ok(!thunk(1).includes(Op.i32_load));
  const inner = (i: number) => opsOf(g.funcs[layout.innerBase - layout.importedFuncs + i].body);
  assert.ok(!inner(0).includes(Op.i32_load));
});

Deno.test("the names the guard pass adds cannot clash with the module's", () => {
  const options = { maxWasmStack: 1000, fuel: false };
  assert.throws(
    () => guard(wat(`(module (func (export "\\00kwasm:start")))`), options),
    WebAssembly.CompileError,
  );
  assert.throws(
    () => guard(wat(`(module (import "${GUARD_MODULE}" "x" (func)))`), options),
    WebAssembly.CompileError,
  );
});

Deno.test("a module whose code touches no memory gets the interrupt flag as memory 0", async () => {
  // A memory only the host reads (through the export) and a data segment: both move up one.
  const src = `(module (memory (export "mem") 1) (data (i32.const 8) "hi")
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
          (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`;
  const { module: g } = guard(wat(src), { maxWasmStack: 1000, fuel: false });
  const memories = g.imports.filter((i) => i.desc.kind === "memory").map((i) => i.name);
  assert.deepEqual(memories, [FLAG_IMPORT, "memory0"]);
  assert.equal(g.exports.find((e) => e.name === "mem")!.index, 1);
  assert.equal(g.datas[0].memory, 1);
  // And it runs: the flag is tested on entry (fib is on a cycle), the segment lands in the
  // guest's memory, not in the flag's.
  const inst = await instantiateWat(src);
  assert.deepEqual(inst.invoke("fib", [20]), [6765]);
  const mem = inst.exports.mem as WebAssembly.Memory;
  assert.equal(new TextDecoder().decode(new Uint8Array(mem.buffer, 8, 2)), "hi");
  // One memory instruction anywhere keeps the flag last.
  const touched = src.replace(`(then (local.get 0))`, `(then (i32.load8_u (local.get 0)))`);
  const t = guard(wat(touched), { maxWasmStack: 1000, fuel: false }).module;
  const order = t.imports.filter((i) => i.desc.kind === "memory").map((i) => i.name);
  assert.deepEqual(order, ["memory0", FLAG_IMPORT]);
});

import assert from "node:assert/strict";
import { parseWat, TextError } from "./mod.ts";
import { instrs } from "./_testing.ts";
import { ValType } from "../types.ts";
import type { FuncType } from "../module.ts";
import { encode } from "../binary/encode.ts";
import { decode } from "../binary/decode.ts";

function sig(t: { composite: unknown }): string {
  const f = t.composite as FuncType;
  return `${f.params.join(",")}>${f.results.join(",")}`;
}

/** Asserts that parsing `wat` fails with a TextError whose message starts with `phrase`. */
function malformed(wat: string, phrase: string): TextError {
  try {
    parseWat(wat);
  } catch (e) {
    assert.ok(e instanceof TextError, `not a TextError: ${e}`);
    assert.ok(e instanceof WebAssembly.CompileError);
    assert.ok(e.message.startsWith(phrase), `"${e.message}" does not start with "${phrase}"`);
    return e;
  }
  assert.fail(`accepted; expected "${phrase}"`);
}

const I32 = ValType.i32;
const I64 = ValType.i64;

Deno.test("inline type uses: the smallest matching index, else appended in textual order", () => {
  const m = parseWat(`(module
    (func (param i64))
    (type $a (func (param i32)))
    (func (param i32))
    (type $b (func (param i32)))
    (func (result i64) (i64.const 0))
    (func (type $b) (param i32)))`);
  assert.deepEqual(m.types.map(sig), [`${I32}>`, `${I32}>`, `${I64}>`, `>${I64}`]);
  assert.deepEqual(m.funcs.map((f) => f.type), [2, 0, 3, 1]);
  assert.deepEqual(m.recGroups[3], { start: 3, size: 1, explicit: false });
});

Deno.test("(type x) with a different inline signature is malformed", () => {
  malformed(`(type $t (func (param i32))) (func (type $t) (param i64))`, "inline function type");
  malformed(`(type $t (func)) (func (type $t) (result i32) (i32.const 0))`, "inline function type");
  malformed(`(type $t (func (param i32))) (func (type 7) (param i32))`, "unknown type");
  malformed(`(func (type $missing))`, "unknown type $missing");
  // Without inline parameters, a missing numeric type is the validator's concern.
  assert.equal(parseWat("(func (type 42))").funcs[0].type, 42);
});

Deno.test("inline exports and imports on every kind", () => {
  const m = parseWat(`(module
    (func $imp (export "f1") (import "m" "f") (param i32))
    (table (export "t") (import "m" "t") 1 funcref)
    (memory (export "mem") (import "m" "mem") 1 2)
    (global $g (export "g1") (export "g2") (import "m" "g") (mut i32))
    (func (export "f2") (call $imp (global.get $g))))`);
  assert.deepEqual(m.imports.map((i) => `${i.module}.${i.name}:${i.desc.kind}`), [
    "m.f:func",
    "m.t:table",
    "m.mem:memory",
    "m.g:global",
  ]);
  assert.deepEqual(m.imports[2].desc, {
    kind: "memory",
    memory: { min: 1, max: 2, shared: false, index64: false },
  });
  assert.deepEqual(m.imports[3].desc, { kind: "global", global: { type: I32, mutable: true } });
  assert.deepEqual(m.exports.map((e) => `${e.name}:${e.kind}:${e.index}`), [
    "f1:func:0",
    "t:table:0",
    "mem:memory:0",
    "g1:global:0",
    "g2:global:0",
    "f2:func:1",
  ]);
  assert.deepEqual(instrs(m.funcs[0].body), ["global.get 0", "call 0", "end"]);
});

Deno.test("imports must come before definitions", () => {
  malformed(`(func) (import "" "" (func))`, "import after function");
  malformed(`(global i64 (i64.const 0)) (import "" "" (memory 1))`, "import after global");
  malformed(`(table 0 funcref) (func (import "" "")))`, "import after table");
  malformed(`(memory 0) (global (import "" "") i32)`, "import after memory");
  parseWat(`(import "" "a" (func)) (export "x" (func 0)) (import "" "b" (func)) (func)`);
});

Deno.test("forward references and every index space by name", () => {
  const m = parseWat(`(module
    (func $first (call $second))
    (func $second (drop (table.get $t (global.get $g))))
    (table $t 1 funcref)
    (global $g i32 (i32.const 0))
    (start $second)
    (export "t" (table $t)) (export "m" (memory $m)) (export "g" (global $g))
    (memory $m 1))`);
  assert.deepEqual(instrs(m.funcs[0].body), ["call 1", "end"]);
  assert.equal(m.start, 1);
  assert.deepEqual(m.exports.map((e) => e.index), [0, 0, 0]);
  malformed("(func (call $nope))", "unknown function $nope");
  malformed("(func (global.get $nope))", "unknown global $nope");
  malformed("(func (data.drop $nope))", "unknown data segment $nope");
  malformed("(func (elem.drop $nope))", "unknown elem segment $nope");
  malformed('(export "m" (memory $nope))', "unknown memory $nope");
  malformed("(func (drop (table.size $nope)))", "unknown table $nope");
});

Deno.test("duplicate identifiers", () => {
  malformed("(func $f) (func $f)", "duplicate func");
  malformed('(import "" "" (func $f)) (func $f)', "duplicate func");
  malformed("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global");
  malformed("(memory $m 1) (memory $m 1)", "duplicate memory");
  malformed("(table $t 1 funcref) (table $t 1 funcref)", "duplicate table");
  malformed("(type $t (func)) (type $t (func))", "duplicate type");
  malformed("(elem $e func) (elem $e func)", "duplicate elem");
  malformed('(data $d "") (data $d "")', "duplicate data");
  malformed("(func (param $x i32) (param $x i32))", "duplicate local");
});

Deno.test("tables with inline elements, memories with inline data", () => {
  const m = parseWat(`(module
    (func $f) (func $g)
    (elem $before func)
    (table $t funcref (elem $g $f $g))
    (table externref (elem (ref.null extern) (item ref.null extern)))
    (memory $m (data "abc" "\\01"))
    (memory (data))
    (func (elem.drop 1) (elem.drop 2) (data.drop 0)))`);
  assert.deepEqual(m.tables.map((t) => [t.type.min, t.type.max, t.type.element]), [
    [3, 3, ValType.funcref],
    [2, 2, ValType.externref],
  ]);
  assert.equal(m.elems.length, 3);
  assert.deepEqual(m.elems[1].init, { kind: "funcs", funcs: [1, 0, 1] });
  assert.equal(m.elems[1].mode, "active");
  assert.equal(m.elems[2].table, 1);
  assert.equal(m.elems[2].init.kind, "exprs");
  assert.deepEqual(instrs(m.elems[2].offset!), ["i32.const 0", "end"]);
  assert.deepEqual(m.memories.map((x) => [x.min, x.max]), [[1, 1], [0, 0]]);
  assert.deepEqual(Array.from(m.datas[0].bytes), [0x61, 0x62, 0x63, 0x01]);
  assert.equal(m.datas[1].memory, 1);
});

Deno.test("element segments: every form", () => {
  const m = parseWat(`(module
    (table $t 10 funcref) (table $u 10 externref)
    (func $f) (func $g)
    (elem (i32.const 0) $f $g)
    (elem (offset (i32.const 1)) func $g)
    (elem (table $u) (i32.const 2) externref (ref.null extern))
    (elem $p funcref (ref.func $f) (item (ref.func $g)))
    (elem $q funcref (ref.null func) (ref.func $f))
    (elem declare func $g)
    (elem (table 0) (offset (i32.const 3)) funcref (item ref.func 0)))`);
  assert.deepEqual(m.elems.map((e) => [e.mode, e.table, e.init.kind, e.type]), [
    ["active", 0, "funcs", ValType.funcref],
    ["active", 0, "funcs", ValType.funcref],
    ["active", 1, "exprs", ValType.externref],
    ["passive", 0, "funcs", ValType.funcref], // all ref.func: the compact form, as encoded
    ["passive", 0, "exprs", ValType.funcref],
    ["declarative", 0, "funcs", ValType.funcref],
    ["active", 0, "funcs", ValType.funcref],
  ]);
  assert.deepEqual(m.elems[3].init, { kind: "funcs", funcs: [0, 1] });
  assert.deepEqual(instrs(m.elems[1].offset!), ["i32.const 1", "end"]);
});

Deno.test("data segments: active, passive, memory use, offset abbreviation", () => {
  const m = parseWat(`(module (memory $a 1) (memory $b 1)
    (data (i32.const 8) "x")
    (data (memory $b) (offset (i32.const 1)) "y" "z")
    (data $p "passive")
    (data (memory 0) (global.get 0) ""))`);
  assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, d.bytes.length]), [
    ["active", 0, 1],
    ["active", 1, 2],
    ["passive", 0, 7],
    ["active", 0, 0],
  ]);
  assert.deepEqual(instrs(m.datas[0].offset!), ["i32.const 8", "end"]);
  assert.deepEqual(instrs(m.datas[3].offset!), ["global.get 0", "end"]);
  assert.equal(m.dataCount, null); // no memory.init / data.drop: no data count section
});

Deno.test("limits and the other module-level checks", () => {
  malformed("(memory 0x1_0000_0000)", "i32 constant out of range");
  malformed("(table 0 0x1_0000_0000 funcref)", "i32 constant out of range");
  malformed("(func $a) (start $a) (start $a)", "multiple start sections");
  malformed("(table 0 anyfunc)", "unknown operator anyfunc");
  malformed('(func (export "\\ff"))', "malformed UTF-8 encoding");
  malformed("(module (func) (func", "unexpected end of input");
  malformed("(func) )", "unexpected token");
  malformed("(module (func)) (func)", "unexpected token");
  malformed("nop", "unexpected token");
});

Deno.test("errors carry line:column", () => {
  const e = malformed(
    "(module\n  (func\n    (i32.add (i32.const 1) (i32.konst 2))))",
    "unknown operator",
  );
  assert.equal(e.message, "unknown operator i32.konst (at 3:29)");
  assert.equal(e.line, 3);
  assert.equal(e.column, 29);
  assert.equal(e.phrase, "unknown operator i32.konst");
});

Deno.test("names: module, functions, parameters and locals by index; none on request", () => {
  const m = parseWat(`(module $mod
    (import "m" "f" (func $imp))
    (func $a (param $x i32) (param i32) (local $y i64))
    (func)
    (func $c (local i32) (local $z f32)))`);
  assert.ok(m.names);
  assert.equal(m.names.module, "mod");
  assert.deepEqual([...m.names.functions], [[0, "imp"], [1, "a"], [3, "c"]]);
  assert.deepEqual([...m.names.locals], [[1, new Map([[0, "x"], [2, "y"]])], [
    3,
    new Map([[1, "z"]]),
  ]]);
  // The encoder writes them and the decoder reads the same names back.
  assert.deepEqual(decode(encode(m)).names, m.names);
  assert.equal(parseWat("(module $mod (func $a))", { names: false }).names, null);
  assert.equal(parseWat("(module (func))").names, null);
});

Deno.test("binary and quoted modules", () => {
  const m = parseWat('(module binary "\\00asm" "\\01\\00\\00\\00" "\\05\\03\\01\\00\\01")');
  assert.equal(m.memories.length, 1);
  const q = parseWat('(module quote "(func (export \\"f\\"))")');
  assert.equal(q.exports[0].name, "f");
  assert.throws(() => parseWat('(module binary "\\00asm")'), WebAssembly.CompileError);
});

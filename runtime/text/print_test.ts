import assert from "node:assert/strict";
import { fixtureFiles, specSuiteDir } from "../../tests/_fixtures.ts";
import { decode } from "../binary/decode.ts";
import { encode } from "../binary/encode.ts";
import { CodeBuilder } from "../code.ts";
import { emptyModule, type Module } from "../module.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { BLOCK_EMPTY, HeapType, ValType } from "../types.ts";
import { moduleOf, parseWast, parseWat, printWat } from "./mod.ts";

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The lines of the printed module that start with `prefix` (after indentation). */
function lines(text: string, prefix: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith(prefix));
}

Deno.test("printWat: every kind of module field, as wasm2wat writes it", () => {
  const m = parseWat(`(module $demo
    (type $t (func (param i32) (result i32)))
    (import "env" "f" (func $imp (param i32) (result i32)))
    (import "env" "t" (table 1 2 funcref))
    (import "env" "m" (memory 1))
    (import "env" "g" (global (mut i64)))
    (func $add (param $a i32) (param i32) (result i32) (local $x i64) (local f32 f32)
      local.get $a)
    (table 3 externref)
    (global f64 (f64.const -0.5))
    (global i32 i32.const 1 i32.const 2 i32.add)
    (export "add" (func $add))
    (export "t" (table 0))
    (start 0)
    (elem (i32.const 1) func $add $imp)
    (elem (table 1) (offset i32.const 0 i32.const 1 i32.add) externref (ref.null extern))
    (elem funcref (ref.func $add) (item ref.null func))
    (elem declare func 1)
    (data (i32.const 8) "hi\\00\\ff\\"")
    (data ""))`);
  const text = printWat(m);
  assert.deepEqual(text.split("\n").slice(0, 13), [
    "(module $demo",
    "  (type (;0;) (func (param i32) (result i32)))",
    "  (type (;1;) (func (param i32 i32) (result i32)))",
    '  (import "env" "f" (func $imp (type 0) (param i32) (result i32)))',
    '  (import "env" "t" (table (;0;) 1 2 funcref))',
    '  (import "env" "m" (memory (;0;) 1))',
    '  (import "env" "g" (global (;0;) (mut i64)))',
    "  (func $add (type 1) (param $a i32) (param i32) (result i32)",
    "    (local $x i64) (local f32 f32)",
    "    local.get $a)",
    "  (table (;1;) 3 externref)",
    "  (global (;1;) f64 (f64.const -0.5))",
    "  (global (;2;) i32 i32.const 1 i32.const 2 i32.add)",
  ]);
  assert.deepEqual(lines(text, "(export"), [
    '(export "add" (func $add))',
    '(export "t" (table 0))',
  ]);
  assert.deepEqual(lines(text, "(start"), ["(start $imp)"]);
  assert.deepEqual(lines(text, "(elem"), [
    "(elem (;0;) (i32.const 1) func $add $imp)",
    "(elem (;1;) (table 1) (offset i32.const 0 i32.const 1 i32.add) externref " +
    "(ref.null extern))",
    "(elem (;2;) funcref (ref.func $add) (ref.null func))",
    "(elem (;3;) declare func $add)",
  ]);
  assert.deepEqual(lines(text, "(data"), [
    '(data (;0;) (i32.const 8) "hi\\00\\ff\\22")',
    '(data (;1;) ""))',
  ]);
  assert.ok(same(encode(parseWat(text)), encode(m)));
});

Deno.test("printWat: bodies are flat, indented by depth, with wasm2wat's label comments", () => {
  const m = parseWat(`(func (param i32) (result i32)
    (block $out (result i32)
      (loop $top
        (br_if $out (i32.const 1) (local.get 0))
        (if (local.get 0) (then (br $top)) (else (nop))))
      (br_table $out $out (i32.const 2) (i32.const 0))))`);
  assert.equal(
    printWat(m, { names: false }),
    `(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0) (param i32) (result i32)
    block (result i32)  ;; label = @1
      loop  ;; label = @2
        i32.const 1
        local.get 0
        br_if 1 (;@1;)
        local.get 0
        if  ;; label = @3
          br 1 (;@2;)
        else
          nop
        end
      end
      i32.const 2
      i32.const 0
      br_table 0 (;@1;) 0 (;@1;)
    end))
`,
  );
});

Deno.test("printWat: immediates of every shape", () => {
  // (The parser keeps function and local names only; the other $ids are resolved away.)
  const m = parseWat(`(module
    (type (func (param i32) (result i32)))
    (memory 1) (table $t 1 funcref) (table $u 1 funcref)
    (global $g (mut i32) (i32.const 0))
    (elem $e func) (data $d "")
    (func (param $p i32) (result i32)
      (block (type 0) (param i32) (result i32))
      (call_indirect $u (type 0) (i32.const 0))
      (call_indirect (type 0) (i32.const 0))
      (i64.load offset=4294967295 align=4 (i32.const 0)) drop
      (i32.load8_u (i32.const 0)) drop
      (v128.load16_lane offset=2 3 (i32.const 0) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (v128.const i64x2 -1 0) (v128.const i64x2 0 0))
      (i16x8.extract_lane_u 7) drop
      (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) drop
      (ref.null extern) drop
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
      (data.drop $d) (elem.drop $e)
      (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0))
      (table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
      (global.set $g (table.size $u))
      (i64.const -9223372036854775808) drop
      (f32.const nan:0x123) drop
      (f64.const -0x1p-1074) drop))`);
  const body = lines(printWat(m), "");
  for (
    const expected of [
      "block (type 0) (param i32) (result i32)  ;; label = @1",
      "call_indirect 1 (type 0)",
      "call_indirect (type 0)",
      "i64.load offset=4294967295 align=4",
      "i32.load8_u",
      "v128.load16_lane offset=2 3",
      "v128.const i32x4 0x03020100 0x07060504 0x0b0a0908 0x0f0e0d0c",
      "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31",
      "v128.const i32x4 0xffffffff 0xffffffff 0x00000000 0x00000000",
      "i16x8.extract_lane_u 7",
      "select (result i32)",
      "ref.null extern",
      "memory.init 0",
      "data.drop 0",
      "elem.drop 0",
      "table.init 1 0",
      "table.copy 0 1",
      "memory.copy",
      "table.size 1",
      "global.set 0",
      "i64.const -9223372036854775808",
      "f32.const nan:0x123",
      "f64.const -5e-324",
    ]
  ) {
    assert.ok(body.includes(expected), `missing "${expected}" in:\n${body.join("\n")}`);
  }
  assert.ok(same(encode(parseWat(printWat(m))), encode(m)));
});

/** A module whose one function holds `id` with placeholder immediates (it need not be valid). */
function moduleWithOp(id: number): Module {
  const m = emptyModule();
  m.types.push({ final: true, supers: [], composite: { kind: "func", params: [], results: [] } });
  const b = new CodeBuilder();
  const op = OPS[id];
  b.op(id);
  switch (op.imm) {
    case "block":
      b.word(BLOCK_EMPTY);
      if (id === Op.if) b.op(Op.else);
      b.op(Op.end);
      break;
    case "br_table":
      b.word(1);
      b.word(0);
      b.word(0);
      break;
    case "select_t":
      b.word(1);
      b.word(ValType.f64);
      break;
    case "heaptype":
      b.word(HeapType.func);
      break;
    default:
      for (let i = 0; i < op.immWords; i++) b.word(0);
  }
  b.op(Op.end);
  m.funcs.push({ type: 0, locals: [], body: b.finish(), offset: 0 });
  // The text format implies the data count section wherever these need it.
  if (id === Op.memory_init || id === Op.data_drop) m.dataCount = 0;
  return m;
}

Deno.test("printWat: each of the opcode table's instructions reads back as itself", () => {
  let count = 0;
  for (const op of OPS) {
    if (op.id === Op.else || op.id === Op.end) continue;
    const m = moduleWithOp(op.id);
    const text = printWat(m);
    const again = parseWat(text, { names: false });
    assert.ok(same(encode(again), encode(m)), `${op.name}:\n${text}`);
    count++;
  }
  assert.equal(count, OPS.length - 2);
});

Deno.test("printWat: names become valid, unique identifiers; unnamed items show their index", () => {
  const m = parseWat(
    `(module $m (func $a (param $p i32) (local $q i32)) (func $b) (func $c) (func))`,
  );
  const names = m.names!;
  names.module = "my module";
  names.functions.set(1, "std::vector<int>::at(int) const");
  names.functions.set(2, "a");
  names.locals.get(0)!.set(1, "p");
  const text = printWat(m);
  assert.deepEqual(lines(text, "(func"), [
    "(func $a (type 0) (param $p i32)",
    "(func $std::vector<int>::at_int__const (type 1))",
    "(func $a.1 (type 1))",
    "(func (;3;) (type 1)))",
  ]);
  assert.deepEqual(lines(text, "(local"), ["(local $p.1 i32))"]);
  assert.match(text, /^\(module \$my_module\n/);
  // Without names, every item is printed by index.
  assert.doesNotMatch(printWat(m, { names: false }), /\$/);
});

Deno.test("printWat: extended names (globals, data segments) from the name section", () => {
  // wat2wasm --debug-names output would carry these; build the subsections by hand:
  // subsection 7 (globals) and 9 (data), each a name map with one entry.
  const m = parseWat(`(memory 1) (global (mut i32) (i32.const 0)) (data (i32.const 0) "x")
    (func (global.set 0 (i32.const 1)))`);
  m.names = {
    module: null,
    functions: new Map(),
    locals: new Map(),
    after: 11,
    other: [
      { id: 7, bytes: new Uint8Array([1, 0, 4, ...new TextEncoder().encode("__sp")]) },
      { id: 9, bytes: new Uint8Array([1, 0, 7, ...new TextEncoder().encode(".rodata")]) },
    ],
  };
  const text = printWat(m);
  assert.match(text, /\(global \$__sp \(mut i32\) \(i32\.const 0\)\)/);
  assert.match(text, /global\.set \$__sp/);
  assert.match(text, /\(data \$\.rodata \(i32\.const 0\) "x"\)/);
});

Deno.test("printWat prints invalid modules: dangling and huge indices stay as they are", () => {
  const m = parseWat(`(func (call_indirect (type 0xffffffff) (i32.const 0)) (call 7) (br 9))`);
  const text = printWat(m);
  assert.match(text, /call_indirect \(type 4294967295\)/);
  assert.match(text, /call 7\n/);
  assert.match(text, /br 9\)/);
  assert.ok(same(encode(parseWat(text)), encode(m)));
});

// ---- round trips over real modules -------------------------------------------------------

/**
 * What the text format can say of `m`: the printer leaves out custom
 * sections, name subsections beyond module/function/local names, local
 * groups of zero locals, and a data count section no instruction needs
 * (wabt's `wasm2wat` does the same). Returns the module and which of these
 * it had.
 */
function expressible(m: Module, names: boolean): { module: Module; dropped: string[] } {
  const dropped: string[] = [];
  let dataCount = m.dataCount;
  if (dataCount !== null && !m.funcs.some((f) => usesDataCount(f.body.ops))) {
    dataCount = null;
    dropped.push("unused data count");
  }
  const funcs = m.funcs.map((f) => {
    if (f.locals.every((g) => g.count > 0)) return f;
    dropped.push("empty local group");
    return { ...f, locals: f.locals.filter((g) => g.count > 0) };
  });
  const n = names && m.names ? { ...m.names, other: undefined, position: 0 } : null;
  return { module: { ...m, funcs, dataCount, customs: [], names: n }, dropped };
}

/** Whether a code stream has `memory.init` or `data.drop`, which need the data count. */
function usesDataCount(ops: Int32Array): boolean {
  for (let pc = 0; pc < ops.length; pc += instrWords(ops, pc)) {
    if (ops[pc] === Op.memory_init || ops[pc] === Op.data_drop) return true;
  }
  return false;
}

/** Whether every function and local name is already a unique identifier (so it prints as itself). */
function namesPrintAsThemselves(m: Module): boolean {
  const ok = (names: Iterable<string>) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (!/^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/.test(n) || seen.has(n)) return false;
      seen.add(n);
    }
    return true;
  };
  if (!m.names) return true;
  return ok(m.names.functions.values()) &&
    [...m.names.locals.values()].every((l) => ok(l.values()));
}

interface Tally {
  modules: number;
  withNames: number;
  withoutNames: number;
  dropped: string[];
  failures: string[];
}

/**
 * Prints `m`, parses the text, and compares the encodings. Names are kept on
 * both sides when they print as themselves; otherwise (duplicates, characters
 * an identifier cannot hold) the comparison is without names.
 */
function roundTrip(where: string, m: Module, t: Tally): void {
  t.modules++;
  const text = printWat(m);
  const keepNames = namesPrintAsThemselves(m);
  let again: Module;
  try {
    again = parseWat(text, { names: keepNames });
  } catch (e) {
    t.failures.push(`${where}: ${(e as Error).message}`);
    return;
  }
  const { module, dropped } = expressible(m, keepNames);
  for (const d of dropped) t.dropped.push(`${where}: ${d}`);
  if (!same(encode(again), encode(module))) t.failures.push(`${where}: different bytes`);
  else if (keepNames) t.withNames++;
  else t.withoutNames++;
}

function tally(): Tally {
  return { modules: 0, withNames: 0, withoutNames: 0, dropped: [], failures: [] };
}

Deno.test("round trip: every fixture prints to text that encodes to the same bytes", async () => {
  const t = tally();
  for (const file of fixtureFiles()) roundTrip(file, decode(await Deno.readFile(file)), t);
  assert.deepEqual(t.failures, []);
  assert.equal(t.modules, 8);
  // Every fixture has two functions named `dummy` (from wasi-libc): printed `$dummy` and
  // `$dummy.1`, as wasm2wat does, so their names cannot come back unchanged.
  assert.equal(t.withoutNames, 8);
  assert.deepEqual(t.dropped, []);
});

Deno.test({
  name: "round trip: every module of the spec suite prints to text that encodes the same",
  ignore: specSuiteDir() === null,
  fn() {
    const dir = specSuiteDir()!;
    const valid = tally(); // module commands
    const others = tally(); // modules of assert_invalid, assert_unlinkable, assert_uninstantiable
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".wast"));
    for (const file of files.sort()) {
      for (const c of parseWast(Deno.readFileSync(`${dir}/${file}`))) {
        const where = `${file}:${c.line}`;
        if (c.type === "module" && c.source.kind !== "quote") {
          roundTrip(where, moduleOf(c.source), valid);
        } else if (
          c.type === "assert_invalid" || c.type === "assert_unlinkable" ||
          c.type === "assert_uninstantiable"
        ) {
          roundTrip(where, moduleOf(c.module.source), others);
        }
      }
    }
    assert.deepEqual(valid.failures, []);
    assert.ok(valid.modules > 1500, `${valid.modules} modules`);
    assert.equal(valid.withNames, valid.modules);
    // The two binary modules whose content the text format cannot state.
    assert.deepEqual(valid.dropped, [
      "binary.wast:385: empty local group",
      "binary.wast:487: unused data count",
    ]);
    // Invalid modules print too, dangling indices and all.
    assert.deepEqual(others.failures, []);
    assert.ok(others.modules > 2000, `${others.modules} modules`);
  },
});

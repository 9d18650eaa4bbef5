/**
 * The encoder against bytes from wabt: each test builds a `Module` by hand
 * and compares `encode` with what `wat2wasm` (1.0.32) wrote for the WAT shown
 * beside it.
 */

import assert from "node:assert/strict";
import { CodeBuilder } from "../code.ts";
import {
  type Code,
  type CustomSection,
  emptyModule,
  type FuncType,
  type Module,
  SectionId,
  type SubType,
} from "../module.ts";
import { Op } from "../opcodes.ts";
import { BLOCK_EMPTY, blockOfValType, HeapType, refType, ValType } from "../types.ts";
import { encode } from "./encode.ts";
import { writeBlockType, writeCode, writeValType } from "./encode_code.ts";
import { Writer } from "./writer.ts";

const { i32, i64, f32, f64, v128, funcref, externref } = ValType;

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A code stream from `[opcode id, ...immediate words]` rows. */
function code(...instrs: number[][]): Code {
  const b = new CodeBuilder();
  for (const [id, ...imm] of instrs) {
    b.op(id);
    for (const x of imm) b.word(x);
  }
  return b.finish();
}

const END = [Op.end];

function func(params: number[], results: number[]): SubType {
  const composite: FuncType = { kind: "func", params, results };
  return { final: true, supers: [], composite };
}

function withTypes(m: Module, types: SubType[]): Module {
  m.types = types;
  m.recGroups = types.map((_, i) => ({ start: i, size: 1, explicit: false }));
  return m;
}

Deno.test("an empty module is the header alone", () => {
  assert.equal(toHex(encode(emptyModule())), "0061736d01000000");
});

Deno.test("every 2.0 section matches wat2wasm", () => {
  /* (module
       (type (func (param i32) (result i32)))
       (type (func (param i64 f32) (result f64 v128)))
       (type (func))
       (import "env" "f" (func (type 0)))
       (import "env" "t" (table 1 funcref))
       (import "m" "mem" (memory 1 65536))
       (import "m" "g" (global (mut i64)))
       (table 2 10 externref)
       (global (mut i32) (i32.const -129))
       (global f64 (f64.const 1.5))
       (export "run" (func 1)) (export "mem" (memory 0))
       (export "tab" (table 1)) (export "glob" (global 1))
       (start 2)
       (elem (i32.const 0) func 1 2)
       (elem func 2)
       (elem (table 1) (i32.const 0) externref (ref.null extern))
       (elem declare func 1)
       (func (type 0) (local i32 i32) (local i64) local.get 0)
       (func (type 2))
       (data (i32.const 1024) "\01\02\03")
       (data "passive")
       (func (type 2) i32.const 0 i32.const 0 i32.const 0 memory.init 1)) */
  const expected =
    "0061736d0100000001100360017f017f60027e7d027c7b60000002260403656e760166000003656e760174" +
    "01700001016d036d656d020101808004016d0167037e010304030002020405016f01020a0613027f0141ff7e0b7c00" +
    "44000000000000f83f0b071a040372756e0001036d656d020003746162010104676c6f620301080102091a04004100" +
    "0b02010201000102060141000b6f01d06f0b030001010c01020a1a030802027f017e20000b02000b0c00410041004100" +
    "fc0801000b0b1302004180080b03010203010770617373697665";
  const m = withTypes(emptyModule(), [
    func([i32], [i32]),
    func([i64, f32], [f64, v128]),
    func([], []),
  ]);
  m.imports = [
    { module: "env", name: "f", desc: { kind: "func", type: 0 } },
    {
      module: "env",
      name: "t",
      desc: { kind: "table", table: { element: funcref, min: 1, max: null, index64: false } },
    },
    {
      module: "m",
      name: "mem",
      desc: { kind: "memory", memory: { min: 1, max: 65536, shared: false, index64: false } },
    },
    { module: "m", name: "g", desc: { kind: "global", global: { type: i64, mutable: true } } },
  ];
  m.funcs = [
    {
      type: 0,
      locals: [{ count: 2, type: i32 }, { count: 1, type: i64 }],
      body: code([Op.local_get, 0], END),
      offset: 0,
    },
    { type: 2, locals: [], body: code(END), offset: 0 },
    {
      type: 2,
      locals: [],
      body: code(
        [Op.i32_const, 0],
        [Op.i32_const, 0],
        [Op.i32_const, 0],
        [Op.memory_init, 1, 0],
        END,
      ),
      offset: 0,
    },
  ];
  m.tables = [{ type: { element: externref, min: 2, max: 10, index64: false }, init: null }];
  m.globals = [
    { type: { type: i32, mutable: true }, init: code([Op.i32_const, -129], END) },
    { type: { type: f64, mutable: false }, init: code([Op.f64_const, 0, 0x3ff80000], END) },
  ];
  m.exports = [
    { name: "run", kind: "func", index: 1 },
    { name: "mem", kind: "memory", index: 0 },
    { name: "tab", kind: "table", index: 1 },
    { name: "glob", kind: "global", index: 1 },
  ];
  m.start = 2;
  const zero = () => code([Op.i32_const, 0], END);
  m.elems = [
    {
      mode: "active",
      table: 0,
      offset: zero(),
      type: funcref,
      init: { kind: "funcs", funcs: [1, 2] },
    },
    { mode: "passive", table: 0, offset: null, type: funcref, init: { kind: "funcs", funcs: [2] } },
    {
      mode: "active",
      table: 1,
      offset: zero(),
      type: externref,
      init: { kind: "exprs", exprs: [code([Op.ref_null, HeapType.extern], END)] },
    },
    {
      mode: "declarative",
      table: 0,
      offset: null,
      type: funcref,
      init: { kind: "funcs", funcs: [1] },
    },
  ];
  m.dataCount = 2;
  m.datas = [
    {
      mode: "active",
      memory: 0,
      offset: code([Op.i32_const, 1024], END),
      bytes: new Uint8Array([1, 2, 3]),
    },
    { mode: "passive", memory: 0, offset: null, bytes: new TextEncoder().encode("passive") },
  ];
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("instruction immediates match wat2wasm, SIMD included", () => {
  // The function of testdata-like WAT (see the comments) with two tables and one memory.
  const expected =
    "0061736d01000000010c0260017f027f7e60017f017f0302010104070270000270000105030100010a9f01" +
    "019c0101017b20000200428080808080808080807f0b1a027f200020000e03000001000b6a41001100011a440000" +
    "00000000f83f44000000000000108020001c017cfc031a430000a07f1ad0701afd0c000102030405060708090a0b" +
    "0c0d0eff22012001fd0d0010011102120313041405150616071ffd1b036a20002001fd5500808004072001fdba01" +
    "210120002001fd0b030041003502ffffffff0f1a0b";
  const m = withTypes(emptyModule(), [func([i32], [i32, i64]), func([i32], [i32])]);
  m.tables = [
    { type: { element: funcref, min: 2, max: null, index64: false }, init: null },
    { type: { element: funcref, min: 1, max: null, index64: false }, init: null },
  ];
  m.memories = [{ min: 1, max: null, shared: false, index64: false }];
  const body = code(
    [Op.local_get, 0],
    [Op.block, 0], // block (type $t)
    [Op.i64_const, 0, 0x80000000 | 0], // -2^63
    END,
    [Op.drop],
    [Op.block, blockOfValType(i32)],
    [Op.local_get, 0],
    [Op.local_get, 0],
    [Op.br_table, 3, 0, 0, 1, 0],
    END,
    [Op.i32_add],
    [Op.i32_const, 0],
    [Op.call_indirect, 0, 1],
    [Op.drop],
    [Op.f64_const, 0, 0x3ff80000],
    [Op.f64_const, 0, 0x80100000 | 0], // -0x1p-1022
    [Op.local_get, 0],
    [Op.select_t, 1, f64],
    [Op.i32_trunc_sat_f64_u],
    [Op.drop],
    [Op.f32_const, 0x7fa00000], // nan:0x200000
    [Op.drop],
    [Op.ref_null, HeapType.func],
    [Op.drop],
    [Op.v128_const, 0x03020100, 0x07060504, 0x0b0a0908, 0xff0e0d0c | 0],
    [Op.local_tee, 1],
    [Op.local_get, 1],
    [Op.i8x16_shuffle, 0x11011000, 0x13031202, 0x15051404, 0x1f071606],
    [Op.i32x4_extract_lane, 3],
    [Op.i32_add],
    [Op.local_get, 0],
    [Op.local_get, 1],
    [Op.v128_load16_lane, 0, 0, 65536, 0, 7], // offset=65536 align=1, lane 7
    [Op.local_get, 1],
    [Op.i32x4_dot_i16x8_s], // 0xFD 0xBA 0x01: a two-byte sub-opcode
    [Op.local_set, 1],
    [Op.local_get, 0],
    [Op.local_get, 1],
    [Op.v128_store, 3, 0, 0, 0],
    [Op.i32_const, 0],
    [Op.i64_load32_u, 2, 0, -1, 0], // offset=0xffffffff
    [Op.drop],
    END,
  );
  m.funcs = [{ type: 1, locals: [{ count: 1, type: v128 }], body, offset: 0 }];
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("names and element forms match wat2wasm --debug-names", () => {
  /* (module $m
       (func $a (param $x i32) (local $y i64) (local f32))
       (func (param i32))
       (func $c)
       (table 1 funcref)
       (elem (i32.const 0) func $a)
       (elem func $a $c)
       (elem declare func $c)
       (elem (i32.const 0) funcref (ref.func $a) (ref.null func))
       (elem funcref (ref.func $a))) */
  const expected =
    "0061736d0100000001080260017f00600000030403000001040401700001091f050041000b01000100020002" +
    "030001020441000b02d2000bd0700b010001000a0e030602017e017d0b02000b02000b0021046e616d650002016d01" +
    "0702000161020163020d03000200017801017901000200";
  const m = withTypes(emptyModule(), [func([i32], []), func([], [])]);
  m.funcs = [
    {
      type: 0,
      locals: [{ count: 1, type: i64 }, { count: 1, type: f32 }],
      body: code(END),
      offset: 0,
    },
    { type: 0, locals: [], body: code(END), offset: 0 },
    { type: 1, locals: [], body: code(END), offset: 0 },
  ];
  m.tables = [{ type: { element: funcref, min: 1, max: null, index64: false }, init: null }];
  const zero = () => code([Op.i32_const, 0], END);
  const refFunc = (f: number) => code([Op.ref_func, f], END);
  m.elems = [
    {
      mode: "active",
      table: 0,
      offset: zero(),
      type: funcref,
      init: { kind: "funcs", funcs: [0] },
    },
    {
      mode: "passive",
      table: 0,
      offset: null,
      type: funcref,
      init: { kind: "funcs", funcs: [0, 2] },
    },
    {
      mode: "declarative",
      table: 0,
      offset: null,
      type: funcref,
      init: { kind: "funcs", funcs: [2] },
    },
    {
      mode: "active",
      table: 0,
      offset: zero(),
      type: funcref,
      init: { kind: "exprs", exprs: [refFunc(0), code([Op.ref_null, HeapType.func], END)] },
    },
    // Expressions that are all `ref.func` take the compact form, as wabt writes them.
    {
      mode: "passive",
      table: 0,
      offset: null,
      type: funcref,
      init: { kind: "exprs", exprs: [refFunc(0)] },
    },
  ];
  m.names = {
    module: "m",
    // Out of order on purpose: the encoder sorts name maps by index.
    functions: new Map([[2, "c"], [0, "a"]]),
    locals: new Map([[1, new Map()], [0, new Map([[1, "y"], [0, "x"]])], [2, new Map()]]),
    after: SectionId.code,
  };
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("name subsections kept as bytes follow the local names", () => {
  // (module (func $f) (global $g i32 (i32.const 0)) (data $d "")), wat2wasm --debug-names
  const expected = "0061736d01000000010401600000030201000606017f0041000b0a040102000b0b0301010000" +
    "1c046e616d650104010001660203010000070401000167090401000164";
  const m = withTypes(emptyModule(), [func([], [])]);
  m.funcs = [{ type: 0, locals: [], body: code(END), offset: 0 }];
  m.globals = [{ type: { type: i32, mutable: false }, init: code([Op.i32_const, 0], END) }];
  m.datas = [{ mode: "passive", memory: 0, offset: null, bytes: new Uint8Array() }];
  m.names = {
    module: null,
    functions: new Map([[0, "f"]]),
    locals: new Map([[0, new Map()]]),
    after: SectionId.data,
    other: [
      { id: 7, bytes: new Uint8Array([1, 0, 1, 0x67]) },
      { id: 9, bytes: new Uint8Array([1, 0, 1, 0x64]) },
    ],
  };
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("a non-funcref segment on table 0 names its table (form 6)", () => {
  // (module (table 1 externref) (elem (i32.const 0) externref (ref.null extern)))
  const m = emptyModule();
  m.tables = [{ type: { element: externref, min: 1, max: null, index64: false }, init: null }];
  m.elems = [{
    mode: "active",
    table: 0,
    offset: code([Op.i32_const, 0], END),
    type: externref,
    init: { kind: "exprs", exprs: [code([Op.ref_null, HeapType.extern], END)] },
  }];
  assert.equal(toHex(encode(m)), "0061736d010000000404016f0001090b01060041000b6f01d06f0b");
});

Deno.test("tables with an initialiser and 64-bit tables take the 3.0 forms", () => {
  const m = emptyModule();
  const refFunc = refType(HeapType.func, false);
  m.tables = [
    // (table 1 (ref func) (ref.func 0))
    {
      type: { element: refFunc, min: 1, max: null, index64: false },
      init: code([Op.ref_func, 0], END),
    },
    // (table i64 2 3 funcref)
    { type: { element: funcref, min: 2, max: 3, index64: true }, init: null },
  ];
  const expected = "0061736d01000000" + "040e" + "02" + "4000" + "6470" + "0001" + "d2000b" +
    "70" + "050203";
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("post-2.0 limits, memory indices and tags match wat2wasm --enable-all", () => {
  /* (module
       (import "env" "shm" (memory 1 4 shared))
       (memory i64 1 0x1_0000_0000)
       (memory 0)
       (tag (param i32))
       (data (memory 2) (i32.const 8) "x")) */
  const expected =
    "0061736d0100000001050160017f00020d0103656e760373686d02030104050a020501808080801000000d03" +
    "0100000b0801020241080b0178";
  const m = withTypes(emptyModule(), [func([i32], [])]);
  m.imports = [{
    module: "env",
    name: "shm",
    desc: { kind: "memory", memory: { min: 1, max: 4, shared: true, index64: false } },
  }];
  m.memories = [
    { min: 1, max: 0x1_0000_0000, shared: false, index64: true },
    { min: 0, max: null, shared: false, index64: false },
  ];
  m.tags = [{ type: 0 }];
  m.datas = [{
    mode: "active",
    memory: 2,
    offset: code([Op.i32_const, 8], END),
    bytes: new Uint8Array([0x78]),
  }];
  assert.equal(toHex(encode(m)), expected);
});

/** Section ids, and custom section names, in the order `bytes` has them. */
function sectionList(bytes: Uint8Array): (number | string)[] {
  const out: (number | string)[] = [];
  let p = 8;
  const uleb = () => {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = uleb();
    const end = p + size;
    if (id === 0) {
      const n = uleb();
      out.push(new TextDecoder().decode(bytes.subarray(p, p + n)));
    } else {
      out.push(id);
    }
    p = end;
  }
  return out;
}

Deno.test("custom sections go back where they were recorded", () => {
  const m = withTypes(emptyModule(), [func([], [])]);
  m.funcs = [{ type: 0, locals: [], body: code(END), offset: 0 }];
  m.datas = [{ mode: "passive", memory: 0, offset: null, bytes: new Uint8Array(1) }];
  m.dataCount = 1;
  const custom = (name: string, after: number): CustomSection => ({
    name,
    bytes: new Uint8Array([1, 2, 3]),
    after,
  });
  m.customs = [
    custom(".debug_info", SectionId.data),
    custom("first", 0),
    custom("after-type", SectionId.type),
    custom("after-memory", SectionId.memory), // no memory section: still between type and code
    custom("producers", SectionId.data),
    custom("after-datacount", SectionId.dataCount),
    custom("target_features", SectionId.data),
  ];
  m.names = { module: "x", functions: new Map(), locals: new Map(), after: SectionId.data };
  assert.deepEqual(sectionList(encode(m)), [
    "first",
    SectionId.type,
    "after-type",
    SectionId.function,
    "after-memory",
    SectionId.dataCount,
    "after-datacount",
    SectionId.code,
    SectionId.data,
    // wasm-ld's order: sections copied from its inputs, then name, producers, target_features.
    ".debug_info",
    "name",
    "producers",
    "target_features",
  ]);
  const bytes = encode(m);
  // A custom section's payload is its name then its bytes, verbatim.
  assert.equal(toHex(bytes.subarray(8, 8 + 11)), "0009056669727374010203");
});

Deno.test("a recorded position puts the name section back among its custom sections", () => {
  const m = emptyModule();
  const custom = (name: string): CustomSection => ({ name, bytes: new Uint8Array(), after: 0 });
  m.customs = [custom("a"), custom(".debug_b"), custom("c")];
  m.names = { module: "m", functions: new Map(), locals: new Map(), after: 0, position: 1 };
  assert.deepEqual(sectionList(encode(m)), ["a", "name", ".debug_b", "c"]);
  m.names.position = 3;
  assert.deepEqual(sectionList(encode(m)), ["a", ".debug_b", "c", "name"]);
  // Not recorded: guessed as wasm-ld writes it, after the leading `.debug_*` sections.
  m.names.position = undefined;
  assert.deepEqual(sectionList(encode(m)), ["name", "a", ".debug_b", "c"]);
  m.customs = [custom(".debug_b"), custom("c")];
  assert.deepEqual(sectionList(encode(m)), [".debug_b", "name", "c"]);
});

Deno.test("recursion groups, subtypes, structs and arrays use the 3.0 type forms", () => {
  const m = emptyModule();
  const field = (type: number, packed: "i8" | "i16" | null, mutable: boolean) => ({
    type,
    packed,
    mutable,
  });
  m.types = [
    {
      final: true,
      supers: [],
      composite: { kind: "struct", fields: [field(i32, "i8", true), field(f64, null, false)] },
    },
    {
      final: false,
      supers: [],
      composite: { kind: "array", element: field(refType(0, true), null, true) },
    },
    { final: true, supers: [1], composite: { kind: "array", element: field(i32, "i16", true) } },
    {
      final: false,
      supers: [],
      composite: { kind: "func", params: [refType(HeapType.any, false)], results: [] },
    },
    func([refType(HeapType.func, true), refType(HeapType.eq, true)], []),
  ];
  m.recGroups = [
    { start: 0, size: 3, explicit: true },
    { start: 3, size: 1, explicit: false },
    { start: 4, size: 1, explicit: true },
  ];
  const expected = "0061736d01000000" + "0123" + "03" +
    "4e03" + //                        rec, 3 types
    "5f02" + "7801" + "7c00" + //      struct (field (mut i8)) (field f64)
    "5000" + "5e" + "6300" + "01" + // (sub (array (mut (ref null 0))))
    "4f0101" + "5e" + "7701" + //      (sub final 1 (array (mut i16)))
    "5000" + "6001646e00" + //         (sub (func (param (ref any)))), alone: no rec
    "4e01" + "6002706d00"; //          (rec (func (param funcref eqref)))
  assert.equal(toHex(encode(m)), expected);
});

Deno.test("value and block types use the shortest forms", () => {
  const bytes = (write: (w: Writer) => void) => {
    const w = new Writer();
    write(w);
    return toHex(w.finish());
  };
  assert.equal(bytes((w) => writeValType(w, i32)), "7f");
  assert.equal(bytes((w) => writeValType(w, funcref)), "70");
  assert.equal(bytes((w) => writeValType(w, externref)), "6f");
  assert.equal(bytes((w) => writeValType(w, refType(HeapType.func, false))), "6470");
  assert.equal(bytes((w) => writeValType(w, refType(5, true))), "6305");
  assert.equal(bytes((w) => writeValType(w, refType(200, false))), "64c801");
  assert.equal(bytes((w) => writeBlockType(w, BLOCK_EMPTY)), "40");
  assert.equal(bytes((w) => writeBlockType(w, blockOfValType(v128))), "7b");
  assert.equal(bytes((w) => writeBlockType(w, blockOfValType(externref))), "6f");
  assert.equal(bytes((w) => writeBlockType(w, 64)), "c000");
  // A memarg with a memory index sets bit 6 of the alignment field.
  assert.equal(bytes((w) => writeCode(w, code([Op.i32_load, 2, 1, 16, 0], END))), "284201100b");
  // memory64 offsets beyond 4 GiB.
  assert.equal(
    bytes((w) => writeCode(w, code([Op.i64_load, 3, 0, 0, 1], END))),
    "2903808080801" + "00b",
  );
});

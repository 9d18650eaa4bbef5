import assert from "node:assert/strict";
import { MalformedError } from "../errors.ts";
import { Op } from "../opcodes.ts";
import { BLOCK_EMPTY, blockOfValType, HeapType, refType, ValType } from "../types.ts";
import { body, type Bytes, section, str, u32, vec, VOID_TYPE, wasm } from "./_wasm_bytes.ts";
import { decode, type DecodeOptions } from "./decode.ts";

function assertMalformed(
  bytes: Uint8Array,
  phrase: string,
  offset?: number,
  options?: DecodeOptions,
): void {
  assert.throws(() => decode(bytes, options), (e: unknown) => {
    assert.ok(e instanceof MalformedError, `not a MalformedError: ${e}`);
    assert.ok(e.message.startsWith(phrase), `"${e.message}" does not start with "${phrase}"`);
    if (offset !== undefined) assert.equal(e.offset, offset, e.message);
    return true;
  });
}

/** A module with one `[] -> []` function whose body is `code` (ending in 0x0b) after `locals`. */
function oneFunc(code: Bytes[], locals: [number, number][] = [], ...more: Bytes[]): Uint8Array {
  return wasm(
    VOID_TYPE,
    section(3, vec([0])),
    more,
    section(10, vec([body(locals, ...code)])),
  );
}

Deno.test("decode: the empty module", () => {
  const m = decode(wasm());
  assert.deepEqual(m.types, []);
  assert.deepEqual(m.funcs, []);
  assert.equal(m.start, null);
  assert.equal(m.dataCount, null);
  assert.equal(m.names, null);
});

Deno.test("decode: header errors", () => {
  assertMalformed(new Uint8Array([0, 0x61, 0x73]), "unexpected end", 3);
  assertMalformed(
    new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]),
    "magic header not detected",
    0,
  );
  assertMalformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0]), "unexpected end", 6);
  assertMalformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), "unknown binary version", 4);
});

Deno.test("decode: a function keeps its local groups, offsets and body", () => {
  const bytes = oneFunc(
    [0x20, 0x00, 0x41, 0x7f, 0x1a, 0x1a, 0x0b], // local.get 0, i32.const -1, drop, drop, end
    [[2, 0x7f], [0, 0x7e], [1, 0x7c]],
  );
  const m = decode(bytes);
  assert.equal(m.funcs.length, 1);
  const f = m.funcs[0];
  assert.equal(f.type, 0);
  assert.deepEqual(f.locals, [
    { count: 2, type: ValType.i32 },
    { count: 0, type: ValType.i64 },
    { count: 1, type: ValType.f64 },
  ]);
  // Header 8, type section 6, function section 4, code section id+size+count = 3.
  assert.equal(f.offset, 21);
  assert.equal(bytes[f.offset], 14); // the body's size field
  assert.deepEqual([...f.body.ops], [Op.local_get, 0, Op.i32_const, -1, Op.drop, Op.drop, Op.end]);
  const first = f.offset + 1 + 7; // size byte, then the 7 bytes of local declarations
  assert.deepEqual([...f.body.offsets], [first, first + 2, first + 4, first + 5, first + 6]);
});

Deno.test("decode: section order, ids and sizes", () => {
  const start = section(8, 0);
  assertMalformed(wasm(VOID_TYPE, VOID_TYPE), "unexpected content after last section", 14);
  assertMalformed(wasm(start, section(7, vec([]))), "unexpected content after last section");
  // The data count section goes before the code section.
  assertMalformed(
    wasm(section(10, vec([])), section(12, 0)),
    "unexpected content after last section",
  );
  assertMalformed(wasm([13, 0]), "malformed section id", 8);
  assertMalformed(wasm([0x80, 0]), "malformed section id", 8);
  assertMalformed(wasm([1]), "unexpected end", 9);
  assertMalformed(wasm([1, 5, 0]), "length out of bounds", 9);
  assertMalformed(wasm(section(1, vec([]), 0)), "section size mismatch", 10);
  // Custom sections may go anywhere, even between the data count and code sections.
  const m = decode(wasm(
    section(0, str("a"), 1, 2),
    VOID_TYPE,
    section(3, vec([0])),
    section(12, 0),
    section(0, str("b")),
    section(10, vec([body([], 0x0b)])),
    section(0, str("c"), 3),
  ));
  assert.deepEqual(
    m.customs.map((c) => [c.name, [...c.bytes], c.after]),
    [["a", [1, 2], 0], ["b", [], 12], ["c", [3], 10]],
  );
  assert.equal(m.dataCount, 0);
});

Deno.test("decode: custom section whose name overruns the section", () => {
  assertMalformed(wasm([0, 0, 0, 5, 1, 0, 7, 0, 0]), "unexpected end");
  assertMalformed(wasm(section(0, [2, 0xc0, 0x80])), "malformed UTF-8 encoding");
});

Deno.test("decode: the name section becomes Module.names", () => {
  const names = [
    section(0, str("mod")), // subsection 0: module name
    section(1, vec([[0, str("f")]])), // 1: function names
    section(2, vec([[0, vec([[0, str("x")], [2, str("y")]])]])), // 2: local names
  ];
  const m = decode(wasm(
    VOID_TYPE,
    section(3, vec([0])),
    section(0, str("before")),
    section(10, vec([body([], 0x0b)])),
    section(0, str("producers")),
    section(0, str("name"), names),
    section(0, str("after")),
  ));
  assert.ok(m.names);
  assert.equal(m.names.module, "mod");
  assert.equal(m.names.functions.get(0), "f");
  assert.deepEqual([...m.names.locals.get(0)!], [[0, "x"], [2, "y"]]);
  assert.equal(m.names.after, 10);
  assert.equal(m.names.position, 2); // after "before" and "producers"
  assert.deepEqual(m.customs.map((c) => [c.name, c.after]), [
    ["before", 3],
    ["producers", 10],
    ["after", 10],
  ]);
  // A malformed name section is not an error: it stays a custom section.
  const bad = decode(wasm(section(0, str("name"), 1, 9, 9)));
  assert.equal(bad.names, null);
  assert.deepEqual(bad.customs.map((c) => c.name), ["name"]);
});

Deno.test("decode: imports and exports of every kind", () => {
  const m = decode(wasm(
    VOID_TYPE,
    section(
      2,
      vec([
        [str("m"), str("f"), 0, 0],
        [str("m"), str("t"), 1, 0x70, 1, 1, 10],
        [str("m"), str("mem"), 2, 0, 1],
        [str("m"), str("g"), 3, 0x7e, 1],
      ]),
    ),
    section(7, vec([[str("f"), 0, 0], [str("t"), 1, 0], [str("mem"), 2, 0], [str("g"), 3, 0]])),
  ));
  assert.deepEqual(m.imports.map((i) => i.desc), [
    { kind: "func", type: 0 },
    { kind: "table", table: { min: 1, max: 10, element: ValType.funcref, index64: false } },
    { kind: "memory", memory: { min: 1, max: null, shared: false, index64: false } },
    { kind: "global", global: { type: ValType.i64, mutable: true } },
  ]);
  assert.deepEqual(m.exports.map((e) => [e.name, e.kind, e.index]), [
    ["f", "func", 0],
    ["t", "table", 0],
    ["mem", "memory", 0],
    ["g", "global", 0],
  ]);
  assertMalformed(wasm(section(2, vec([[str("m"), str("x"), 4, 0]]))), "malformed import kind", 15);
  assertMalformed(wasm(section(7, vec([[str("x"), 5, 0]]))), "malformed export kind", 13);
  assertMalformed(wasm(section(6, vec([[0x7f, 2, 0x41, 0, 0x0b]]))), "malformed mutability", 12);
});

Deno.test("decode: element segments keep their form", () => {
  const m = decode(wasm(
    VOID_TYPE,
    section(3, vec([0])),
    section(4, vec([[0x70, 0, 1]])),
    section(
      9,
      vec([
        [0, 0x41, 0, 0x0b, vec([0, 0])], // active, table 0, function indices
        [1, 0, vec([0])], // passive, elemkind, function indices
        [2, 0, 0x41, 1, 0x0b, 0, vec([0])], // active, explicit table
        [3, 0, vec([0])], // declarative
        [5, 0x70, vec([[0xd0, 0x70, 0x0b], [0xd2, 0, 0x0b]])], // passive expressions
        [6, 0, 0x41, 0, 0x0b, 0x6f, vec([[0xd0, 0x6f, 0x0b]])], // active expressions, externref
      ]),
    ),
    section(10, vec([body([], 0x0b)])),
  ));
  const forms = m.elems.map((e) => [e.mode, e.table, e.offset !== null, e.type, e.init.kind]);
  assert.deepEqual(forms, [
    ["active", 0, true, ValType.funcref, "funcs"],
    ["passive", 0, false, ValType.funcref, "funcs"],
    ["active", 0, true, ValType.funcref, "funcs"],
    ["declarative", 0, false, ValType.funcref, "funcs"],
    ["passive", 0, false, ValType.funcref, "exprs"],
    ["active", 0, true, ValType.externref, "exprs"],
  ]);
  const e0 = m.elems[0];
  assert.deepEqual(e0.init, { kind: "funcs", funcs: [0, 0] });
  assert.deepEqual([...e0.offset!.ops], [Op.i32_const, 0, Op.end]);
  const e4 = m.elems[4];
  assert.ok(e4.init.kind === "exprs");
  assert.deepEqual(e4.init.exprs.map((c) => [...c.ops]), [
    [Op.ref_null, HeapType.func, Op.end],
    [Op.ref_func, 0, Op.end],
  ]);
  assertMalformed(wasm(section(9, vec([[8]]))), "malformed elements segment kind", 11);
  assertMalformed(wasm(section(9, vec([[1, 1, vec([])]]))), "malformed element kind", 12);
  assertMalformed(wasm(section(9, vec([[5, 0x7f, vec([])]]))), "malformed reference type", 12);
});

Deno.test("decode: data segments and the data count", () => {
  const mem = section(5, vec([[0, 1]]));
  const m = decode(wasm(
    mem,
    section(12, 3),
    section(
      11,
      vec([[0, 0x41, 8, 0x0b, vec([1, 2])], [1, vec([3])], [2, 0, 0x41, 0, 0x0b, vec([])]]),
    ),
  ));
  assert.equal(m.dataCount, 3);
  assert.deepEqual(m.datas.map((d) => [d.mode, d.memory, d.offset?.ops[1] ?? null, [...d.bytes]]), [
    ["active", 0, 8, [1, 2]],
    ["passive", 0, null, [3]],
    ["active", 0, 0, []],
  ]);
  assertMalformed(
    wasm(mem, section(12, 2), section(11, vec([[1, vec([])]]))),
    "data count and data section have inconsistent lengths",
  );
  assertMalformed(
    wasm(mem, section(12, 1)),
    "data count and data section have inconsistent lengths",
  );
  assertMalformed(wasm(mem, section(11, vec([[3, vec([])]]))), "malformed data segment kind", 16);
});

Deno.test("decode: memory.init and data.drop need a data count section", () => {
  const use = [0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b]; // memory.init 0
  const mem = section(5, vec([[0, 1]]));
  const data = section(11, vec([[1, vec([])]]));
  const without = wasm(
    VOID_TYPE,
    section(3, vec([0])),
    mem,
    section(10, vec([body([], use)])),
    data,
  );
  assertMalformed(without, "data count section required", 34);
  const withCount = wasm(
    VOID_TYPE,
    section(3, vec([0])),
    mem,
    section(12, 1),
    section(10, vec([body([], use)])),
    data,
  );
  assert.equal(decode(withCount).funcs[0].body.ops[6], Op.memory_init);
});

Deno.test("decode: function and code sections must agree", () => {
  assertMalformed(
    wasm(VOID_TYPE, section(3, vec([0, 0]))),
    "function and code section have inconsistent lengths",
  );
  assertMalformed(
    wasm(section(10, vec([body([], 0x0b)]))),
    "function and code section have inconsistent lengths",
  );
});

Deno.test("decode: block structure", () => {
  // if … else … end
  const ok = decode(oneFunc([0x41, 1, 0x04, 0x40, 0x01, 0x05, 0x01, 0x0b, 0x0b]));
  assert.deepEqual([...ok.funcs[0].body.ops], [
    Op.i32_const,
    1,
    Op.if,
    BLOCK_EMPTY,
    Op.nop,
    Op.else,
    Op.nop,
    Op.end,
    Op.end,
  ]);
  // else in a block, a second else, else at function level
  assertMalformed(oneFunc([0x02, 0x40, 0x05, 0x0b, 0x0b]), "END opcode expected", 25);
  assertMalformed(
    oneFunc([0x41, 1, 0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b]),
    "END opcode expected",
    28,
  );
  assertMalformed(oneFunc([0x05, 0x0b]), "END opcode expected", 23);
  // A body that does not end where its size says.
  assertMalformed(
    wasm(VOID_TYPE, section(3, vec([0])), section(10, vec([[3, 0, 0x01, 0x0b, 0x0b]]))),
    "section size mismatch",
  );
  // A body cut short by the end of the module.
  assertMalformed(wasm(VOID_TYPE, section(3, vec([0])), [10, 4, 1, 2, 0, 0x01]), "unexpected end");
});

Deno.test("decode: immediates of every shape", () => {
  const code = [
    0x02,
    0x7f,
    0x41,
    0x00,
    0x0b,
    0x1a, // block (result i32) i32.const 0 end drop
    0x03,
    0x00,
    0x0b, // loop (type 0) end
    0x02,
    0x40,
    0x41,
    0,
    0x0e,
    2,
    0,
    1,
    0,
    0x0b, // block br_table 0 1 0 end
    0x42,
    0x80,
    0x80,
    0x80,
    0x80,
    0x10,
    0x1a, // i64.const 2^32 drop
    0x43,
    0x00,
    0x00,
    0x80,
    0x3f,
    0x1a, // f32.const 1 drop
    0x44,
    0,
    0,
    0,
    0,
    0,
    0,
    0xf0,
    0x3f,
    0x1a, // f64.const 1 drop
    0x41,
    0,
    0x41,
    0,
    0x41,
    1,
    0x1c,
    1,
    0x7f,
    0x1a, // select (result i32)
    0x41,
    0,
    0x28,
    0x02,
    0x80,
    0x01,
    0x1a, // i32.load offset=128 align=4
    0x3f,
    0x00,
    0x40,
    0x00,
    0x1a, // memory.size memory.grow drop
    0x41,
    0,
    0x41,
    0,
    0x41,
    0,
    0xfc,
    0x0a,
    0,
    0, // memory.copy
    0xfd,
    0x0c,
    ...Array.from({ length: 16 }, (_, i) => i), // v128.const
    0xfd,
    0x15,
    3,
    0x1a, // i8x16.extract_lane_s 3 drop
    0xd0,
    0x6f,
    0xd1,
    0x1a, // ref.null extern ref.is_null drop
    0x41,
    0,
    0x11,
    0,
    0, // call_indirect (type 0) table 0
    0x0b,
  ];
  const m = decode(oneFunc(code, [], section(4, vec([[0x70, 0, 1]])), section(5, vec([[0, 1]]))));
  const ops = [...m.funcs[0].body.ops];
  const expected = [
    Op.block,
    blockOfValType(ValType.i32),
    Op.i32_const,
    0,
    Op.end,
    Op.drop,
    Op.loop,
    0,
    Op.end,
    Op.block,
    BLOCK_EMPTY,
    Op.i32_const,
    0,
    Op.br_table,
    2,
    0,
    1,
    0,
    Op.end,
    Op.i64_const,
    0,
    1,
    Op.drop,
    Op.f32_const,
    0x3f80_0000,
    Op.drop,
    Op.f64_const,
    0,
    0x3ff0_0000,
    Op.drop,
    Op.i32_const,
    0,
    Op.i32_const,
    0,
    Op.i32_const,
    1,
    Op.select_t,
    1,
    ValType.i32,
    Op.drop,
    Op.i32_const,
    0,
    Op.i32_load,
    2,
    0,
    128,
    0,
    Op.drop,
    Op.memory_size,
    0,
    Op.memory_grow,
    0,
    Op.drop,
    Op.i32_const,
    0,
    Op.i32_const,
    0,
    Op.i32_const,
    0,
    Op.memory_copy,
    0,
    0,
    Op.v128_const,
    0x03020100,
    0x07060504,
    0x0b0a0908,
    0x0f0e0d0c,
    Op.i8x16_extract_lane_s,
    3,
    Op.drop,
    Op.ref_null,
    HeapType.extern,
    Op.ref_is_null,
    Op.drop,
    Op.i32_const,
    0,
    Op.call_indirect,
    0,
    0,
    Op.end,
  ];
  assert.deepEqual(ops, expected);
});

Deno.test("decode: malformed instructions", () => {
  assertMalformed(oneFunc([0x06, 0x0b]), "illegal opcode 06", 23);
  assertMalformed(oneFunc([0xfc, 0x20, 0x0b]), "illegal opcode fc 20", 23);
  assertMalformed(oneFunc([0xfd, 0xff, 0x07, 0x0b]), "illegal opcode fd 3ff", 23);
  assertMalformed(oneFunc([0x3f, 0x01, 0x1a, 0x0b]), "zero byte expected", 24);
  assertMalformed(oneFunc([0x41, 0, 0x28, 0x20, 0, 0x1a, 0x0b]), "malformed memop flags", 26);
  assertMalformed(oneFunc([0xd0, 0x7f, 0x0b]), "malformed reference type", 24);
  assertMalformed(oneFunc([0x02, 0x7a, 0x0b, 0x0b]), "malformed value type", 24);
  assertMalformed(oneFunc([0x41, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b]), "integer too large", 28);
});

Deno.test("decode: locals", () => {
  assertMalformed(oneFunc([0x0b], [[0xffff_ffff, 0x7f], [1, 0x7e]]), "too many locals");
  const m = decode(oneFunc([0x0b], [[0xffff_ffff, 0x7f]]));
  assert.equal(m.funcs[0].locals[0].count, 0xffff_ffff);
  assertMalformed(oneFunc([0x0b], [[1, 0x40]]), "malformed value type");
});

Deno.test("decode: a huge count fails fast without allocating", () => {
  const huge = u32(0xffff_ffff);
  const t0 = performance.now();
  assertMalformed(wasm(section(1, huge)), "length out of bounds", 10);
  assertMalformed(wasm(section(3, huge)), "length out of bounds", 10);
  assertMalformed(oneFunc([0x41, 0, 0x0e, ...huge]), "length out of bounds", 26);
  const localGroups = [7, ...huge, 0x0b]; // body size, then 2^32 - 1 local groups
  assertMalformed(
    wasm(VOID_TYPE, section(3, vec([0])), section(10, vec([localGroups]))),
    "length out of bounds",
    22,
  );
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test("decode: multi-value function types", () => {
  const m = decode(
    wasm(section(1, vec([[0x60, vec([0x7f, 0x7e]), vec([0x7d, 0x7c, 0x7b, 0x70, 0x6f])]]))),
  );
  assert.deepEqual(m.types[0], {
    final: true,
    supers: [],
    composite: {
      kind: "func",
      params: [ValType.i32, ValType.i64],
      results: [ValType.f32, ValType.f64, ValType.v128, ValType.funcref, ValType.externref],
    },
  });
  assert.deepEqual(m.recGroups, [{ start: 0, size: 1, explicit: false }]);
  assertMalformed(wasm(section(1, vec([[0x5f, 0]]))), "malformed function type", 11);
  assertMalformed(wasm(section(1, vec([[0xe0, 0x7f, 0, 0]]))), "integer representation too long");
});

Deno.test("decode: 3.0 forms only with wasm3", () => {
  const w3 = { wasm3: true };
  // rec group of a struct and an array, then a subtype of the struct
  const types = section(
    1,
    vec([
      [0x4e, vec([[0x5f, vec([[0x7f, 1], [0x78, 0]])], [0x5e, 0x63, 0x6e, 1]])],
      [0x50, vec([0]), 0x5f, vec([[0x7f, 1], [0x78, 0], [0x7e, 0]])],
    ]),
  );
  const m = decode(wasm(types), w3);
  assert.deepEqual(m.recGroups, [
    { start: 0, size: 2, explicit: true },
    { start: 2, size: 1, explicit: false },
  ]);
  assert.deepEqual(m.types[1].composite, {
    kind: "array",
    element: { type: refType(HeapType.any, true), packed: null, mutable: true },
  });
  assert.deepEqual(m.types[2].supers, [0]);
  assert.equal(m.types[2].final, false);
  assertMalformed(wasm(types), "malformed function type", 11); // 0x4e is not a 2.0 form
  // memory64 limits, tags, multi-memory memarg
  const m64 = decode(wasm(section(5, vec([[0x05, 1, 0x80, 0x80, 0x80, 0x80, 0x10]]))), w3);
  assert.deepEqual(m64.memories[0], { min: 1, max: 2 ** 32, shared: false, index64: true });
  assertMalformed(wasm(section(5, vec([[0x08, 1]]))), "integer too large");
  assertMalformed(wasm(section(5, vec([[0x08, 1]]))), "malformed limits flags", 11, w3);
  const tags = decode(wasm(VOID_TYPE, section(13, vec([[0, 0]]))), w3);
  assert.deepEqual(tags.tags, [{ type: 0 }]);
  const load = [0x41, 0, 0x28, 0x42, 1, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a, 0x0b]; // memory 1, offset 2^32
  const mm = decode(oneFunc(load, [], section(5, vec([[0, 1], [0, 1]]))), w3);
  assert.deepEqual([...mm.funcs[0].body.ops.subarray(2, 7)], [Op.i32_load, 2, 1, 0, 1]);
});

import assert from "node:assert/strict";
import { emptyModule } from "../module.ts";
import { BLOCK_EMPTY, blockOfValType, HeapType, ValType } from "../types.ts";
import {
  addFunc,
  addType,
  assertInvalid,
  assertValid,
  code,
  funcModule,
  type Instr,
} from "./_testing.ts";

const { i32, i64, f32, f64, v128, funcref, externref } = ValType;
const I32_BLOCK = blockOfValType(i32);

Deno.test("numeric instructions are typed from the opcode table", () => {
  assertValid(funcModule([], [i32], [["i32.const", 1], ["i32.const", 2], ["i32.add"]]));
  assertValid(funcModule([i64], [f64], [["local.get", 0], ["f64.convert_i64_s"]]));
  assertValid(funcModule([], [], [["nop"]]));
});

Deno.test("a wrong operand is a type mismatch at the consuming instruction", () => {
  const e = assertInvalid(
    funcModule([], [i32], [["i32.const", 1], ["i64.const", 2, 0], ["i32.add"]]),
    "type mismatch",
  );
  assert.match(e.message, /expected i32, got i64/);
  assert.equal(e.offset, 102);
});

Deno.test("popping an empty stack, leftovers and missing results are type mismatches", () => {
  assertInvalid(funcModule([], [], [["i32.eqz"], ["drop"]]), "type mismatch");
  assertInvalid(funcModule([], [], [["i32.const", 0]]), "type mismatch");
  assertInvalid(funcModule([], [i32], []), "type mismatch");
  assertInvalid(funcModule([], [i32, i32], [["i32.const", 0]]), "type mismatch");
  // Values of an enclosing block are not visible inside a nested one.
  const hidden = (op: string) =>
    assertInvalid(
      funcModule([], [], [["i32.const", 0], ["block", BLOCK_EMPTY], [op], ["drop"], ["end"], [
        "drop",
      ]]),
      "type mismatch",
    ).offset;
  assert.equal(hidden("i32.eqz"), 102);
  assert.equal(hidden("nop"), 103);
  assert.equal(hidden("ref.is_null"), 102);
});

Deno.test("after unreachable the stack is polymorphic, but only below what was pushed", () => {
  assertValid(funcModule([], [i32], [["unreachable"], ["i32.add"]]));
  assertValid(funcModule([], [f32], [["unreachable"]]));
  assertValid(funcModule([], [], [["unreachable"], ["select"], ["drop"]]));
  assertInvalid(
    funcModule([], [i32], [["unreachable"], ["i64.const", 0, 0], ["i32.add"]]),
    "type mismatch",
  );
  // Unknown operands of select take the type of the known one.
  assertInvalid(
    funcModule([], [i32], [["unreachable"], ["f32.const", 0], ["i32.const", 0], ["select"]]),
    "type mismatch",
  );
  // The polymorphism ends with the block.
  assertInvalid(
    funcModule([], [i32], [["block", I32_BLOCK], ["unreachable"], ["end"], ["i32.add"]]),
    "type mismatch",
  );
});

Deno.test("blocks, loops and branches use label types", () => {
  assertValid(
    funcModule([], [i32], [["block", I32_BLOCK], ["i32.const", 1], ["br", 0], ["end"]]),
  );
  // A loop's label takes its params, not its results.
  const m = emptyModule();
  const t = addType(m, [i32], [i64]);
  addFunc(m, [], [i64], [
    ["i32.const", 0],
    ["loop", t],
    ["br", 0],
    ["end"],
  ]);
  assertValid(m);
  const bad = emptyModule();
  const t2 = addType(bad, [i32], [i64]);
  addFunc(bad, [], [i64], [["i32.const", 0], ["loop", t2], ["drop"], ["i64.const", 0, 0], [
    "br",
    0,
  ], ["end"]]);
  assertInvalid(bad, "type mismatch");
  assertInvalid(funcModule([], [], [["br", 1]]), "unknown label");
  assertValid(funcModule([], [], [["br", 0]]));
  assertInvalid(funcModule([], [], [["block", 7], ["end"]]), "unknown type 7");
});

Deno.test("br_if keeps the label's values; return checks the function's results", () => {
  assertValid(
    funcModule([], [i32], [["block", I32_BLOCK], ["i32.const", 1], ["i32.const", 0], [
      "br_if",
      0,
    ], ["end"]]),
  );
  assertInvalid(
    funcModule([], [i32], [["block", I32_BLOCK], ["i32.const", 1], ["br_if", 0], ["end"]]),
    "type mismatch",
  );
  assertValid(funcModule([], [i32], [["i32.const", 1], ["return"]]));
  assertInvalid(funcModule([], [i32], [["f32.const", 1], ["return"]]), "type mismatch");
});

Deno.test("an if without else must leave its params as its results", () => {
  assertInvalid(
    funcModule([], [i32], [["i32.const", 1], ["if", I32_BLOCK], ["i32.const", 1], ["end"]]),
    "type mismatch",
  );
  assertValid(
    funcModule([], [i32], [
      ["i32.const", 1],
      ["if", I32_BLOCK],
      ["i32.const", 1],
      ["else"],
      ["i32.const", 2],
      ["end"],
    ]),
  );
  const m = emptyModule();
  const t = addType(m, [i32], [i32]);
  addFunc(m, [], [i32], [["i32.const", 5], ["i32.const", 1], ["if", t], ["end"]]);
  assertValid(m);
  assertInvalid(funcModule([], [], [["if", BLOCK_EMPTY], ["end"]]), "type mismatch");
});

Deno.test("br_table targets need one arity and matching types", () => {
  const twoBlocks = (inner: number, outer: number, tail: Instr[]) =>
    funcModule([], [], [
      ["block", outer],
      ["block", inner],
      ...tail,
      ["end"],
      ["drop"],
      ["end"],
    ]);
  assertInvalid(
    twoBlocks(BLOCK_EMPTY, I32_BLOCK, [["i32.const", 0], ["br_table", 1, 0, 1]]),
    "type mismatch",
  );
  assertValid(funcModule([], [], [["block", BLOCK_EMPTY], ["i32.const", 0], ["br_table", 1, 0, 0], [
    "end",
  ]]));
  // Under unreachable, labels of one arity but different types still check.
  assertValid(funcModule([], [], [
    ["block", blockOfValType(f32)],
    ["block", I32_BLOCK],
    ["unreachable"],
    ["br_table", 1, 0, 1],
    ["end"],
    ["drop"],
    ["f32.const", 0],
    ["end"],
    ["drop"],
  ]));
  assertInvalid(
    funcModule([], [], [["block", BLOCK_EMPTY], ["i32.const", 0], ["br_table", 1, 5, 0], ["end"]]),
    "unknown label",
  );
});

Deno.test("select: untyped on numbers only, typed with exactly one type", () => {
  assertValid(
    funcModule([], [f64], [["f64.const", 0, 0], ["f64.const", 0, 0], ["i32.const", 1], ["select"]]),
  );
  assertInvalid(
    funcModule([], [funcref], [
      ["ref.null", HeapType.func],
      ["ref.null", HeapType.func],
      ["i32.const", 1],
      ["select"],
    ]),
    "type mismatch",
  );
  assertValid(
    funcModule([], [funcref], [
      ["ref.null", HeapType.func],
      ["ref.null", HeapType.func],
      ["i32.const", 1],
      ["select_t", 1, funcref],
    ]),
  );
  assertInvalid(
    funcModule([], [], [["i32.const", 1], ["select_t", 0], ["drop"]]),
    "invalid result arity",
  );
});

Deno.test("locals: params first, then declared groups; unknown index", () => {
  assertValid(funcModule([i32], [f32], [["local.get", 1], ["local.tee", 1], ["local.set", 1], [
    "local.get",
    1,
  ]], [f32]));
  assertInvalid(funcModule([i32], [], [["local.get", 1], ["drop"]]), "unknown local 1");
  assertInvalid(funcModule([i32], [], [["f32.const", 0], ["local.set", 0]]), "type mismatch");
});

Deno.test("globals: unknown index, immutable ones cannot be set", () => {
  const m = funcModule([], [], [["i32.const", 0], ["global.set", 0]]);
  m.globals.push({ type: { type: i32, mutable: false }, init: code([["i32.const", 0], ["end"]]) });
  assertInvalid(m, "global is immutable");
  m.globals[0].type.mutable = true;
  assertValid(m);
  assertInvalid(funcModule([], [i32], [["global.get", 0]]), "unknown global 0");
});

Deno.test("memory instructions: memory exists, natural alignment, address type", () => {
  const load = (align: number) =>
    funcModule([], [i32], [["i32.const", 0], ["i32.load16_u", align, 0, 0, 0]]);
  assertInvalid(load(0), "unknown memory 0");
  const m = load(1);
  m.memories.push({ min: 1, max: null, shared: false, index64: false });
  assertValid(m);
  const over = load(2);
  over.memories.push({ min: 1, max: null, shared: false, index64: false });
  assertInvalid(over, "alignment must not be larger than natural");
  // memory64: the address is an i64, and so is memory.size.
  const m64 = funcModule([], [i64], [["i64.const", 0, 0], ["i64.load", 3, 0, 0, 0], [
    "memory.size",
    0,
  ], ["i64.add"]]);
  m64.memories.push({ min: 1, max: null, shared: false, index64: true });
  assertValid(m64);
  m64.memories[0].index64 = false;
  assertInvalid(m64, "type mismatch");
});

Deno.test("SIMD lane indices are bounded by the shape", () => {
  const extract = (key: "i8x16.extract_lane_s" | "f64x2.extract_lane", lane: number, t: number) =>
    funcModule([], [t], [["v128.const", 0, 0, 0, 0], [key, lane]]);
  assertValid(extract("i8x16.extract_lane_s", 15, i32));
  assertInvalid(extract("i8x16.extract_lane_s", 16, i32), "invalid lane index");
  assertInvalid(extract("f64x2.extract_lane", 2, f64), "invalid lane index");
  const shuffle = (last: number) =>
    funcModule([], [v128], [
      ["v128.const", 0, 0, 0, 0],
      ["v128.const", 0, 0, 0, 0],
      ["i8x16.shuffle", 0, 0, 0, last << 24],
    ]);
  assertValid(shuffle(31));
  assertInvalid(shuffle(32), "invalid lane index");
  const loadLane = (lane: number) => {
    const m = funcModule([], [v128], [
      ["i32.const", 0],
      ["v128.const", 0, 0, 0, 0],
      ["v128.load32_lane", 2, 0, 0, 0, lane],
    ]);
    m.memories.push({ min: 1, max: null, shared: false, index64: false });
    return m;
  };
  assertValid(loadLane(3));
  assertInvalid(loadLane(4), "invalid lane index");
});

Deno.test("calls check the callee's type", () => {
  const m = emptyModule();
  addFunc(m, [i32], [f32], [["f32.const", 0]]);
  addFunc(m, [], [f32], [["i32.const", 0], ["call", 0]]);
  assertValid(m);
  addFunc(m, [], [f32], [["i64.const", 0, 0], ["call", 0]]);
  assertInvalid(m, "type mismatch");
  assertInvalid(funcModule([], [], [["call", 3]]), "unknown function 3");
});

Deno.test("call_indirect needs a funcref table and a known type", () => {
  const m = funcModule([], [], [["i32.const", 0], ["call_indirect", 0, 0]]);
  assertInvalid(m, "unknown table 0");
  m.tables.push({ type: { min: 1, max: null, element: funcref, index64: false }, init: null });
  assertValid(m);
  m.tables[0].type.element = externref;
  assertInvalid(m, "type mismatch");
  assertInvalid(
    (() => {
      const n = funcModule([], [], [["i32.const", 0], ["call_indirect", 9, 0]]);
      n.tables.push({ type: { min: 1, max: null, element: funcref, index64: false }, init: null });
      return n;
    })(),
    "unknown type 9",
  );
});

Deno.test("ref.func needs a declared function; ref.is_null needs a reference", () => {
  const m = funcModule([], [funcref], [["ref.func", 0]]);
  assertInvalid(m, "undeclared function reference");
  m.exports.push({ name: "f", kind: "func", index: 0 });
  assertValid(m);
  assertValid(funcModule([], [i32], [["ref.null", HeapType.extern], ["ref.is_null"]]));
  assertInvalid(funcModule([], [i32], [["i32.const", 0], ["ref.is_null"]]), "type mismatch");
});

Deno.test("table instructions use the table's element type", () => {
  const m = funcModule([], [externref], [["i32.const", 0], ["table.get", 0]]);
  assertInvalid(m, "unknown table 0");
  m.tables.push({ type: { min: 1, max: null, element: externref, index64: false }, init: null });
  assertValid(m);
  m.tables[0].type.element = funcref;
  assertInvalid(m, "type mismatch");
  const grow = funcModule([], [i32], [["ref.null", HeapType.func], ["i32.const", 1], [
    "table.grow",
    0,
  ]]);
  grow.tables.push({ type: { min: 1, max: null, element: funcref, index64: false }, init: null });
  assertValid(grow);
});

Deno.test("bulk memory and table segments must exist", () => {
  const m = funcModule([], [], [["data.drop", 0]]);
  assertInvalid(m, "unknown data segment 0");
  m.datas.push({ mode: "passive", memory: 0, offset: null, bytes: new Uint8Array() });
  assertValid(m);
  const init = funcModule([], [], [["i32.const", 0], ["i32.const", 0], ["i32.const", 0], [
    "memory.init",
    0,
    0,
  ]]);
  assertInvalid(init, "unknown memory 0");
  init.memories.push({ min: 1, max: null, shared: false, index64: false });
  assertInvalid(init, "unknown data segment 0");
  assertInvalid(funcModule([], [], [["elem.drop", 4]]), "unknown elem segment 4");
  const copy = funcModule([], [], [["i32.const", 0], ["i32.const", 0], ["i32.const", 0], [
    "table.copy",
    0,
    1,
  ]]);
  copy.tables.push(
    { type: { min: 1, max: null, element: funcref, index64: false }, init: null },
    { type: { min: 1, max: null, element: externref, index64: false }, init: null },
  );
  assertInvalid(copy, "type mismatch");
  copy.tables[1].type.element = funcref;
  assertValid(copy);
});

Deno.test("the stacks are reused across functions without leaking state", () => {
  const m = emptyModule();
  // A deep first function grows both stacks; the second must start empty.
  const deep: Instr[] = [];
  for (let i = 0; i < 200; i++) deep.push(["block", I32_BLOCK]);
  for (let i = 0; i < 2000; i++) deep.push(["i32.const", i]);
  for (let i = 0; i < 1999; i++) deep.push(["i32.add"]);
  for (let i = 0; i < 200; i++) deep.push(["end"]);
  addFunc(m, [], [i32], deep);
  addFunc(m, [], [], [["unreachable"]]);
  addFunc(m, [], [], [["drop"]]);
  const e = assertInvalid(m, "type mismatch");
  assert.equal(e.offset, 100);
});

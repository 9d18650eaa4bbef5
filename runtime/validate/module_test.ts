import { emptyModule, type MemoryType, type Module } from "../module.ts";
import { HeapType, ValType } from "../types.ts";
import { addFunc, addType, assertInvalid, assertValid, code } from "./_testing.ts";

const { i32, i64, f32, funcref, externref } = ValType;

function memory(min: number, max: number | null): MemoryType {
  return { min, max, shared: false, index64: false };
}

function withGlobal(m: Module, type: ValType, init: Parameters<typeof code>[0]): Module {
  m.globals.push({ type: { type, mutable: false }, init: code([...init, ["end"]]) });
  return m;
}

function importGlobal(m: Module, type: ValType, mutable: boolean): void {
  m.imports.push({ module: "m", name: "g", desc: { kind: "global", global: { type, mutable } } });
}

Deno.test("an empty module is valid", () => {
  assertValid(emptyModule());
});

Deno.test("type indices of functions and imports must exist", () => {
  const m = emptyModule();
  m.funcs.push({ type: 2, locals: [], body: code([["end"]]), offset: 0 });
  assertInvalid(m, "unknown type 2");
  const imp = emptyModule();
  imp.imports.push({ module: "m", name: "f", desc: { kind: "func", type: 0 } });
  assertInvalid(imp, "unknown type 0");
  addType(imp, [], []);
  assertValid(imp);
});

Deno.test("memory limits: at most 65536 pages, min not above max, one memory", () => {
  const m = emptyModule();
  m.memories.push(memory(65536, 65536));
  assertValid(m);
  m.memories[0] = memory(65537, null);
  assertInvalid(m, "memory size must be at most 65536 pages (4GiB)");
  m.memories[0] = memory(0, 65537);
  assertInvalid(m, "memory size must be at most 65536 pages (4GiB)");
  m.memories[0] = memory(2, 1);
  assertInvalid(m, "size minimum must not be greater than maximum");
  m.memories[0] = memory(1, 2);
  m.imports.push({ module: "m", name: "mem", desc: { kind: "memory", memory: memory(0, null) } });
  assertInvalid(m, "multiple memories");
});

Deno.test("table limits: min not above max; several tables are fine", () => {
  const m = emptyModule();
  const table = (min: number, max: number | null) => ({
    type: { min, max, element: funcref, index64: false },
    init: null,
  });
  m.tables.push(table(1, 2), table(0, 0xffff_ffff));
  assertValid(m);
  m.tables.push(table(3, 2));
  assertInvalid(m, "size minimum must not be greater than maximum");
});

Deno.test("global initialisers are constant expressions of the global's type", () => {
  assertValid(withGlobal(emptyModule(), i32, [["i32.const", 1]]));
  assertInvalid(withGlobal(emptyModule(), i32, [["i64.const", 1, 0]]), "type mismatch");
  assertInvalid(withGlobal(emptyModule(), i32, []), "type mismatch");
  assertInvalid(
    withGlobal(emptyModule(), i32, [["i32.const", 0], ["i32.const", 0]]),
    "type mismatch",
  );
  assertInvalid(
    withGlobal(emptyModule(), i32, [["i32.const", 0], ["i32.const", 0], ["i32.add"]]),
    "constant expression required",
  );
  assertInvalid(
    withGlobal(emptyModule(), i32, [["nop"], ["i32.const", 0]]),
    "constant expression required",
  );
  assertValid(withGlobal(emptyModule(), externref, [["ref.null", HeapType.extern]]));
  assertInvalid(
    withGlobal(emptyModule(), funcref, [["ref.null", HeapType.extern]]),
    "type mismatch",
  );
});

Deno.test("global.get in constant expressions sees imported immutable globals only", () => {
  const m = emptyModule();
  importGlobal(m, i32, false);
  withGlobal(m, i32, [["global.get", 0]]);
  assertValid(m);
  // A module-defined global is not in the constant expressions' context.
  withGlobal(m, i32, [["global.get", 1]]);
  assertInvalid(m, "unknown global 1");
  const mut = emptyModule();
  importGlobal(mut, i32, true);
  withGlobal(mut, i32, [["global.get", 0]]);
  assertInvalid(mut, "constant expression required");
  const wrongType = emptyModule();
  importGlobal(wrongType, f32, false);
  withGlobal(wrongType, i32, [["global.get", 0]]);
  assertInvalid(wrongType, "type mismatch");
});

Deno.test("ref.func in a constant expression needs an existing function and declares it", () => {
  const m = emptyModule();
  withGlobal(m, funcref, [["ref.func", 0]]);
  assertInvalid(m, "unknown function 0");
  addFunc(m, [], [funcref], [["ref.func", 0]]);
  assertValid(m);
});

Deno.test("element segments: table, offset, element types, function indices", () => {
  const m = emptyModule();
  addFunc(m, [], [], []);
  m.elems.push({
    mode: "active",
    table: 0,
    offset: code([["i32.const", 0], ["end"]]),
    type: funcref,
    init: { kind: "funcs", funcs: [0] },
  });
  assertInvalid(m, "unknown table 0");
  m.tables.push({ type: { min: 1, max: null, element: funcref, index64: false }, init: null });
  assertValid(m);
  m.elems[0].offset = code([["i64.const", 0, 0], ["end"]]);
  assertInvalid(m, "type mismatch");
  m.elems[0].offset = code([["i32.const", 0], ["end"]]);
  m.elems[0].init = { kind: "funcs", funcs: [0, 1] };
  assertInvalid(m, "unknown function 1");
  m.elems[0].init = { kind: "exprs", exprs: [code([["ref.null", HeapType.extern], ["end"]])] };
  assertInvalid(m, "type mismatch");
  m.tables[0].type.element = externref;
  m.elems[0].type = externref;
  assertValid(m);
  m.elems[0].mode = "declarative";
  m.elems[0].type = funcref;
  m.elems[0].init = { kind: "exprs", exprs: [code([["ref.func", 0], ["end"]])] };
  assertValid(m);
});

Deno.test("data segments: memory exists and the offset has its address type", () => {
  const m = emptyModule();
  m.datas.push({
    mode: "active",
    memory: 0,
    offset: code([["i32.const", 0], ["end"]]),
    bytes: new Uint8Array(1),
  });
  assertInvalid(m, "unknown memory 0");
  m.memories.push(memory(1, null));
  assertValid(m);
  m.datas[0].offset = code([["i64.const", 0, 0], ["end"]]);
  assertInvalid(m, "type mismatch");
  m.memories[0].index64 = true;
  assertValid(m);
});

Deno.test("the start function exists and has type [] -> []", () => {
  const m = emptyModule();
  m.start = 0;
  assertInvalid(m, "unknown function 0");
  addFunc(m, [i32], [], []);
  assertInvalid(m, "start function");
  m.funcs[0].type = addType(m, [], []);
  assertValid(m);
});

Deno.test("exports name existing items, each name once", () => {
  const m = emptyModule();
  addFunc(m, [], [i64], [["i64.const", 0, 0]]);
  m.exports.push({ name: "a", kind: "func", index: 0 });
  m.exports.push({ name: "b", kind: "func", index: 0 });
  assertValid(m);
  m.exports.push({ name: "c", kind: "global", index: 0 });
  assertInvalid(m, "unknown global 0");
  m.exports[2] = { name: "a", kind: "memory", index: 0 };
  m.memories.push(memory(0, null));
  assertInvalid(m, "duplicate export name");
  m.exports[2] = { name: "c", kind: "table", index: 0 };
  assertInvalid(m, "unknown table 0");
});

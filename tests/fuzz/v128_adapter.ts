/**
 * v128 across the JS API: a function whose signature has a v128 cannot be
 * called from JavaScript, nor can JavaScript be called with one (either call
 * throws a TypeError on every executor), so the differential fuzzer would
 * learn nothing from it. {@linkcode adaptV128} adds, for each such exported
 * function, an adapter function that takes each v128 parameter as four i32
 * lanes and returns each v128 result as four i32 lanes, and points the export
 * at the adapter; and for each such imported function (binaryen's `log-v128`)
 * it changes the import to take lanes and routes every use through a shim
 * that splits its v128 arguments. Every executor then runs the same adapted
 * module and their lanes compare like any other i32 values.
 *
 * @module
 */
import { CodeBuilder } from "../../runtime/code.ts";
import { funcTypeIndices, type Module } from "../../runtime/module.ts";
import { renumberFuncs } from "./func_refs.ts";
import { Op } from "../../runtime/opcodes.ts";
import { ValType } from "../../runtime/types.ts";

const LANES = 4;

/** `ts` with every v128 replaced by four i32s. */
function widen(ts: readonly number[]): number[] {
  return ts.flatMap((t) => t === ValType.v128 ? new Array(LANES).fill(ValType.i32) : [t]);
}

/** The index of a final, standalone function type `params -> results` in `m`, added if needed. */
function typeIndex(m: Module, params: number[], results: number[]): number {
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((t, i) => t === b[i]);
  const found = m.types.findIndex((t, i) =>
    t.composite.kind === "func" && same(t.composite.params, params) &&
    same(t.composite.results, results) && t.final && t.supers.length === 0 &&
    m.recGroups.every((g) => i < g.start || i >= g.start + g.size || g.size === 1)
  );
  if (found >= 0) return found;
  const index = m.types.length;
  m.types.push({ final: true, supers: [], composite: { kind: "func", params, results } });
  if (m.recGroups.length > 0) m.recGroups.push({ start: index, size: 1, explicit: false });
  return index;
}

/** The adapter's body: rebuild each v128 argument from its lanes, call, split each v128 result. */
function adapterBody(target: number, params: readonly number[], results: readonly number[]) {
  const code = new CodeBuilder();
  let local = 0;
  for (const t of params) {
    if (t !== ValType.v128) {
      code.op(Op.local_get);
      code.word(local++);
      continue;
    }
    code.op(Op.local_get);
    code.word(local++);
    code.op(Op.i32x4_splat);
    for (let lane = 1; lane < LANES; lane++) {
      code.op(Op.local_get);
      code.word(local++);
      code.op(Op.i32x4_replace_lane);
      code.word(lane);
    }
  }
  code.op(Op.call);
  code.word(target);
  // The results are on the stack in order: park them in locals (the last on top), then push
  // them back, each v128 as its four lanes.
  const first = local;
  for (let i = results.length - 1; i >= 0; i--) {
    code.op(Op.local_set);
    code.word(first + i);
  }
  for (let i = 0; i < results.length; i++) {
    if (results[i] !== ValType.v128) {
      code.op(Op.local_get);
      code.word(first + i);
      continue;
    }
    for (let lane = 0; lane < LANES; lane++) {
      code.op(Op.local_get);
      code.word(first + i);
      code.op(Op.i32x4_extract_lane);
      code.word(lane);
    }
  }
  code.op(Op.end);
  return code.finish();
}

/** A shim of the import's original type passing each v128 argument on as four lanes. */
function shimBody(target: number, params: readonly number[]) {
  const code = new CodeBuilder();
  params.forEach((t, local) => {
    for (let lane = 0; lane < (t === ValType.v128 ? LANES : 1); lane++) {
      code.op(Op.local_get);
      code.word(local);
      if (t !== ValType.v128) continue;
      code.op(Op.i32x4_extract_lane);
      code.word(lane);
    }
  });
  code.op(Op.call);
  code.word(target);
  code.op(Op.end);
  return code.finish();
}

/** How many exports and imports {@linkcode adaptV128} adapted. */
export interface Adapted {
  /** Exported functions now taking and returning lanes. */
  exports: number;
  /** Imported functions now taking lanes. */
  imports: number;
}

/**
 * Adapts the v128 exports and imports of `m` (see the module docs), in
 * place. Imports returning a v128 are left alone (JS cannot make one).
 */
export function adaptV128(m: Module): Adapted {
  // Imports first: an export of an adapted import then points at its shim, which gets an adapter.
  const imports = adaptImports(m);
  return { imports, exports: adaptExports(m) };
}

function adaptImports(m: Module): number {
  let index = -1, adapted = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind !== "func") continue;
    index++;
    const type = m.types[imp.desc.type].composite;
    if (type.kind !== "func" || !type.params.includes(ValType.v128)) continue;
    if (type.results.includes(ValType.v128)) continue;
    const shim = funcTypeIndices(m).length;
    const target = index;
    renumberFuncs(m, (f) => f === target ? shim : f);
    m.funcs.push({
      type: imp.desc.type,
      locals: [],
      body: shimBody(target, type.params),
      offset: 0,
    });
    imp.desc = { kind: "func", type: typeIndex(m, widen(type.params), type.results) };
    adapted++;
  }
  return adapted;
}

/** Points every v128 export of `m` at a lane adapter; returns how many. */
function adaptExports(m: Module): number {
  const types = funcTypeIndices(m);
  const adapters = new Map<number, number>();
  let adapted = 0;
  for (const e of m.exports) {
    if (e.kind !== "func") continue;
    const type = m.types[types[e.index]].composite;
    if (type.kind !== "func") continue;
    if (!type.params.includes(ValType.v128) && !type.results.includes(ValType.v128)) continue;
    let adapter = adapters.get(e.index);
    if (adapter === undefined) {
      adapter = types.length + adapters.size;
      adapters.set(e.index, adapter);
      m.funcs.push({
        type: typeIndex(m, widen(type.params), widen(type.results)),
        locals: type.results.map((t) => ({ count: 1, type: t })),
        body: adapterBody(e.index, type.params, type.results),
        offset: 0,
      });
    }
    e.index = adapter;
    adapted++;
  }
  return adapted;
}

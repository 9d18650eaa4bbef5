/**
 * Exact-bits entry points for `Instance.invoke`: the JS API turns floats into
 * JS numbers (an f32 signalling NaN comes back quiet) and cannot pass `v128`
 * at all, so the guard pass adds, beside every export whose signature has
 * floats or vectors, a wrapper that takes and returns their bits instead:
 *
 * ```text
 *   f32 ↔ i32 (reinterpret)   f64 ↔ i64 (reinterpret)   v128 ↔ 4 × i32 (lanes 0…3)
 * ```
 *
 * Exported float and vector globals get a getter of the same kind. Wrappers
 * are exported as `RAW_EXPORT_PREFIX + name`, getters as
 * `GET_EXPORT_PREFIX + name`.
 *
 * @module
 */

import type { CodeArena } from "./arena.ts";
import type { Func, LocalGroup, Module } from "../module.ts";
import { funcTypeAt, funcTypeIndices, globalTypes } from "../module.ts";
import { Op } from "../opcodes.ts";
import { ValType } from "../types.ts";
import { GET_EXPORT_PREFIX, RAW_EXPORT_PREFIX } from "./layout.ts";
import type { TypeTable } from "./types.ts";

/** Whether a value of type `t` cannot cross the JS API with its exact bits. */
export function needsBits(t: ValType): boolean {
  return t === ValType.f32 || t === ValType.f64 || t === ValType.v128;
}

/** The types `t` travels as in a raw wrapper's signature. */
export function bitsTypes(t: ValType): ValType[] {
  switch (t) {
    case ValType.f32:
      return [ValType.i32];
    case ValType.f64:
      return [ValType.i64];
    case ValType.v128:
      return [ValType.i32, ValType.i32, ValType.i32, ValType.i32];
    default:
      return [t];
  }
}

/**
 * Appends the wrappers and getters for the exports of `source` to `out` (its
 * guarded copy, whose exports start with the original ones in order).
 */
export function addRawWrappers(
  out: Module,
  source: Module,
  types: TypeTable,
  arena: CodeArena,
): void {
  const funcTypes = funcTypeIndices(source);
  const globals = globalTypes(source);
  const importedFuncs = out.imports.filter((i) => i.desc.kind === "func").length;
  source.exports.forEach((e, i) => {
    if (e.kind === "func") {
      const type = funcTypeAt(source, funcTypes[e.index])!;
      if (!type.params.some(needsBits) && !type.results.some(needsBits)) return;
      const index = importedFuncs + out.funcs.length;
      out.funcs.push(wrapper(e.index, type.params, type.results, types, arena));
      out.exports.push({ name: RAW_EXPORT_PREFIX + e.name, kind: "func", index });
    } else if (e.kind === "global") {
      const t = globals[e.index].type;
      if (!needsBits(t)) return;
      const index = importedFuncs + out.funcs.length;
      out.funcs.push(getter(out.exports[i].index, t, types, arena));
      out.exports.push({ name: GET_EXPORT_PREFIX + e.name, kind: "func", index });
    }
  });
}

/** Pushes the bits of the value on the stack in place of the value (`v128` needs it in local `tmp`). */
function toBits(b: CodeArena, t: ValType, load: () => void): void {
  switch (t) {
    case ValType.f32:
      load();
      b.op(Op.i32_reinterpret_f32);
      break;
    case ValType.f64:
      load();
      b.op(Op.i64_reinterpret_f64);
      break;
    case ValType.v128:
      for (let lane = 0; lane < 4; lane++) {
        load();
        b.op(Op.i32x4_extract_lane);
        b.word(lane);
      }
      break;
    default:
      load();
  }
}

/** The wrapper of function `callee` of type `params → results`. */
function wrapper(
  callee: number,
  params: readonly ValType[],
  results: readonly ValType[],
  types: TypeTable,
  b: CodeArena,
): Func {
  let local = 0;
  for (const t of params) {
    b.op(Op.local_get);
    b.word(local++);
    if (t === ValType.f32) b.op(Op.f32_reinterpret_i32);
    else if (t === ValType.f64) b.op(Op.f64_reinterpret_i64);
    else if (t === ValType.v128) {
      b.op(Op.i32x4_splat);
      for (let lane = 1; lane < 4; lane++) {
        b.op(Op.local_get);
        b.word(local++);
        b.op(Op.i32x4_replace_lane);
        b.word(lane);
      }
    }
  }
  b.op(Op.call);
  b.word(callee);
  // Results: park them in locals (last on top of the stack first), then push their bits in order.
  const locals: LocalGroup[] = [];
  if (results.some(needsBits)) {
    const first = local;
    for (const t of results) locals.push({ count: 1, type: t });
    for (let i = results.length - 1; i >= 0; i--) {
      b.op(Op.local_set);
      b.word(first + i);
    }
    results.forEach((t, i) =>
      toBits(b, t, () => {
        b.op(Op.local_get);
        b.word(first + i);
      })
    );
  }
  b.op(Op.end);
  const type = types.intern(params.flatMap(bitsTypes), results.flatMap(bitsTypes));
  return { type, locals, body: b.finish(), offset: 0 };
}

/** The getter of global `global` (an index of the guarded module) of type `t`. */
function getter(global: number, t: ValType, types: TypeTable, b: CodeArena): Func {
  toBits(b, t, () => {
    b.op(Op.global_get);
    b.word(global);
  });
  b.op(Op.end);
  return { type: types.intern([], bitsTypes(t)), locals: [], body: b.finish(), offset: 0 };
}

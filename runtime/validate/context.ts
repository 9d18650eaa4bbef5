/**
 * The validation context `C` of the spec: the types of every index space,
 * flattened once per module into typed arrays so that the body validator's
 * lookups are array reads, never walks over `Module.imports`.
 *
 * @module
 */

import { InvalidError } from "../errors.ts";
import type { Module } from "../module.ts";
import { ValType } from "../types.ts";

/** Sentinel in {@linkcode Context.typeParams} for type indices that are not function types. */
const NO_TYPES: readonly ValType[] = Object.freeze([]);

/** The spec's context `C`, for one module. */
export interface Context {
  /** The module being validated. */
  readonly module: Module;
  /** Params of each type index (empty for non-function types). */
  readonly typeParams: readonly (readonly ValType[])[];
  /** Results of each type index (empty for non-function types). */
  readonly typeResults: readonly (readonly ValType[])[];
  /** Whether each type index is a function type. */
  readonly isFuncType: Uint8Array;
  /** Type index of each function (imports first). */
  readonly funcTypes: Int32Array;
  /** Element type of each table. */
  readonly tableElem: Int32Array;
  /** Address type of each table (i32, or i64 for table64). */
  readonly tableAddr: Int32Array;
  /** Address type of each memory (i32, or i64 for memory64). */
  readonly memAddr: Int32Array;
  /** Value type of each global. */
  readonly globalType: Int32Array;
  /** 1 for mutable globals. */
  readonly globalMut: Uint8Array;
  /** How many globals are imported (constant expressions see only these). */
  readonly importedGlobals: number;
  /** Reference type of each element segment. */
  readonly elemType: Int32Array;
  /** Number of data segments. */
  readonly dataCount: number;
  /**
   * `C.refs`: 1 for functions declared outside function bodies (in element
   * segments, exports, global initialisers), which `ref.func` may name.
   * Filled by the module validator before bodies are checked.
   */
  readonly refs: Uint8Array;
}

/** Throws the validation error `phrase` (offset unknown; callers with one add it). */
export function invalid(phrase: string, offset = -1): never {
  throw new InvalidError(phrase, offset);
}

/** Builds the context of `m`. Checks nothing but what is needed to build it. */
export function buildContext(m: Module): Context {
  const typeParams: (readonly ValType[])[] = [];
  const typeResults: (readonly ValType[])[] = [];
  const isFuncType = new Uint8Array(m.types.length);
  m.types.forEach((t, i) => {
    const c = t.composite;
    if (c.kind === "func") {
      typeParams.push(c.params);
      typeResults.push(c.results);
      isFuncType[i] = 1;
    } else {
      typeParams.push(NO_TYPES);
      typeResults.push(NO_TYPES);
    }
  });

  const funcs: number[] = [];
  const tableElem: number[] = [];
  const tableAddr: number[] = [];
  const memAddr: number[] = [];
  const globalType: number[] = [];
  const globalMut: number[] = [];
  for (const imp of m.imports) {
    const d = imp.desc;
    switch (d.kind) {
      case "func":
        funcs.push(d.type);
        break;
      case "table":
        tableElem.push(d.table.element);
        tableAddr.push(d.table.index64 ? ValType.i64 : ValType.i32);
        break;
      case "memory":
        memAddr.push(d.memory.index64 ? ValType.i64 : ValType.i32);
        break;
      case "global":
        globalType.push(d.global.type);
        globalMut.push(d.global.mutable ? 1 : 0);
        break;
      case "tag":
        break;
    }
  }
  const importedGlobals = globalType.length;
  for (const f of m.funcs) funcs.push(f.type);
  for (const t of m.tables) {
    tableElem.push(t.type.element);
    tableAddr.push(t.type.index64 ? ValType.i64 : ValType.i32);
  }
  for (const mem of m.memories) memAddr.push(mem.index64 ? ValType.i64 : ValType.i32);
  for (const g of m.globals) {
    globalType.push(g.type.type);
    globalMut.push(g.type.mutable ? 1 : 0);
  }

  return {
    module: m,
    typeParams,
    typeResults,
    isFuncType,
    funcTypes: Int32Array.from(funcs),
    tableElem: Int32Array.from(tableElem),
    tableAddr: Int32Array.from(tableAddr),
    memAddr: Int32Array.from(memAddr),
    globalType: Int32Array.from(globalType),
    globalMut: Uint8Array.from(globalMut),
    importedGlobals,
    elemType: Int32Array.from(m.elems, (e) => e.type),
    dataCount: m.datas.length,
    refs: new Uint8Array(funcs.length),
  };
}

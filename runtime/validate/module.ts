/**
 * Module-level validation rules (spec "Validation › Modules"): type indices,
 * imports, limits of tables and memories, globals, element and data segments,
 * the start function, exports, the one-memory rule of 2.0, and the `C.refs`
 * set that `ref.func` in function bodies is checked against. Function bodies
 * are handed to `func.ts`, constant expressions to `const_expr.ts`.
 *
 * Checks run in the reference interpreter's order, so a module with several
 * faults reports the one the spec suite expects.
 *
 * @module
 */

import type { Limits, MemoryType, Module, TableType } from "../module.ts";
import { ValType } from "../types.ts";
import { buildContext, type Context, invalid } from "./context.ts";
import { forEachRefFunc, validateConstExpr } from "./const_expr.ts";
import { FuncValidator } from "./func.ts";

/** Pages of a 32-bit memory: 4 GiB. */
const MAX_PAGES_32 = 0x1_0000;
/** Pages of a 64-bit memory: 2^64 bytes. */
const MAX_PAGES_64 = 2 ** 48;
/** Elements of a table. */
const MAX_TABLE_32 = 0xffff_ffff;

function checkLimits(l: Limits, range: number, rangePhrase: string): void {
  if (l.min > range) invalid(rangePhrase);
  if (l.max !== null) {
    if (l.max > range) invalid(rangePhrase);
    if (l.min > l.max) invalid("size minimum must not be greater than maximum");
  }
}

function checkTableType(t: TableType): void {
  checkLimits(
    t,
    t.index64 ? Number.MAX_SAFE_INTEGER : MAX_TABLE_32,
    "table size must be at most 2^32-1",
  );
}

function checkMemoryType(t: MemoryType): void {
  if (t.index64) {
    checkLimits(t, MAX_PAGES_64, "memory size must be at most 2^48 pages");
  } else {
    checkLimits(t, MAX_PAGES_32, "memory size must be at most 65536 pages (4GiB)");
  }
  if (t.shared && t.max === null) invalid("shared memory must have maximum");
}

function checkFuncTypeIndex(ctx: Context, index: number): void {
  if (index >>> 0 >= ctx.isFuncType.length || ctx.isFuncType[index] === 0) {
    invalid(`unknown type ${index >>> 0}`);
  }
}

/**
 * Fills `ctx.refs` (`C.refs`): functions named by exports, element segments
 * and global initialisers. Out-of-range indices are left for the rules that
 * report them.
 */
function declareRefs(ctx: Context): void {
  const m = ctx.module;
  const refs = ctx.refs;
  const declare = (f: number) => {
    if (f >>> 0 < refs.length) refs[f] = 1;
  };
  for (const e of m.exports) if (e.kind === "func") declare(e.index);
  for (const g of m.globals) forEachRefFunc(g.init, declare);
  for (const e of m.elems) {
    if (e.init.kind === "funcs") e.init.funcs.forEach(declare);
    else for (const x of e.init.exprs) forEachRefFunc(x, declare);
  }
}

function checkImports(ctx: Context): void {
  for (const imp of ctx.module.imports) {
    const d = imp.desc;
    switch (d.kind) {
      case "func":
      case "tag":
        checkFuncTypeIndex(ctx, d.type);
        break;
      case "table":
        checkTableType(d.table);
        break;
      case "memory":
        checkMemoryType(d.memory);
        break;
      case "global":
        break;
    }
  }
}

function checkElems(ctx: Context): void {
  const funcCount = ctx.funcTypes.length;
  for (const e of ctx.module.elems) {
    if (e.init.kind === "funcs") {
      for (const f of e.init.funcs) {
        if (f >>> 0 >= funcCount) invalid(`unknown function ${f >>> 0}`);
      }
      if (e.type !== ValType.funcref) {
        invalid("type mismatch: function indices in a non-funcref segment");
      }
    } else {
      for (const x of e.init.exprs) validateConstExpr(ctx, x, e.type);
    }
    if (e.mode === "active") {
      if (e.table >>> 0 >= ctx.tableElem.length) invalid(`unknown table ${e.table >>> 0}`);
      if (e.offset === null) invalid("type mismatch: active segment without offset");
      validateConstExpr(ctx, e.offset, ctx.tableAddr[e.table]);
      if (ctx.tableElem[e.table] !== e.type) {
        invalid("type mismatch: segment and table types differ");
      }
    }
  }
}

function checkDatas(ctx: Context): void {
  for (const d of ctx.module.datas) {
    if (d.mode !== "active") continue;
    if (d.memory >>> 0 >= ctx.memAddr.length) invalid(`unknown memory ${d.memory >>> 0}`);
    if (d.offset === null) invalid("type mismatch: active segment without offset");
    validateConstExpr(ctx, d.offset, ctx.memAddr[d.memory]);
  }
}

function checkStart(ctx: Context, start: number): void {
  if (start >>> 0 >= ctx.funcTypes.length) invalid(`unknown function ${start >>> 0}`);
  const t = ctx.funcTypes[start];
  if (ctx.typeParams[t].length !== 0 || ctx.typeResults[t].length !== 0) {
    invalid("start function must have type [] -> []");
  }
}

function checkExports(ctx: Context): void {
  const m = ctx.module;
  const counts = {
    func: ctx.funcTypes.length,
    table: ctx.tableElem.length,
    memory: ctx.memAddr.length,
    global: ctx.globalType.length,
    tag: m.tags.length + m.imports.filter((i) => i.desc.kind === "tag").length,
  };
  const names = new Set<string>();
  for (const e of m.exports) {
    if (e.index >>> 0 >= counts[e.kind]) {
      invalid(`unknown ${e.kind === "func" ? "function" : e.kind} ${e.index >>> 0}`);
    }
    if (names.has(e.name)) invalid(`duplicate export name "${e.name}"`);
    names.add(e.name);
  }
}

/**
 * Validates every rule of the module `m` (WebAssembly 2.0); throws
 * `InvalidError`. `exactOnly` turns off the body validator's fast paths
 * (tests compare both).
 */
export function validateModule(m: Module, exactOnly = false): void {
  const ctx = buildContext(m);
  checkImports(ctx);
  for (const f of m.funcs) checkFuncTypeIndex(ctx, f.type);
  for (const t of m.tags) checkFuncTypeIndex(ctx, t.type);
  declareRefs(ctx);
  for (const g of m.globals) validateConstExpr(ctx, g.init, g.type.type);
  for (const t of m.tables) {
    checkTableType(t.type);
    if (t.init !== null) validateConstExpr(ctx, t.init, t.type.element);
  }
  for (const mem of m.memories) checkMemoryType(mem);
  checkElems(ctx);
  checkDatas(ctx);
  const bodies = new FuncValidator(ctx, exactOnly);
  for (const f of m.funcs) bodies.validateFunc(f);
  if (m.start !== null) checkStart(ctx, m.start);
  checkExports(ctx);
  if (ctx.memAddr.length > 1) invalid("multiple memories are not allowed in WebAssembly 2.0");
}

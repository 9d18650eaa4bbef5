/**
 * Name resolution: the index spaces of a module with their `$id` bindings,
 * the type section with the spec's rule for inline type uses, and the parsers
 * of value types and type uses that depend on them.
 *
 * Identifiers are symbols (interned by the lexer), so every binding is an
 * integer-keyed map. A symbolic reference to an unbound identifier is a
 * parse error ("unknown type $t", "unknown label $l"); a *numeric* index out
 * of range is left for the validator, which the suite expects to report it
 * ("unknown function 7" is an `assert_invalid` case, not a malformed one).
 *
 * @module
 */

import { type FuncType, type Module, type SubType } from "../module.ts";
import { BLOCK_EMPTY, blockOfValType, type BlockType, HeapType, ValType } from "../types.ts";
import type { Cursor } from "./cursor.ts";
import { KW } from "./keywords.ts";
import { Tok } from "./lexer.ts";

/** One index space: a counter and the identifiers bound in it. */
export class Space {
  /** Symbol → index. */
  readonly ids: Map<number, number> = new Map();
  /** Items so far. */
  count = 0;
  /** The word in "duplicate func". */
  readonly kind: string;
  /** The phrase for an unbound identifier, e.g. "unknown function". */
  readonly unknown: string;

  /** A space whose errors read "duplicate `kind`" and "`unknown` $x". */
  constructor(kind: string, unknown: string) {
    this.kind = kind;
    this.unknown = unknown;
  }

  /** Adds the next item, binding symbol `sym` (-1: none) to it; `tok` is for errors. */
  add(c: Cursor, sym: number, tok: number): number {
    const index = this.count++;
    if (sym >= 0) {
      if (this.ids.has(sym)) c.fail(`duplicate ${this.kind} ${c.toks.symbols.text(sym)}`, tok);
      this.ids.set(sym, index);
    }
    return index;
  }

  /** Consumes an index: an identifier bound here, or a natural number. */
  index(c: Cursor): number {
    if (c.kind[c.pos] === Tok.id) {
      const sym = c.value[c.pos];
      const i = this.ids.get(sym);
      if (i === undefined) c.fail(`${this.unknown} ${c.toks.symbols.text(sym)}`);
      c.pos++;
      return i;
    }
    return c.nat32();
  }

  /** Consumes an index when one is present, else returns `dflt`. */
  optIndex(c: Cursor, dflt = 0): number {
    return c.atIndex() ? this.index(c) : dflt;
  }
}

/** The type section: explicit `(type)` definitions, then types added by inline type uses. */
export class TypeSpace extends Space {
  readonly #m: Module;
  /** Signature key → smallest index with that function type. */
  readonly #bySig = new Map<string, number>();

  /** The type space of module `m` (whose `types` it fills). */
  constructor(m: Module) {
    super("type", "unknown type");
    this.#m = m;
  }

  /** Appends a function type (explicit definition or inline use); returns its index. */
  push(ft: FuncType): number {
    const m = this.#m;
    const index = m.types.length;
    const sub: SubType = { final: true, supers: [], composite: ft };
    m.types.push(sub);
    m.recGroups.push({ start: index, size: 1, explicit: false });
    const key = sigKey(ft.params, ft.results);
    if (!this.#bySig.has(key)) this.#bySig.set(key, index);
    return index;
  }

  /** The function type at `index`, or null when there is none. */
  at(index: number): FuncType | null {
    const t = this.#m.types[index];
    return t && t.composite.kind === "func" ? t.composite : null;
  }

  /** The smallest index of type `[params] -> [results]`, appending it when absent. */
  use(params: ValType[], results: ValType[]): number {
    const found = this.#bySig.get(sigKey(params, results));
    return found ?? this.push({ kind: "func", params, results });
  }
}

function sigKey(params: readonly ValType[], results: readonly ValType[]): string {
  return params.join(",") + ">" + results.join(",");
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every index space of a module under construction. */
export class ModuleContext {
  /** The module being built. */
  readonly m: Module;
  /** Types. */
  readonly types: TypeSpace;
  /** Functions. */
  readonly funcs: Space = new Space("func", "unknown function");
  /** Tables. */
  readonly tables: Space = new Space("table", "unknown table");
  /** Memories. */
  readonly memories: Space = new Space("memory", "unknown memory");
  /** Globals. */
  readonly globals: Space = new Space("global", "unknown global");
  /** Element segments. */
  readonly elems: Space = new Space("elem", "unknown elem segment");
  /** Data segments. */
  readonly datas: Space = new Space("data", "unknown data segment");

  /** A context that fills `m`. */
  constructor(m: Module) {
    this.m = m;
    this.types = new TypeSpace(m);
  }
}

// ---- value types and type uses ----------------------------------------------------

const VALTYPES = new Map<number, ValType>([
  [KW.i32, ValType.i32],
  [KW.i64, ValType.i64],
  [KW.f32, ValType.f32],
  [KW.f64, ValType.f64],
  [KW.v128, ValType.v128],
  [KW.funcref, ValType.funcref],
  [KW.externref, ValType.externref],
]);

/** The value type at the cursor, or -1 when the token is not one. */
export function peekValType(c: Cursor): ValType | -1 {
  return c.kind[c.pos] === Tok.atom ? VALTYPES.get(c.value[c.pos]) ?? -1 : -1;
}

/** Consumes a value type. */
export function valType(c: Cursor): ValType {
  const t = peekValType(c);
  if (t === -1) c.unexpected();
  c.pos++;
  return t;
}

/** Consumes a reference type (`funcref` or `externref`). */
export function refType(c: Cursor): ValType {
  if (c.isKw(c.pos, KW.funcref)) {
    c.pos++;
    return ValType.funcref;
  }
  if (c.isKw(c.pos, KW.externref)) {
    c.pos++;
    return ValType.externref;
  }
  return c.unexpected();
}

/** Consumes a heap type (`func` or `extern`), as its binary code. */
export function heapType(c: Cursor): number {
  if (c.isKw(c.pos, KW.func)) {
    c.pos++;
    return HeapType.func;
  }
  if (c.isKw(c.pos, KW.extern)) {
    c.pos++;
    return HeapType.extern;
  }
  return c.unexpected();
}

/** Consumes `(param …)*` then `(result …)*` into `params`/`results`; param ids into `ids` when given. */
function paramsAndResults(
  c: Cursor,
  params: ValType[],
  results: ValType[],
  ids: number[] | null,
): void {
  while (c.openIf(KW.param)) {
    if (c.atId()) {
      if (ids === null) c.unexpected();
      ids.push(c.value[c.pos++]);
      params.push(valType(c));
    } else {
      while (!c.atRParen()) {
        ids?.push(-1);
        params.push(valType(c));
      }
    }
    c.rparen();
  }
  while (c.openIf(KW.result)) {
    while (!c.atRParen()) results.push(valType(c));
    c.rparen();
  }
  // A parameter after the results is a syntax error before any type check.
  if (c.atParenKw(KW.param)) c.unexpected(c.pos + 1);
}

/** Consumes a function type's body `(param …)* (result …)*` (ids allowed, ignored). */
export function funcType(c: Cursor): FuncType {
  const params: ValType[] = [];
  const results: ValType[] = [];
  paramsAndResults(c, params, results, []);
  return { kind: "func", params, results };
}

/** A resolved type use. */
export interface TypeUse {
  /** The type index. */
  index: number;
  /** Parameter count (0 when the index names no type: the validator will reject it). */
  params: number;
}

/** Consumes `(type x)`'s `x` after `(type`, and the `)`; `tok` is where it started. */
function typeRef(c: Cursor, ctx: ModuleContext): number {
  const x = ctx.types.index(c);
  c.rparen();
  return x;
}

/**
 * Consumes a type use `(type x)? (param …)* (result …)*` of a function or
 * import. Parameter identifiers go to `ids` (-1 for unnamed ones) when given;
 * they stay empty when the parameters come from `(type x)` alone.
 *
 * @throws {TextError} "inline function type" when both are given and differ;
 * "unknown type" when inline parameters accompany an index with no type.
 */
export function typeUse(c: Cursor, ctx: ModuleContext, ids: number[] | null): TypeUse {
  const at = c.pos;
  const x = c.openIf(KW.type) ? typeRef(c, ctx) : -1;
  const params: ValType[] = [];
  const results: ValType[] = [];
  paramsAndResults(c, params, results, ids);
  if (x < 0) return { index: ctx.types.use(params, results), params: params.length };
  const ft = ctx.types.at(x);
  if (params.length + results.length > 0) {
    if (ft === null) c.fail("unknown type", at);
    if (!sameTypes(ft.params, params) || !sameTypes(ft.results, results)) {
      c.fail("inline function type", at);
    }
  }
  return { index: x, params: ft ? ft.params.length : 0 };
}

/**
 * Consumes a block type: `(type x)? (param t*)* (result t*)*` with unnamed
 * parameters. No parameters and at most one result use the short encodings;
 * anything else is a type index (found or appended).
 */
export function blockType(c: Cursor, ctx: ModuleContext): BlockType {
  const at = c.pos;
  const x = c.openIf(KW.type) ? typeRef(c, ctx) : -1;
  const params: ValType[] = [];
  const results: ValType[] = [];
  paramsAndResults(c, params, results, null);
  if (x >= 0) {
    if (params.length + results.length > 0) {
      const ft = ctx.types.at(x);
      if (ft === null) c.fail("unknown type", at);
      if (!sameTypes(ft.params, params) || !sameTypes(ft.results, results)) {
        c.fail("inline function type", at);
      }
    }
    return x;
  }
  if (params.length === 0) {
    if (results.length === 0) return BLOCK_EMPTY;
    if (results.length === 1) return blockOfValType(results[0]);
  }
  return ctx.types.use(params, results);
}

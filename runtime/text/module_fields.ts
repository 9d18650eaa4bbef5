/**
 * Module fields and their abbreviations, in two passes over the fields.
 *
 * 1. **Declare**: every field is visited once, shallowly (a field's extent is
 *    known from the lexer's parenthesis matching), to bind identifiers in
 *    each index space and to parse the explicit `(type)` definitions — so a
 *    function may call one defined after it, and inline type uses can search
 *    all explicit types. Imports (explicit or inline) must precede every
 *    definition ("import after function"); that rule also makes textual order
 *    the index order.
 * 2. **Define**: the fields are parsed fully, in order, into the
 *    {@linkcode Module}. Inline type uses without a matching type append one
 *    at the end of the type section, in textual order (as the spec and
 *    wat2wasm do).
 *
 * Abbreviations handled: inline `(export)`/`(import)` on func, table, memory
 * and global; `(table reftype (elem …))`; `(memory (data …))`; `(offset …)`
 * written as a bare folded instruction; `(item …)` and bare folded element
 * expressions; the legacy `(elem offset funcidx*)`; `declare`.
 *
 * @module
 */

import { CodeBuilder } from "../code.ts";
import {
  type Code,
  type Data,
  type Elem,
  emptyModule,
  type ExternKind,
  type GlobalType,
  type Limits,
  type LocalGroup,
  type MemoryType,
  type Module,
  SectionId,
  type TableType,
} from "../module.ts";
import { Op } from "../opcodes.ts";
import { ValType } from "../types.ts";
import type { Cursor } from "./cursor.ts";
import { BodyParser } from "./instructions.ts";
import { KW } from "./keywords.ts";
import { Tok } from "./lexer.ts";
import {
  funcType,
  ModuleContext,
  peekValType,
  refType,
  type Space,
  typeUse,
  valType,
} from "./resolve.ts";

/** Options of {@linkcode parseModuleFields}. */
export interface FieldOptions {
  /** Symbol of the module's `$id`, or -1. */
  moduleId: number;
  /** Record `$id` names of the module, functions and locals in `Module.names`. */
  names: boolean;
}

const PAGE = 65536;

/** What the declare pass found before an import, for "import after …". */
const DEF_KINDS: ReadonlyArray<[number, string]> = [
  [KW.func, "function"],
  [KW.table, "table"],
  [KW.memory, "memory"],
  [KW.global, "global"],
];

/**
 * Parses the module fields in tokens `[from, to)` (each a parenthesised
 * field) into a new module.
 */
export function parseModuleFields(
  c: Cursor,
  from: number,
  to: number,
  options: FieldOptions,
): Module {
  const ctx = new ModuleContext(emptyModule());
  declare(c, ctx, from, to);
  return define(c, ctx, from, to, options);
}

// ---- pass 1: declare ------------------------------------------------------------

function spaceOf(ctx: ModuleContext, kw: number): Space | null {
  switch (kw) {
    case KW.func:
      return ctx.funcs;
    case KW.table:
      return ctx.tables;
    case KW.memory:
      return ctx.memories;
    case KW.global:
      return ctx.globals;
  }
  return null;
}

function declare(c: Cursor, ctx: ModuleContext, from: number, to: number): void {
  const defined = new Set<number>(); // kinds defined so far
  const importHere = (tok: number) => {
    for (const [kw, word] of DEF_KINDS) {
      if (defined.has(kw)) c.fail(`import after ${word}`, tok);
    }
  };
  for (let pos = from; pos < to; pos = c.value[pos] + 1) {
    // Stray tokens are reported by the define pass, after any earlier error.
    if (c.kind[pos] !== Tok.lparen) return;
    const kw = c.kwAt(pos + 1);
    c.pos = pos + 2;
    switch (kw) {
      case KW.type: {
        const sym = c.optId();
        ctx.types.add(c, sym, pos);
        c.lparen();
        c.keyword(KW.func);
        const ft = funcType(c);
        c.rparen();
        c.rparen();
        ctx.types.push(ft);
        break;
      }
      case KW.import: {
        c.name();
        c.name();
        const at = c.pos;
        c.lparen();
        const space = spaceOf(ctx, c.kwAt(c.pos));
        if (space === null) c.unexpected();
        c.pos++;
        importHere(pos);
        space.add(c, c.optId(), at);
        break;
      }
      case KW.func:
      case KW.table:
      case KW.memory:
      case KW.global: {
        const sym = c.optId();
        while (c.atParenKw(KW.export)) c.skipTo(c.pos);
        if (c.atParenKw(KW.import)) {
          importHere(pos);
        } else {
          defined.add(kw);
          if (kw === KW.table && hasInline(c, KW.elem, c.value[pos])) ctx.elems.count++;
          if (kw === KW.memory && hasInline(c, KW.data, c.value[pos])) ctx.datas.count++;
        }
        spaceOf(ctx, kw)!.add(c, sym, pos);
        break;
      }
      case KW.elem:
        ctx.elems.add(c, c.optId(), pos);
        break;
      case KW.data:
        ctx.datas.add(c, c.optId(), pos);
        break;
      case KW.export:
      case KW.start:
        break;
      default:
        c.unexpected(pos + 1);
    }
  }
}

/** True when a `(kw …)` sits directly inside the field ending at token `close`. */
function hasInline(c: Cursor, kw: number, close: number): boolean {
  for (let p = c.pos; p < close; p++) {
    if (c.kind[p] === Tok.lparen) {
      if (c.isKw(p + 1, kw)) return true;
      p = c.value[p];
    }
  }
  return false;
}

// ---- pass 2: define -------------------------------------------------------------

/** State of the define pass. */
interface Definer {
  c: Cursor;
  ctx: ModuleContext;
  m: Module;
  body: BodyParser;
  funcIndex: number;
  tableIndex: number;
  memoryIndex: number;
  globalIndex: number;
  names: boolean;
  funcNames: Map<number, string>;
  localNames: Map<number, Map<number, string>>;
}

function define(
  c: Cursor,
  ctx: ModuleContext,
  from: number,
  to: number,
  options: FieldOptions,
): Module {
  const m = ctx.m;
  const d: Definer = {
    c,
    ctx,
    m,
    body: new BodyParser(c, ctx),
    funcIndex: 0,
    tableIndex: 0,
    memoryIndex: 0,
    globalIndex: 0,
    names: options.names,
    funcNames: new Map(),
    localNames: new Map(),
  };
  for (let pos = from; pos < to; pos = c.value[pos] + 1) {
    if (c.kind[pos] !== Tok.lparen) c.unexpected(pos);
    const kw = c.kwAt(pos + 1);
    c.pos = pos + 2;
    switch (kw) {
      case KW.type:
        c.pos = c.value[pos];
        break;
      case KW.import:
        importField(d);
        break;
      case KW.func:
        funcField(d);
        break;
      case KW.table:
        tableField(d);
        break;
      case KW.memory:
        memoryField(d);
        break;
      case KW.global:
        globalField(d);
        break;
      case KW.export:
        exportField(d);
        break;
      case KW.start:
        if (m.start !== null) c.fail("multiple start sections", pos);
        m.start = ctx.funcs.index(c);
        break;
      case KW.elem:
        elemField(d);
        break;
      case KW.data:
        dataField(d);
        break;
    }
    c.rparen();
  }
  if (d.body.usesDataCount) m.dataCount = m.datas.length;
  if (options.names) {
    const module = options.moduleId >= 0 ? c.toks.symbols.text(options.moduleId).slice(1) : null;
    if (module !== null || d.funcNames.size > 0 || d.localNames.size > 0) {
      m.names = {
        module,
        functions: d.funcNames,
        locals: d.localNames,
        after: lastSection(m),
        position: 0, // text modules have no other custom sections
      };
    }
  }
  return m;
}

/** The id of the last section the encoder writes (where a trailing name section follows). */
function lastSection(m: Module): number {
  if (m.datas.length > 0) return SectionId.data;
  if (m.funcs.length > 0) return SectionId.code;
  if (m.dataCount !== null) return SectionId.dataCount;
  if (m.elems.length > 0) return SectionId.element;
  if (m.start !== null) return SectionId.start;
  if (m.exports.length > 0) return SectionId.export;
  if (m.globals.length > 0) return SectionId.global;
  if (m.tags.length > 0) return SectionId.tag;
  if (m.memories.length > 0) return SectionId.memory;
  if (m.tables.length > 0) return SectionId.table;
  if (m.imports.length > 0) return SectionId.import;
  if (m.types.length > 0) return SectionId.type;
  return 0;
}

/** `(export "name")*` of a func/table/memory/global. */
function inlineExports(d: Definer, kind: ExternKind, index: number): void {
  const c = d.c;
  while (c.openIf(KW.export)) {
    d.m.exports.push({ name: c.name(), kind, index });
    c.rparen();
  }
}

/** `(import "m" "n")` of a func/table/memory/global: [module, name], or null. */
function inlineImport(c: Cursor): [string, string] | null {
  if (!c.openIf(KW.import)) return null;
  const names: [string, string] = [c.name(), c.name()];
  c.rparen();
  return names;
}

function limits(c: Cursor): Limits {
  const min = c.nat32();
  const max = c.atNat() ? c.nat32() : null;
  return { min, max };
}

function globalType(c: Cursor): GlobalType {
  if (c.openIf(KW.mut)) {
    const type = valType(c);
    c.rparen();
    return { type, mutable: true };
  }
  return { type: valType(c), mutable: false };
}

/** Records `$id` (symbol `sym`) as the name of function `index`. */
function nameFunc(d: Definer, sym: number, index: number): void {
  if (sym >= 0 && d.names) d.funcNames.set(index, d.c.toks.symbols.text(sym).slice(1));
}

function importField(d: Definer): void {
  const c = d.c;
  const module = c.name();
  const name = c.name();
  c.lparen();
  const kw = c.kwAt(c.pos);
  c.pos++;
  const sym = c.optId();
  switch (kw) {
    case KW.func: {
      const index = d.funcIndex++;
      nameFunc(d, sym, index);
      const type = typeUse(c, d.ctx, []).index;
      d.m.imports.push({ module, name, desc: { kind: "func", type } });
      break;
    }
    case KW.table:
      d.tableIndex++;
      d.m.imports.push({ module, name, desc: { kind: "table", table: tableType(c) } });
      break;
    case KW.memory:
      d.memoryIndex++;
      d.m.imports.push({ module, name, desc: { kind: "memory", memory: memoryType(c) } });
      break;
    case KW.global:
      d.globalIndex++;
      d.m.imports.push({ module, name, desc: { kind: "global", global: globalType(c) } });
      break;
  }
  c.rparen();
}

function tableType(c: Cursor): TableType {
  const l = limits(c);
  return { min: l.min, max: l.max, element: refType(c), index64: false };
}

function memoryType(c: Cursor): MemoryType {
  const l = limits(c);
  return { min: l.min, max: l.max, shared: false, index64: false };
}

function funcField(d: Definer): void {
  const c = d.c;
  const sym = c.optId();
  const index = d.funcIndex++;
  nameFunc(d, sym, index);
  inlineExports(d, "func", index);
  const imp = inlineImport(c);
  const ids: number[] = [];
  const at = c.pos;
  const use = typeUse(c, d.ctx, imp ? [] : ids);
  if (imp) {
    d.m.imports.push({ module: imp[0], name: imp[1], desc: { kind: "func", type: use.index } });
    return;
  }
  const body = d.body;
  body.beginFunc();
  let localNames: Map<number, string> | null = null;
  const bind = (sym: number, tok: number) => {
    const i = body.addLocal(sym, tok);
    if (sym >= 0 && d.names) {
      (localNames ??= new Map()).set(i, c.toks.symbols.text(sym).slice(1));
    }
  };
  if (ids.length > 0) { for (const s of ids) bind(s, at); }
  else for (let i = 0; i < use.params; i++) bind(-1, at);
  const locals: LocalGroup[] = [];
  const addLocal = (type: ValType) => {
    const last = locals[locals.length - 1];
    if (last && last.type === type) last.count++;
    else locals.push({ count: 1, type });
  };
  while (c.openIf(KW.local)) {
    if (c.atId()) {
      const tok = c.pos;
      const s = c.value[c.pos++];
      addLocal(valType(c));
      bind(s, tok);
    } else {
      while (!c.atRParen()) {
        addLocal(valType(c));
        bind(-1, c.pos);
      }
    }
    c.rparen();
  }
  const code = body.body();
  if (localNames !== null) d.localNames.set(index, localNames);
  d.m.funcs.push({ type: use.index, locals, body: code, offset: 0 });
}

function tableField(d: Definer): void {
  const c = d.c;
  c.optId();
  const index = d.tableIndex++;
  inlineExports(d, "table", index);
  const imp = inlineImport(c);
  if (imp) {
    d.m.imports.push({
      module: imp[0],
      name: imp[1],
      desc: { kind: "table", table: tableType(c) },
    });
    return;
  }
  const element = peekValType(c);
  if (element === -1) {
    d.m.tables.push({ type: tableType(c), init: null });
    return;
  }
  // `(table reftype (elem …))`: a table exactly as large as its segment.
  const type = refType(c);
  c.lparen();
  c.keyword(KW.elem);
  let init: Elem["init"];
  if (c.atLParen()) {
    const exprs: Code[] = [];
    while (!c.atRParen()) exprs.push(elemExpr(d));
    init = { kind: "exprs", exprs };
  } else {
    const funcs: number[] = [];
    while (!c.atRParen()) funcs.push(d.ctx.funcs.index(c));
    init = { kind: "funcs", funcs };
  }
  c.rparen();
  const n = init.kind === "funcs" ? init.funcs.length : init.exprs.length;
  d.m.tables.push({ type: { min: n, max: n, element: type, index64: false }, init: null });
  d.m.elems.push(
    canonicalElem({ mode: "active", table: index, offset: i32Const(0), type, init }),
  );
}

function memoryField(d: Definer): void {
  const c = d.c;
  c.optId();
  const index = d.memoryIndex++;
  inlineExports(d, "memory", index);
  const imp = inlineImport(c);
  if (imp) {
    d.m.imports.push({
      module: imp[0],
      name: imp[1],
      desc: { kind: "memory", memory: memoryType(c) },
    });
    return;
  }
  if (c.openIf(KW.data)) {
    // `(memory (data …))`: a memory exactly as large as its data, in pages.
    const bytes = dataString(c);
    c.rparen();
    const pages = Math.ceil(bytes.length / PAGE);
    d.m.memories.push({ min: pages, max: pages, shared: false, index64: false });
    d.m.datas.push({ mode: "active", memory: index, offset: i32Const(0), bytes });
    return;
  }
  d.m.memories.push(memoryType(c));
}

function globalField(d: Definer): void {
  const c = d.c;
  c.optId();
  const index = d.globalIndex++;
  inlineExports(d, "global", index);
  const imp = inlineImport(c);
  const type = globalType(c);
  if (imp) {
    d.m.imports.push({ module: imp[0], name: imp[1], desc: { kind: "global", global: type } });
    return;
  }
  d.m.globals.push({ type, init: d.body.expr() });
}

const EXPORT_KINDS = new Map<number, ExternKind>([
  [KW.func, "func"],
  [KW.table, "table"],
  [KW.memory, "memory"],
  [KW.global, "global"],
]);

function exportField(d: Definer): void {
  const c = d.c;
  const name = c.name();
  c.lparen();
  const kind = EXPORT_KINDS.get(c.kwAt(c.pos));
  if (kind === undefined) return c.unexpected();
  const kw = c.kwAt(c.pos++);
  const index = spaceOf(d.ctx, kw)!.index(c);
  c.rparen();
  d.m.exports.push({ name, kind, index });
}

/** `(i32.const n) end` as a code stream. */
function i32Const(n: number): Code {
  const b = new CodeBuilder(4);
  b.op(Op.i32_const);
  b.word(n);
  b.op(Op.end);
  return b.finish();
}

/** An offset: `(offset instr*)` or one folded instruction. */
function offsetExpr(d: Definer): Code {
  const c = d.c;
  if (c.openIf(KW.offset)) {
    const code = d.body.expr();
    c.rparen();
    return code;
  }
  if (!c.atLParen()) c.unexpected();
  return d.body.foldedExpr();
}

/** An element expression: `(item instr*)` or one folded instruction. */
function elemExpr(d: Definer): Code {
  const c = d.c;
  if (c.openIf(KW.item)) {
    const code = d.body.expr();
    c.rparen();
    return code;
  }
  if (!c.atLParen()) c.unexpected();
  return d.body.foldedExpr();
}

/**
 * The function-index form for a segment of `ref.func` expressions, as the
 * encoder writes it (so text → binary → Module is the identity).
 */
function canonicalElem(e: Elem): Elem {
  if (e.init.kind !== "exprs" || e.type !== ValType.funcref) return e;
  const funcs: number[] = [];
  for (const x of e.init.exprs) {
    if (x.ops.length !== 3 || x.ops[0] !== Op.ref_func || x.ops[2] !== Op.end) return e;
    funcs.push(x.ops[1]);
  }
  return { ...e, init: { kind: "funcs", funcs } };
}

function elemField(d: Definer): void {
  const c = d.c;
  c.optId();
  let mode: Elem["mode"] = "passive";
  let table = 0;
  let offset: Code | null = null;
  let tableUse = false;
  if (c.isKw(c.pos, KW.declare)) {
    c.pos++;
    mode = "declarative";
  } else {
    if (c.openIf(KW.table)) {
      table = d.ctx.tables.index(c);
      c.rparen();
      tableUse = true;
    }
    if (tableUse || (c.atLParen() && !c.atParenKw(KW.item))) {
      offset = offsetExpr(d);
      mode = "active";
    }
  }
  let type: ValType = ValType.funcref;
  let init: Elem["init"];
  if (c.isKw(c.pos, KW.func)) {
    c.pos++;
    init = { kind: "funcs", funcs: funcIndices(d) };
  } else if (peekValType(c) !== -1) {
    type = refType(c);
    const exprs: Code[] = [];
    while (!c.atRParen()) exprs.push(elemExpr(d));
    init = { kind: "exprs", exprs };
  } else if (mode === "active") {
    // Legacy `(elem offset funcidx*)`.
    init = { kind: "funcs", funcs: funcIndices(d) };
  } else {
    return c.unexpected();
  }
  d.m.elems.push(canonicalElem({ mode, table, offset, type, init }));
}

function funcIndices(d: Definer): number[] {
  const c = d.c;
  const funcs: number[] = [];
  while (!c.atRParen()) funcs.push(d.ctx.funcs.index(c));
  return funcs;
}

/** Consecutive strings, concatenated. */
function dataString(c: Cursor): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  while (c.atString()) {
    const b = c.bytes();
    parts.push(b);
    n += b.length;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function dataField(d: Definer): void {
  const c = d.c;
  c.optId();
  let memory = 0;
  let offset: Code | null = null;
  let memoryUse = false;
  if (c.openIf(KW.memory)) {
    memory = d.ctx.memories.index(c);
    c.rparen();
    memoryUse = true;
  }
  if (memoryUse || c.atLParen()) offset = offsetExpr(d);
  const bytes = dataString(c);
  const data: Data = offset === null
    ? { mode: "passive", memory: 0, offset: null, bytes }
    : { mode: "active", memory, offset, bytes };
  d.m.datas.push(data);
}

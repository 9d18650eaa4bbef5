/**
 * The printer: {@linkcode Module} → text, what `wasm2wat` does. Every field
 * is written out explicitly — types in the type section, functions with
 * `(type N)`, block types that are type indices as `(type N)` — so that
 * {@linkcode parseWat} of the text gives back the same module, and encoding
 * both gives the same bytes. What the text format cannot say is left out:
 * custom sections, name subsections beyond module/function/local names
 * (they are used for identifiers, not reproduced), and a data count section
 * that no instruction needs.
 *
 * Names from the name section become `$id`s (see `print_names.ts`); items
 * without one carry their index as a comment, `(func (;3;) (type 0) …)`.
 * Instructions are flat, one a line, indented by block depth
 * (`print_code.ts`).
 *
 * @module
 */

import type {
  Code,
  Data,
  Elem,
  FieldType,
  Func,
  GlobalType,
  Import,
  Limits,
  Module,
  SubType,
  TableType,
} from "../module.ts";
import { valTypeName } from "../types.ts";
import {
  type CodeContext,
  exprInstrs,
  paramsResultsText,
  printBody,
  signatureText,
} from "./print_code.ts";
import { bytesText, nameString } from "./print_literals.ts";
import { type IdSpace, type ModuleIds, moduleIds } from "./print_names.ts";

/** Options of {@linkcode printWat}. */
export interface PrintOptions {
  /** Use the name section's names as `$id`s (default true); false prints every index. */
  names?: boolean;
}

/**
 * Prints a module in the text format, ending with a newline. The module
 * need not be valid; indices that name nothing are printed as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWat, printWat } from "./mod.ts";
 * const m = parseWat(`(module (func $inc (export "inc") (param $x i32) (result i32)
 *   local.get $x i32.const 1 i32.add))`);
 * assert.equal(printWat(m), `(module
 *   (type (;0;) (func (param i32) (result i32)))
 *   (func $inc (type 0) (param $x i32) (result i32)
 *     local.get $x
 *     i32.const 1
 *     i32.add)
 *   (export "inc" (func $inc)))
 * `);
 * ```
 */
export function printWat(m: Module, options: PrintOptions = {}): string {
  const ids = moduleIds(m, options.names ?? true);
  const out: string[] = [ids.module === null ? "(module" : `(module ${ids.module}`];
  printTypes(out, m, ids);
  const counts = { funcs: 0, tables: 0, memories: 0, globals: 0, tags: 0 };
  for (const imp of m.imports) out.push(`  ${importText(imp, m, ids, counts)}`);
  m.funcs.forEach((f, i) => printFunc(out, m, ids, f, counts.funcs + i));
  m.tables.forEach((t, i) => {
    const init = t.init ? ` ${exprText(t.init, bare(m, ids))}` : "";
    out.push(`  (table ${ids.tables.label(counts.tables + i)} ${tableTypeText(t.type)}${init})`);
  });
  m.memories.forEach((mem, i) => {
    out.push(`  (memory ${ids.memories.label(counts.memories + i)} ${limitsText(mem, mem)})`);
  });
  m.tags.forEach((t, i) => {
    out.push(`  (tag ${ids.tags.label(counts.tags + i)} (type ${ids.types.ref(t.type)}))`);
  });
  m.globals.forEach((g, i) => {
    const label = ids.globals.label(counts.globals + i);
    const init = exprText(g.init, bare(m, ids));
    out.push(`  (global ${label} ${globalTypeText(g.type)}${init && " "}${init})`);
  });
  for (const e of m.exports) {
    out.push(`  (export ${nameString(e.name)} (${e.kind} ${spaceOf(ids, e.kind).ref(e.index)}))`);
  }
  if (m.start !== null) out.push(`  (start ${ids.funcs.ref(m.start)})`);
  m.elems.forEach((e, i) => out.push(`  ${elemText(e, i, m, ids)}`));
  m.datas.forEach((d, i) => out.push(`  ${dataText(d, i, m, ids)}`));
  out[out.length - 1] += ")";
  return out.join("\n") + "\n";
}

function spaceOf(ids: ModuleIds, kind: Import["desc"]["kind"]): IdSpace {
  switch (kind) {
    case "func":
      return ids.funcs;
    case "table":
      return ids.tables;
    case "memory":
      return ids.memories;
    case "global":
      return ids.globals;
    case "tag":
      return ids.tags;
  }
}

/** A context for expressions outside functions (no locals). */
function bare(m: Module, ids: ModuleIds): CodeContext {
  return { ids, types: m.types, locals: ids.locals(-1) };
}

// ---- types ----------------------------------------------------------------------

function fieldTypeText(f: FieldType): string {
  const t = f.packed ?? valTypeName(f.type);
  return f.mutable ? `(mut ${t})` : t;
}

function subTypeText(t: SubType, ids: ModuleIds): string {
  const c = t.composite;
  let body: string;
  switch (c.kind) {
    case "func":
      body = `(func${paramsResultsText(c.params, c.results)})`;
      break;
    case "struct":
      body = `(struct${c.fields.map((f) => ` (field ${fieldTypeText(f)})`).join("")})`;
      break;
    case "array":
      body = `(array ${fieldTypeText(c.element)})`;
      break;
  }
  if (t.final && t.supers.length === 0) return body;
  const supers = t.supers.map((s) => ` ${ids.types.ref(s)}`).join("");
  return `(sub${t.final ? " final" : ""}${supers} ${body})`;
}

/** The type section; recursion groups that are more than one plain type become `(rec …)`. */
function printTypes(out: string[], m: Module, ids: ModuleIds): void {
  const typeLine = (i: number) => `(type ${ids.types.label(i)} ${subTypeText(m.types[i], ids)})`;
  const groups = m.recGroups.length > 0
    ? m.recGroups
    : m.types.map((_, start) => ({ start, size: 1, explicit: false }));
  for (const g of groups) {
    if (g.size === 1 && !g.explicit) {
      out.push(`  ${typeLine(g.start)}`);
      continue;
    }
    out.push("  (rec");
    for (let i = g.start; i < g.start + g.size; i++) out.push(`    ${typeLine(i)}`);
    out[out.length - 1] += ")";
  }
}

function limitsText(l: Limits, mem?: { shared: boolean; index64: boolean }): string {
  const index = mem?.index64 ? "i64 " : "";
  const max = l.max === null ? "" : ` ${l.max}`;
  return `${index}${l.min}${max}${mem?.shared ? " shared" : ""}`;
}

function tableTypeText(t: TableType): string {
  const index = t.index64 ? "i64 " : "";
  return `${index}${limitsText(t)} ${valTypeName(t.element)}`;
}

function globalTypeText(t: GlobalType): string {
  return t.mutable ? `(mut ${valTypeName(t.type)})` : valTypeName(t.type);
}

// ---- imports and functions ------------------------------------------------------

/** One import; `counts` tracks the index each kind's import takes. */
function importText(
  imp: Import,
  m: Module,
  ids: ModuleIds,
  counts: { funcs: number; tables: number; memories: number; globals: number; tags: number },
): string {
  const d = imp.desc;
  let desc: string;
  switch (d.kind) {
    case "func": {
      const label = ids.funcs.label(counts.funcs++);
      desc = `(func ${label} (type ${ids.types.ref(d.type)})${signatureText(m.types, d.type)})`;
      break;
    }
    case "table":
      desc = `(table ${ids.tables.label(counts.tables++)} ${tableTypeText(d.table)})`;
      break;
    case "memory":
      desc = `(memory ${ids.memories.label(counts.memories++)} ${limitsText(d.memory, d.memory)})`;
      break;
    case "global":
      desc = `(global ${ids.globals.label(counts.globals++)} ${globalTypeText(d.global)})`;
      break;
    case "tag":
      desc = `(tag ${ids.tags.label(counts.tags++)} (type ${ids.types.ref(d.type)}))`;
      break;
  }
  return `(import ${nameString(imp.module)} ${nameString(imp.name)} ${desc})`;
}

/**
 * A function: `(func $f (type 0) (param $x i32) (result i32)`, its locals on
 * one line, its body, and the closing `)` on the last line.
 */
function printFunc(out: string[], m: Module, ids: ModuleIds, f: Func, index: number): void {
  const locals = ids.locals(index);
  const t = m.types[f.type]?.composite;
  const params = t?.kind === "func" ? t.params : [];
  const results = t?.kind === "func" ? t.results : [];
  let head = `  (func ${ids.funcs.label(index)} (type ${ids.types.ref(f.type)})`;
  head += declsText("param", params, 0, locals);
  if (results.length > 0) head += ` (result ${results.map(valTypeName).join(" ")})`;
  out.push(head);
  const types: number[] = [];
  for (const g of f.locals) for (let i = 0; i < g.count; i++) types.push(g.type);
  if (types.length > 0) {
    out.push("    " + declsText("local", types, params.length, locals).slice(1));
  }
  printBody(out, f.body, { ids, types: m.types, locals }, "    ");
  out[out.length - 1] += ")";
}

/**
 * Parameter or local declarations: named ones one by one
 * (`(param $x i32)`), runs of unnamed ones together (`(local i32 f64)`);
 * with a leading space. `first` is the index of the first of them.
 */
function declsText(kw: string, types: readonly number[], first: number, ids: IdSpace): string {
  let s = "";
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) s += ` (${kw} ${run.join(" ")})`;
    run = [];
  };
  types.forEach((t, i) => {
    const id = ids.id(first + i);
    if (id === undefined) {
      run.push(valTypeName(t));
    } else {
      flush();
      s += ` (${kw} ${id} ${valTypeName(t)})`;
    }
  });
  flush();
  return s;
}

// ---- expressions and segments ---------------------------------------------------

/**
 * A constant expression where the text wants one: a single instruction
 * folded, `(i32.const 8)`; several flat, wrapped in `(kw …)` when `kw` is
 * given (`(offset …)`, `(item …)`), else bare (a global's initialiser).
 */
function exprText(code: Code, ctx: CodeContext, kw?: string): string {
  const instrs = exprInstrs(code, ctx);
  if (instrs.length === 0) return kw === undefined ? "" : `(${kw})`;
  if (instrs.length === 1) return `(${instrs[0]})`;
  if (kw === undefined) return instrs.join(" ");
  return `(${kw}${instrs.map((s) => ` ${s}`).join("")})`;
}

function elemText(e: Elem, index: number, m: Module, ids: ModuleIds): string {
  const ctx = bare(m, ids);
  let s = `(elem ${ids.elems.label(index)}`;
  if (e.mode === "declarative") s += " declare";
  if (e.mode === "active") {
    if (e.table !== 0) s += ` (table ${ids.tables.ref(e.table)})`;
    s += ` ${exprText(e.offset!, ctx, "offset")}`;
  }
  if (e.init.kind === "funcs") {
    s += " func";
    for (const f of e.init.funcs) s += ` ${ids.funcs.ref(f)}`;
  } else {
    s += ` ${valTypeName(e.type)}`;
    for (const x of e.init.exprs) s += ` ${exprText(x, ctx, "item")}`;
  }
  return s + ")";
}

function dataText(d: Data, index: number, m: Module, ids: ModuleIds): string {
  let s = `(data ${ids.datas.label(index)}`;
  if (d.mode === "active") {
    if (d.memory !== 0) s += ` (memory ${ids.memories.ref(d.memory)})`;
    s += ` ${exprText(d.offset!, bare(m, ids), "offset")}`;
  }
  return `${s} ${bytesText(d.bytes)})`;
}

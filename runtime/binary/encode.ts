/**
 * The binary encoder: {@linkcode Module} → bytes.
 *
 * It writes what canonical producers (wat2wasm, clang/wasm-ld) write, so a
 * module they produced decodes and re-encodes to the same bytes: sections in
 * the spec's order and only when non-empty, minimal LEB128 everywhere, the
 * smallest element and data segment forms, custom sections back where they
 * were recorded. Instructions are written by `encode_code.ts`.
 *
 * @module
 */

import type {
  Code,
  CompositeType,
  CustomSection,
  Data,
  Elem,
  FieldType,
  Global,
  Import,
  Limits,
  Module,
  Names,
  SubType,
  Table,
} from "../module.ts";
import { SectionId } from "../module.ts";
import { Op } from "../opcodes.ts";
import { HeapType, refType, ValType } from "../types.ts";
import { writeCode, writeValType } from "./encode_code.ts";
import { Writer } from "./writer.ts";

/** The binary magic `\0asm` and version 1. */
const HEADER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Known sections in the order the binary format requires. The data count
 * section goes before code, and the tag section between memory and global.
 */
const SECTION_ORDER: readonly number[] = [
  SectionId.type,
  SectionId.import,
  SectionId.function,
  SectionId.table,
  SectionId.memory,
  SectionId.tag,
  SectionId.global,
  SectionId.export,
  SectionId.start,
  SectionId.element,
  SectionId.dataCount,
  SectionId.code,
  SectionId.data,
];

const EXTERN_KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/**
 * Encodes a module to its binary form.
 *
 * @example
 * ```ts
 * import { encode } from "./encode.ts";
 * import { emptyModule } from "../module.ts";
 * const bytes = encode(emptyModule());
 * console.log(bytes); // Uint8Array [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
 * ```
 */
export function encode(m: Module): Uint8Array<ArrayBuffer> {
  const w = new Writer(estimateSize(m));
  w.bytes(HEADER);
  const customs = placeCustoms(m);
  writeCustoms(w, customs.get(0));
  for (const id of SECTION_ORDER) {
    writeSection(w, m, id);
    writeCustoms(w, customs.get(id));
  }
  // Customs recorded after a section id this encoder does not know.
  for (const [after, list] of customs) {
    if (after !== 0 && !SECTION_ORDER.includes(after)) writeCustoms(w, list);
  }
  return w.finish();
}

/** A rough upper bound of the output size, so the writer rarely grows. */
function estimateSize(m: Module): number {
  let n = 256;
  for (const f of m.funcs) n += f.body.ops.length * 2 + 8;
  for (const d of m.datas) n += d.bytes.length + 16;
  for (const c of m.customs) n += c.bytes.length + c.name.length + 8;
  return n;
}

/** One custom section to write: raw bytes, or the parsed name section. */
type CustomItem = CustomSection | Names;

/**
 * Groups custom sections by the section they follow. The parsed name section
 * goes with its group at its recorded {@linkcode Names.position}; without
 * one, before the others of its group except those wasm-ld puts in front of
 * it (sections copied from its inputs, such as `.debug_info`, and the
 * relocation sections `linking` and `reloc.*`).
 */
function placeCustoms(m: Module): Map<number, CustomItem[]> {
  const groups = new Map<number, CustomItem[]>();
  const group = (after: number) => {
    let list = groups.get(after);
    if (!list) groups.set(after, list = []);
    return list;
  };
  for (const c of m.customs) group(c.after).push(c);
  const names = m.names;
  if (names) {
    const list = group(names.after);
    let at = 0;
    if (names.position !== undefined) {
      // The group keeps the customs' order: the ones before the name section come first.
      for (let i = 0; i < names.position && i < m.customs.length; i++) {
        if (m.customs[i].after === names.after) at++;
      }
    } else {
      while (at < list.length && precedesNames((list[at] as CustomSection).name)) at++;
    }
    list.splice(at, 0, names);
  }
  return groups;
}

function precedesNames(name: string): boolean {
  return name.startsWith(".") || name.startsWith("reloc.") || name === "linking";
}

function writeCustoms(w: Writer, list: CustomItem[] | undefined): void {
  if (!list) return;
  for (const c of list) {
    w.u8(SectionId.custom);
    const mark = w.beginSized();
    if ("bytes" in c) {
      w.name(c.name);
      w.bytes(c.bytes);
    } else {
      w.name("name");
      writeNames(w, c);
    }
    w.endSized(mark);
  }
}

/** Writes section `id` if the module has anything for it. */
function writeSection(w: Writer, m: Module, id: number): void {
  if (!hasSection(m, id)) return;
  w.u8(id);
  const mark = w.beginSized();
  switch (id) {
    case SectionId.type:
      writeTypes(w, m);
      break;
    case SectionId.import:
      writeVec(w, m.imports, writeImport);
      break;
    case SectionId.function:
      w.u32(m.funcs.length);
      for (const f of m.funcs) w.u32(f.type);
      break;
    case SectionId.table:
      writeVec(w, m.tables, writeTable);
      break;
    case SectionId.memory:
      w.u32(m.memories.length);
      for (const mem of m.memories) writeLimits(w, mem, mem.shared, mem.index64);
      break;
    case SectionId.tag:
      w.u32(m.tags.length);
      for (const t of m.tags) writeTagType(w, t.type);
      break;
    case SectionId.global:
      writeVec(w, m.globals, writeGlobal);
      break;
    case SectionId.export:
      w.u32(m.exports.length);
      for (const e of m.exports) {
        w.name(e.name);
        w.u8(EXTERN_KIND[e.kind]);
        w.u32(e.index);
      }
      break;
    case SectionId.start:
      w.u32(m.start!);
      break;
    case SectionId.element:
      writeVec(w, m.elems, writeElem);
      break;
    case SectionId.dataCount:
      w.u32(m.dataCount!);
      break;
    case SectionId.code:
      writeFuncBodies(w, m);
      break;
    case SectionId.data:
      writeVec(w, m.datas, writeData);
      break;
  }
  w.endSized(mark);
}

/** Canonical producers leave empty sections out. */
function hasSection(m: Module, id: number): boolean {
  switch (id) {
    case SectionId.type:
      return m.types.length > 0;
    case SectionId.import:
      return m.imports.length > 0;
    case SectionId.function:
    case SectionId.code:
      return m.funcs.length > 0;
    case SectionId.table:
      return m.tables.length > 0;
    case SectionId.memory:
      return m.memories.length > 0;
    case SectionId.tag:
      return m.tags.length > 0;
    case SectionId.global:
      return m.globals.length > 0;
    case SectionId.export:
      return m.exports.length > 0;
    case SectionId.start:
      return m.start !== null;
    case SectionId.element:
      return m.elems.length > 0;
    case SectionId.dataCount:
      return m.dataCount !== null;
    case SectionId.data:
      return m.datas.length > 0;
  }
  return false;
}

function writeVec<T>(w: Writer, items: readonly T[], each: (w: Writer, item: T) => void): void {
  w.u32(items.length);
  for (const item of items) each(w, item);
}

// ---- types ----------------------------------------------------------------

/**
 * The type section: one entry per recursion group; a group is written as
 * `rec` (0x4E) unless it is a single type not marked explicit. A module with
 * no recorded groups (built by hand) gets one implicit group per type.
 */
function writeTypes(w: Writer, m: Module): void {
  if (m.recGroups.length === 0) return writeVec(w, m.types, writeSubType);
  w.u32(m.recGroups.length);
  for (const g of m.recGroups) {
    if (g.size !== 1 || g.explicit) {
      w.u8(0x4e);
      w.u32(g.size);
    }
    for (let i = g.start; i < g.start + g.size; i++) writeSubType(w, m.types[i]);
  }
}

/** A final type without supertypes is just its composite type; others get `sub` (final) forms. */
function writeSubType(w: Writer, t: SubType): void {
  if (!t.final || t.supers.length > 0) {
    w.u8(t.final ? 0x4f : 0x50);
    w.u32(t.supers.length);
    for (const s of t.supers) w.u32(s);
  }
  writeComposite(w, t.composite);
}

function writeComposite(w: Writer, c: CompositeType): void {
  switch (c.kind) {
    case "func":
      w.u8(0x60);
      writeVec(w, c.params, writeValType);
      writeVec(w, c.results, writeValType);
      break;
    case "struct":
      w.u8(0x5f);
      writeVec(w, c.fields, writeField);
      break;
    case "array":
      w.u8(0x5e);
      writeField(w, c.element);
      break;
  }
}

function writeField(w: Writer, f: FieldType): void {
  if (f.packed === "i8") w.u8(0x78);
  else if (f.packed === "i16") w.u8(0x77);
  else writeValType(w, f.type);
  w.u8(f.mutable ? 1 : 0);
}

/**
 * Limits: flag bit 0 = has maximum, bit 1 = shared, bit 2 = 64-bit index;
 * sizes as u32, or u64 for 64-bit tables and memories.
 */
function writeLimits(w: Writer, l: Limits, shared: boolean, index64: boolean): void {
  w.u8((l.max !== null ? 1 : 0) | (shared ? 2 : 0) | (index64 ? 4 : 0));
  if (index64) {
    w.u64Number(l.min);
    if (l.max !== null) w.u64Number(l.max);
  } else {
    w.u32(l.min);
    if (l.max !== null) w.u32(l.max);
  }
}

function writeTagType(w: Writer, type: number): void {
  w.u8(0); // attribute: exception
  w.u32(type);
}

// ---- imports, tables, globals ----------------------------------------------

function writeImport(w: Writer, imp: Import): void {
  w.name(imp.module);
  w.name(imp.name);
  const d = imp.desc;
  w.u8(EXTERN_KIND[d.kind]);
  switch (d.kind) {
    case "func":
      w.u32(d.type);
      break;
    case "table":
      writeValType(w, d.table.element);
      writeLimits(w, d.table, false, d.table.index64);
      break;
    case "memory":
      writeLimits(w, d.memory, d.memory.shared, d.memory.index64);
      break;
    case "global":
      writeValType(w, d.global.type);
      w.u8(d.global.mutable ? 1 : 0);
      break;
    case "tag":
      writeTagType(w, d.type);
      break;
  }
}

/** A table; one with an initialiser expression takes the 3.0 form `0x40 0x00 tabletype expr`. */
function writeTable(w: Writer, t: Table): void {
  if (t.init) {
    w.u8(0x40);
    w.u8(0x00);
  }
  writeValType(w, t.type.element);
  writeLimits(w, t.type, false, t.type.index64);
  if (t.init) writeCode(w, t.init);
}

function writeGlobal(w: Writer, g: Global): void {
  writeValType(w, g.type.type);
  w.u8(g.type.mutable ? 1 : 0);
  writeCode(w, g.init);
}

// ---- segments ---------------------------------------------------------------

// Element segment flag bits.
const ELEM_PASSIVE_OR_DECLARATIVE = 1;
const ELEM_EXPLICIT_TABLE = 2;
const ELEM_DECLARATIVE = 2;
const ELEM_EXPRS = 4;

/** `(ref func)`, the element type 3.0 gives the function-index forms. */
const REF_FUNC = refType(HeapType.func, false);

/**
 * An element segment in the smallest of the eight forms that represents it,
 * chosen as wabt does: function indices (`elemkind 0x00`) when the type is
 * funcref and every element is `ref.func x` alone, expressions otherwise; the
 * table index is explicit unless it is table 0 with type funcref.
 */
function writeElem(w: Writer, e: Elem): void {
  const funcs = elemFuncs(e);
  let flags = funcs ? 0 : ELEM_EXPRS;
  if (e.mode === "active") {
    if (e.table !== 0 || (!funcs && e.type !== ValType.funcref)) flags |= ELEM_EXPLICIT_TABLE;
  } else {
    flags |= ELEM_PASSIVE_OR_DECLARATIVE;
    if (e.mode === "declarative") flags |= ELEM_DECLARATIVE;
  }
  w.u8(flags);
  if (e.mode === "active") {
    if (flags & ELEM_EXPLICIT_TABLE) w.u32(e.table);
    writeCode(w, e.offset!);
  }
  // Forms 0 and 4 imply the element kind; the others spell it out.
  const implied = flags === 0 || flags === ELEM_EXPRS;
  if (funcs) {
    if (!implied) w.u8(0x00); // elemkind: funcref
    writeVec(w, funcs, (w, f) => w.u32(f));
  } else {
    if (!implied) writeValType(w, e.type);
    writeVec(w, (e.init as { exprs: Code[] }).exprs, writeCode);
  }
}

/** The function indices of a segment that the `elemkind` forms can express, else null. */
function elemFuncs(e: Elem): number[] | null {
  if (e.init.kind === "funcs") return e.init.funcs;
  if (e.type !== ValType.funcref && e.type !== REF_FUNC) return null;
  const out: number[] = [];
  for (const x of e.init.exprs) {
    const ops = x.ops;
    if (ops.length !== 3 || ops[0] !== Op.ref_func || ops[2] !== Op.end) return null;
    out.push(ops[1]);
  }
  return out;
}

/** Data segment forms: 0 active in memory 0, 1 passive, 2 active with a memory index. */
function writeData(w: Writer, d: Data): void {
  if (d.mode === "passive") {
    w.u8(1);
  } else {
    if (d.memory === 0) {
      w.u8(0);
    } else {
      w.u8(2);
      w.u32(d.memory);
    }
    writeCode(w, d.offset!);
  }
  w.u32(d.bytes.length);
  w.bytes(d.bytes);
}

// ---- code -------------------------------------------------------------------

function writeFuncBodies(w: Writer, m: Module): void {
  w.u32(m.funcs.length);
  for (const f of m.funcs) {
    const mark = w.beginSized();
    w.u32(f.locals.length);
    for (const g of f.locals) {
      w.u32(g.count);
      writeValType(w, g.type);
    }
    writeCode(w, f.body);
    w.endSized(mark);
  }
}

// ---- names ------------------------------------------------------------------

/**
 * Name section subsections: module (0), functions (1), locals (2), each only
 * when present, then the ones kept as bytes (ids 3 and up, in order).
 */
function writeNames(w: Writer, names: Names): void {
  if (names.module !== null) {
    w.u8(0);
    const mark = w.beginSized();
    w.name(names.module);
    w.endSized(mark);
  }
  if (names.functions.size > 0) {
    w.u8(1);
    const mark = w.beginSized();
    writeNameMap(w, names.functions);
    w.endSized(mark);
  }
  if (names.locals.size > 0) {
    w.u8(2);
    const mark = w.beginSized();
    const funcs = sortedKeys(names.locals);
    w.u32(funcs.length);
    for (const f of funcs) {
      w.u32(f);
      writeNameMap(w, names.locals.get(f)!);
    }
    w.endSized(mark);
  }
  for (const sub of names.other ?? []) {
    w.u8(sub.id);
    w.u32(sub.bytes.length);
    w.bytes(sub.bytes);
  }
}

/** A name map, sorted by index as the format requires. */
function writeNameMap(w: Writer, map: Map<number, string>): void {
  const keys = sortedKeys(map);
  w.u32(keys.length);
  for (const k of keys) {
    w.u32(k);
    w.name(map.get(k)!);
  }
}

function sortedKeys<V>(map: Map<number, V>): number[] {
  return [...map.keys()].sort((a, b) => a - b);
}

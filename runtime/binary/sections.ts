/**
 * Decoding of the known sections other than the type section
 * (`read_types.ts`) and custom sections (`decode.ts`, `names.ts`): imports,
 * functions, tables, memories, tags, globals, exports, start, elements, data
 * count, code and data. Each reader appends to the {@linkcode Module} under
 * construction; `decode.ts` frames the sections and checks their sizes.
 *
 * @module
 */

import type {
  Code,
  Data,
  Elem,
  ExternKind,
  Func,
  ImportDesc,
  LocalGroup,
  Module,
  SegmentMode,
} from "../module.ts";
import { ValType } from "../types.ts";
import type { CodeDecoder } from "./instructions.ts";
import {
  readGlobalType,
  readMemoryType,
  readRefType,
  readTableType,
  readValType,
} from "./read_types.ts";
import type { Reader } from "./reader.ts";

const TWO_32 = 0x1_0000_0000;

/** Reads a tag type: a zero attribute byte, then a type index. */
function readTagType(r: Reader): number {
  r.zero();
  return r.u32();
}

/** Decodes the import section into `m.imports`. */
export function readImportSection(r: Reader, m: Module): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const at = r.pos;
    const kind = r.u8();
    let desc: ImportDesc;
    switch (kind) {
      case 0:
        desc = { kind: "func", type: r.u32() };
        break;
      case 1:
        desc = { kind: "table", table: readTableType(r) };
        break;
      case 2:
        desc = { kind: "memory", memory: readMemoryType(r) };
        break;
      case 3:
        desc = { kind: "global", global: readGlobalType(r) };
        break;
      case 4:
        if (r.wasm3) {
          desc = { kind: "tag", type: readTagType(r) };
          break;
        }
        // falls through
      default:
        return r.fail("malformed import kind", at);
    }
    m.imports.push({ module, name, desc });
  }
}

/** Decodes the function section: the type index of each defined function. */
export function readFunctionSection(r: Reader): number[] {
  const n = r.count();
  const types = new Array<number>(n);
  for (let i = 0; i < n; i++) types[i] = r.u32();
  return types;
}

/** Decodes the table section into `m.tables` (3.0: with optional initialiser). */
export function readTableSection(r: Reader, m: Module, dec: CodeDecoder): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    if (r.wasm3 && r.bytes[r.pos] === 0x40) {
      r.pos++;
      r.zero();
      const type = readTableType(r);
      m.tables.push({ type, init: dec.read(r) });
    } else {
      m.tables.push({ type: readTableType(r), init: null });
    }
  }
}

/** Decodes the memory section into `m.memories`. */
export function readMemorySection(r: Reader, m: Module): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.memories.push(readMemoryType(r));
}

/** Decodes the tag section (3.0) into `m.tags`. */
export function readTagSection(r: Reader, m: Module): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.tags.push({ type: readTagType(r) });
}

/** Decodes the global section into `m.globals`. */
export function readGlobalSection(r: Reader, m: Module, dec: CodeDecoder): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const type = readGlobalType(r);
    m.globals.push({ type, init: dec.read(r) });
  }
}

const EXPORT_KINDS: readonly ExternKind[] = ["func", "table", "memory", "global", "tag"];

/** Decodes the export section into `m.exports`. */
export function readExportSection(r: Reader, m: Module): void {
  const n = r.count();
  const kinds = r.wasm3 ? 5 : 4;
  for (let i = 0; i < n; i++) {
    const name = r.name();
    const at = r.pos;
    const k = r.u8();
    if (k >= kinds) r.fail("malformed export kind", at);
    m.exports.push({ name, kind: EXPORT_KINDS[k], index: r.u32() });
  }
}

/** Reads an element kind byte: only 0x00 (`funcref`). */
function readElemKind(r: Reader): ValType {
  if (r.u8() !== 0) r.fail("malformed element kind", r.pos - 1);
  return ValType.funcref;
}

/**
 * Decodes the element section into `m.elems`. The flags word selects one of
 * eight forms: bit 0 passive/declarative, bit 1 explicit table index (or
 * declarative), bit 2 expressions instead of function indices.
 */
export function readElementSection(r: Reader, m: Module, dec: CodeDecoder): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const flags = r.u32();
    if (flags > 7) r.fail("malformed elements segment kind", at);
    let mode: SegmentMode = "active";
    let table = 0;
    let offset: Code | null = null;
    if ((flags & 1) === 0) {
      if ((flags & 2) !== 0) table = r.u32();
      offset = dec.read(r);
    } else {
      mode = (flags & 2) !== 0 ? "declarative" : "passive";
    }
    const exprs = (flags & 4) !== 0;
    // Forms 0 and 4 (active, table 0) have an implicit funcref type.
    let type: ValType = ValType.funcref;
    if ((flags & 3) !== 0) type = exprs ? readRefType(r) : readElemKind(r);
    const count = r.count();
    let init: Elem["init"];
    if (exprs) {
      const list = new Array<Code>(count);
      for (let j = 0; j < count; j++) list[j] = dec.read(r);
      init = { kind: "exprs", exprs: list };
    } else {
      const funcs = new Array<number>(count);
      for (let j = 0; j < count; j++) funcs[j] = r.u32();
      init = { kind: "funcs", funcs };
    }
    m.elems.push({ mode, table, offset, type, init });
  }
}

/**
 * Decodes the code section: each body's size, local groups (at most
 * 2^32 - 1 locals in all, else `"too many locals"`) and instructions, as
 * functions of the types `types` (the function section's; the caller checks
 * that the two sections agree in length). A body that does not end exactly
 * at its declared size is `"section size mismatch"`.
 */
export function readCodeSection(r: Reader, dec: CodeDecoder, types: number[]): Func[] {
  const n = r.count();
  const out = new Array<Func>(n);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const size = r.count();
    const start = r.pos;
    const groups = r.count();
    const locals = new Array<LocalGroup>(groups);
    let total = 0;
    for (let j = 0; j < groups; j++) {
      const count = r.u32();
      total += count;
      locals[j] = { count, type: readValType(r) };
    }
    if (total >= TWO_32) r.fail("too many locals", start);
    const body = dec.read(r);
    if (r.pos !== start + size) r.fail("section size mismatch", start);
    out[i] = { type: i < types.length ? types[i] : 0, locals, body, offset };
  }
  return out;
}

/** Decodes the data section into `m.datas`; flags 0 active (memory 0), 1 passive, 2 active with memory index. */
export function readDataSection(r: Reader, m: Module, dec: CodeDecoder): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const flags = r.u32();
    if (flags > 2) r.fail("malformed data segment kind", at);
    const memory = flags === 2 ? r.u32() : 0;
    const offset = flags === 1 ? null : dec.read(r);
    const data: Data = {
      mode: flags === 1 ? "passive" : "active",
      memory,
      offset,
      bytes: r.byteString().slice(),
    };
    m.datas.push(data);
  }
}

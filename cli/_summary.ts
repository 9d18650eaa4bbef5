/**
 * A plain-data summary of a module — what `wasm-objdump -x` shows — built
 * once and then either printed as tables (`kwasm inspect`) or as JSON
 * (`kwasm inspect --json`), so the two never disagree.
 *
 * The summary is built from a decoded but possibly invalid module, so every
 * lookup by index tolerates a dangling index.
 *
 * @module
 */

import { bodySize, listSections, type SectionInfo } from "../runtime/binary/section_list.ts";
import {
  type Code,
  type ExternKind,
  funcTypeAt,
  type ImportDesc,
  type Module,
  SectionId,
} from "../runtime/module.ts";
import { valTypeName } from "../runtime/types.ts";
import {
  constExprText,
  funcTypeText,
  globalTypeText,
  memoryTypeText,
  subTypeText,
  tableTypeText,
} from "./_format.ts";

/** One type definition. */
export interface TypeSummary {
  /** Type index. */
  index: number;
  /** Text form: `(func (param i32) (result i32))`. */
  text: string;
}

/** One import. */
export interface ImportSummary {
  /** Index in the index space of its kind. */
  index: number;
  /** What is imported. */
  kind: ExternKind;
  /** Module name. */
  module: string;
  /** Field name. */
  name: string;
  /** Text form of its type: `(func (type 1) (param i32))`, `(memory 1)`, `(global (mut i32))`. */
  type: string;
  /** The item's name from the name section (functions only), or null. */
  itemName: string | null;
}

/** One function defined by the module. */
export interface FunctionSummary {
  /** Function index (imports first). */
  index: number;
  /** Name from the name section, or null. */
  name: string | null;
  /** Type index. */
  type: number;
  /** Text form of the type. */
  signature: string;
  /** Number of declared locals (parameters excluded). */
  locals: number;
  /** Body size in bytes, when known. */
  size: number | null;
  /** Number of instructions in the body (its final `end` included). */
  instructions: number;
}

/** A table, memory, global or tag defined by the module. */
export interface ItemSummary {
  /** Index in its index space (imports first). */
  index: number;
  /** Text form of its type. */
  type: string;
  /** Initialiser (globals, and tables with one), or null. */
  init: string | null;
}

/** One export. */
export interface ExportSummary {
  /** Exported name. */
  name: string;
  /** Kind of item. */
  kind: ExternKind;
  /** Index in the kind's index space. */
  index: number;
  /** The item's name from the name section (functions only), or null. */
  itemName: string | null;
}

/** One element or data segment. */
export interface SegmentSummary {
  /** Segment index. */
  index: number;
  /** `active`, `passive` or `declarative`. */
  mode: string;
  /** Target table or memory of an active segment, else null. */
  target: number | null;
  /** Offset expression of an active segment, else null. */
  offset: string | null;
  /** Element type (element segments), or null. */
  type: string | null;
  /** Number of elements, or of bytes for data segments. */
  size: number;
  /** Start of a data segment's bytes as a text-format string literal, or null. */
  preview: string | null;
}

/** One custom section. */
export interface CustomSummary {
  /** Section name. */
  name: string;
  /** Payload offset. */
  offset: number;
  /** Payload size (name included). */
  size: number;
  /** What a known custom section holds (`name`: counts of names), or null. */
  detail: string | null;
}

/** Everything `kwasm inspect` shows about a module. */
export interface ModuleSummary {
  /** The file it was read from. */
  file: string;
  /** Size of the binary in bytes. */
  bytes: number;
  /** Module name from the name section, or null. */
  name: string | null;
  /** Whether the module validates. */
  valid: boolean;
  /** The validation error's message when it does not, else null. */
  error: string | null;
  /** The section table. */
  sections: SectionInfo[];
  /** Type definitions. */
  types: TypeSummary[];
  /** Imports. */
  imports: ImportSummary[];
  /** Defined functions. */
  functions: FunctionSummary[];
  /** Defined tables. */
  tables: ItemSummary[];
  /** Defined memories. */
  memories: ItemSummary[];
  /** Defined globals. */
  globals: ItemSummary[];
  /** Defined tags. */
  tags: ItemSummary[];
  /** Exports. */
  exports: ExportSummary[];
  /** Start function, or null. */
  start: { index: number; name: string | null } | null;
  /** Element segments. */
  elements: SegmentSummary[];
  /** Data segments. */
  data: SegmentSummary[];
  /** Custom sections (the name section included). */
  customs: CustomSummary[];
}

/** Text of type index `t` as a function type, `(func (type 7))` when it is not one. */
function signatureOf(m: Module, t: number): string {
  const ft = funcTypeAt(m, t);
  return ft === null ? `(func (type ${t}))` : funcTypeText(ft);
}

function importTypeText(m: Module, d: ImportDesc): string {
  switch (d.kind) {
    case "func":
    case "tag":
      return signatureOf(m, d.type).replace(`(func`, `(${d.kind} (type ${d.type})`);
    case "table":
      return tableTypeText(d.table);
    case "memory":
      return memoryTypeText(d.memory);
    case "global":
      return `(global ${globalTypeText(d.global)})`;
  }
}

function initText(code: Code | null): string | null {
  return code === null ? null : constExprText(code);
}

/** `"hello\00"`-style preview of the first bytes of a data segment. */
function bytesPreview(bytes: Uint8Array, max = 24): string {
  let s = '"';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x22 || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\" + b.toString(16).padStart(2, "0");
  }
  return s + (bytes.length > max ? '"…' : '"');
}

function nameSectionDetail(m: Module): string | null {
  const n = m.names;
  if (n === null) return null;
  const parts: string[] = [];
  if (n.module !== null) parts.push("module name");
  if (n.functions.size > 0) parts.push(`${n.functions.size} function names`);
  if (n.locals.size > 0) parts.push(`local names in ${n.locals.size} functions`);
  return parts.length > 0 ? parts.join(", ") : "empty";
}

/**
 * Builds the summary of `module`, decoded from `bytes` read from `file`.
 * `error` is the validation error's message, or null for a valid module.
 */
export function summarize(
  file: string,
  bytes: Uint8Array,
  module: Module,
  error: string | null,
): ModuleSummary {
  const m = module;
  const fnName = (i: number) => m.names?.functions.get(i) ?? null;
  const sections = listSections(bytes);
  const counters: Record<ExternKind, number> = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };

  const imports = m.imports.map((imp): ImportSummary => {
    const index = counters[imp.desc.kind]++;
    return {
      index,
      kind: imp.desc.kind,
      module: imp.module,
      name: imp.name,
      type: importTypeText(m, imp.desc),
      itemName: imp.desc.kind === "func" ? fnName(index) : null,
    };
  });

  const functions = m.funcs.map((f, i): FunctionSummary => {
    const index = counters.func + i;
    return {
      index,
      name: fnName(index),
      type: f.type,
      signature: signatureOf(m, f.type),
      locals: f.locals.reduce((n, g) => n + g.count, 0),
      size: bodySize(bytes, f.offset),
      instructions: f.body.offsets.length,
    };
  });

  const elements = m.elems.map((e, index): SegmentSummary => ({
    index,
    mode: e.mode,
    target: e.mode === "active" ? e.table : null,
    offset: initText(e.offset),
    type: valTypeName(e.type),
    size: e.init.kind === "funcs" ? e.init.funcs.length : e.init.exprs.length,
    preview: null,
  }));

  const data = m.datas.map((d, index): SegmentSummary => ({
    index,
    mode: d.mode,
    target: d.mode === "active" ? d.memory : null,
    offset: initText(d.offset),
    type: null,
    size: d.bytes.length,
    preview: bytesPreview(d.bytes),
  }));

  const customs = sections.filter((s) => s.id === SectionId.custom).map((s): CustomSummary => ({
    name: s.name,
    offset: s.offset,
    size: s.size,
    detail: s.name === "name" ? nameSectionDetail(m) : null,
  }));

  return {
    file,
    bytes: bytes.length,
    name: m.names?.module ?? null,
    valid: error === null,
    error,
    sections,
    types: m.types.map((t, index) => ({ index, text: subTypeText(t) })),
    imports,
    functions,
    tables: m.tables.map((t, i) => ({
      index: counters.table + i,
      type: tableTypeText(t.type),
      init: initText(t.init),
    })),
    memories: m.memories.map((t, i) => ({
      index: counters.memory + i,
      type: memoryTypeText(t),
      init: null,
    })),
    globals: m.globals.map((g, i) => ({
      index: counters.global + i,
      type: globalTypeText(g.type),
      init: constExprText(g.init),
    })),
    tags: m.tags.map((t, i) => ({
      index: counters.tag + i,
      type: signatureOf(m, t.type).replace("(func", `(tag (type ${t.type})`),
      init: null,
    })),
    exports: m.exports.map((e) => ({
      name: e.name,
      kind: e.kind,
      index: e.index,
      itemName: e.kind === "func" ? fnName(e.index) : null,
    })),
    start: m.start === null ? null : { index: m.start, name: fnName(m.start) },
    elements,
    data,
    customs,
  };
}

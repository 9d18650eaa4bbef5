/**
 * The one data model of a WebAssembly module, shared by every stage: the
 * binary decoder and the text parser produce it, the validator checks it, the
 * encoder writes it, and the engines compile it. No stage keeps a private
 * copy of it.
 *
 * Index spaces follow the spec: function, table, memory, global and tag
 * indices count imports first, then definitions. Instruction sequences are
 * {@linkcode Code}: a flat stream of opcode ids and immediates (see
 * `runtime/code.ts`), so a 1 MB module is a handful of typed arrays, not a
 * million objects.
 *
 * @module
 */

import type { ValType } from "./types.ts";

export type { BlockType, HeapTypeCode, ValType } from "./types.ts";

/**
 * A decoded instruction sequence (a function body or a constant expression).
 *
 * `ops` holds, for each instruction, its opcode id (an index into the opcode
 * table of `runtime/opcodes.ts`) followed by its immediates as 32-bit words;
 * `runtime/code.ts` reads and writes it. `offsets[i]` is the byte offset in
 * the module binary of the i-th instruction (0 when not decoded from bytes),
 * for error messages and backtraces.
 */
export interface Code {
  /** Opcode ids and immediate words. */
  ops: Int32Array;
  /** Byte offset of each instruction in the module, in order. */
  offsets: Uint32Array;
}

/** A function type `[params] -> [results]`. */
export interface FuncType {
  /** Discriminant. */
  kind: "func";
  /** Parameter types. */
  params: ValType[];
  /** Result types. */
  results: ValType[];
}

/** A struct or array field (3.0 GC). `packed` is `"i8"`/`"i16"` for packed storage. */
export interface FieldType {
  /** The stored type (unpacked). */
  type: ValType;
  /** Packed storage type, if any. */
  packed: "i8" | "i16" | null;
  /** Whether the field may be written. */
  mutable: boolean;
}

/** A struct type (3.0 GC). */
export interface StructType {
  /** Discriminant. */
  kind: "struct";
  /** The fields, in order. */
  fields: FieldType[];
}

/** An array type (3.0 GC). */
export interface ArrayType {
  /** Discriminant. */
  kind: "array";
  /** The element field. */
  element: FieldType;
}

/** The composite types a type definition can have. */
export type CompositeType = FuncType | StructType | ArrayType;

/**
 * One entry of the type section. In 2.0 every entry is a final function type
 * with no supertypes in a recursion group of its own.
 */
export interface SubType {
  /** `final` types admit no subtypes. */
  final: boolean;
  /** Declared supertype indices (at most one). */
  supers: number[];
  /** The type itself. */
  composite: CompositeType;
}

/**
 * A recursion group: the `size` consecutive entries of `Module.types` starting
 * at `start`. In 2.0 every group has size 1 and is implicit.
 */
export interface RecGroup {
  /** Index of the first type of the group. */
  start: number;
  /** Number of types in the group. */
  size: number;
  /** Written as `rec` (0x4E) even with one member. */
  explicit: boolean;
}

/** Limits of a table or memory, in elements or pages. */
export interface Limits {
  /** Minimum (initial) size. */
  min: number;
  /** Maximum size, if bounded. */
  max: number | null;
}

/** A memory type. */
export interface MemoryType extends Limits {
  /** Shared memory (threads). */
  shared: boolean;
  /** Indexed by i64 (memory64). */
  index64: boolean;
}

/** A table type. */
export interface TableType extends Limits {
  /** The element reference type. */
  element: ValType;
  /** Indexed by i64 (table64). */
  index64: boolean;
}

/** A global type. */
export interface GlobalType {
  /** The value type. */
  type: ValType;
  /** Whether `global.set` may write it. */
  mutable: boolean;
}

/** The kinds of external values. */
export type ExternKind = "func" | "table" | "memory" | "global" | "tag";

/** What an import brings in. */
export type ImportDesc =
  | { kind: "func"; type: number }
  | { kind: "table"; table: TableType }
  | { kind: "memory"; memory: MemoryType }
  | { kind: "global"; global: GlobalType }
  | { kind: "tag"; type: number };

/** An import. */
export interface Import {
  /** Module name. */
  module: string;
  /** Field name. */
  name: string;
  /** What is imported. */
  desc: ImportDesc;
}

/** A group of `count` locals of one type, as the binary format declares them. */
export interface LocalGroup {
  /** How many locals. */
  count: number;
  /** Their type. */
  type: ValType;
}

/** A function defined by the module. */
export interface Func {
  /** Index into `Module.types`. */
  type: number;
  /** Declared locals (parameters excluded), in groups. */
  locals: LocalGroup[];
  /** The body; like the binary format's, the stream ends with `end`. */
  body: Code;
  /** Byte offset of the body's size field in the module (0 if not decoded). */
  offset: number;
}

/** A table defined by the module. */
export interface Table {
  /** Its type. */
  type: TableType;
  /** Initialiser for every element (3.0 `table` with init expression), else null. */
  init: Code | null;
}

/** A global defined by the module. */
export interface Global {
  /** Its type. */
  type: GlobalType;
  /** Constant initialiser expression (ends with `end`). */
  init: Code;
}

/** An export. */
export interface Export {
  /** Exported name. */
  name: string;
  /** What kind of item. */
  kind: ExternKind;
  /** Index in the kind's index space. */
  index: number;
}

/** Element segment modes. */
export type SegmentMode = "active" | "passive" | "declarative";

/** An element segment. */
export interface Elem {
  /** How the segment is used. */
  mode: SegmentMode;
  /** Target table (active segments). */
  table: number;
  /** Offset expression (active segments). */
  offset: Code | null;
  /** Element reference type. */
  type: ValType;
  /**
   * The elements: function indices (the compact `elemkind 0x00` forms) or
   * constant expressions.
   */
  init: { kind: "funcs"; funcs: number[] } | { kind: "exprs"; exprs: Code[] };
}

/** A data segment. */
export interface Data {
  /** `"active"` or `"passive"`. */
  mode: "active" | "passive";
  /** Target memory (active segments). */
  memory: number;
  /** Offset expression (active segments). */
  offset: Code | null;
  /** The bytes. */
  bytes: Uint8Array;
}

/** An exception tag (3.0). */
export interface Tag {
  /** Index of its function type (results must be empty). */
  type: number;
}

/** Section ids of the binary format. */
export const SectionId = {
  /** custom sections */
  custom: 0,
  /** type section */
  type: 1,
  /** import section */
  import: 2,
  /** function section */
  function: 3,
  /** table section */
  table: 4,
  /** memory section */
  memory: 5,
  /** global section */
  global: 6,
  /** export section */
  export: 7,
  /** start section */
  start: 8,
  /** element section */
  element: 9,
  /** code section */
  code: 10,
  /** data section */
  data: 11,
  /** data count section */
  dataCount: 12,
  /** tag section (3.0) */
  tag: 13,
} as const;

/**
 * A custom section kept as bytes. `after` is the id of the last non-custom
 * section before it (0 when it precedes all of them), so an encoder can put
 * it back where it was.
 */
export interface CustomSection {
  /** Section name. */
  name: string;
  /** Payload after the name. */
  bytes: Uint8Array;
  /** Id of the known section it follows, or 0. */
  after: number;
}

/**
 * A subsection of the `name` section that {@linkcode Names} does not model
 * (the extended names: labels, types, tables, memories, globals, element and
 * data segments, fields, tags), kept as its bytes.
 */
export interface NameSubsection {
  /** Subsection id (3 and up). */
  id: number;
  /** Its payload (after the size). */
  bytes: Uint8Array;
}

/** The contents of the `name` custom section. */
export interface Names {
  /** Module name (subsection 0). */
  module: string | null;
  /** Function names by function index (subsection 1). */
  functions: Map<number, string>;
  /** Local names by function index, then local index (subsection 2). */
  locals: Map<number, Map<number, string>>;
  /** Where the name section stood, as for {@linkcode CustomSection.after}. */
  after: number;
  /** Subsections with ids above 2, in order, as bytes (written back after subsection 2). */
  other?: NameSubsection[];
  /**
   * How many entries of {@linkcode Module.customs} stood before the name
   * section, so an encoder can put it back among the custom sections that
   * share its `after`. When absent, the encoder follows wasm-ld's order.
   */
  position?: number;
}

/** A WebAssembly module: the shared data model of kwasm. */
export interface Module {
  /** Type definitions (flattened over recursion groups). */
  types: SubType[];
  /** Recursion groups covering `types` in order. */
  recGroups: RecGroup[];
  /** Imports, in order. */
  imports: Import[];
  /** Functions defined by the module. */
  funcs: Func[];
  /** Tables defined by the module. */
  tables: Table[];
  /** Memories defined by the module. */
  memories: MemoryType[];
  /** Globals defined by the module. */
  globals: Global[];
  /** Exception tags defined by the module (3.0). */
  tags: Tag[];
  /** Exports, in order. */
  exports: Export[];
  /** Start function index, if any. */
  start: number | null;
  /** Element segments. */
  elems: Elem[];
  /** Data segments. */
  datas: Data[];
  /** The data count section's value, when present. */
  dataCount: number | null;
  /** Custom sections other than a well-formed `name` section. */
  customs: CustomSection[];
  /** The parsed `name` section, if present and well-formed. */
  names: Names | null;
}

/** A module with nothing in it. */
export function emptyModule(): Module {
  return {
    types: [],
    recGroups: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    tags: [],
    exports: [],
    start: null,
    elems: [],
    datas: [],
    dataCount: null,
    customs: [],
    names: null,
  };
}

/** The function type of a type index, or null if it is not a function type. */
export function funcTypeAt(m: Module, index: number): FuncType | null {
  const t = m.types[index];
  return t && t.composite.kind === "func" ? t.composite : null;
}

/** The counts of every index space (imports included). */
export interface IndexSpaces {
  /** Functions. */
  funcs: number;
  /** Tables. */
  tables: number;
  /** Memories. */
  memories: number;
  /** Globals. */
  globals: number;
  /** Tags. */
  tags: number;
}

/** Counts imported plus defined items of each kind. */
export function indexSpaces(m: Module): IndexSpaces {
  const s = {
    funcs: m.funcs.length,
    tables: m.tables.length,
    memories: m.memories.length,
    globals: m.globals.length,
    tags: m.tags.length,
  };
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case "func":
        s.funcs++;
        break;
      case "table":
        s.tables++;
        break;
      case "memory":
        s.memories++;
        break;
      case "global":
        s.globals++;
        break;
      case "tag":
        s.tags++;
        break;
    }
  }
  return s;
}

/** Type index of every function in the function index space (imports first). */
export function funcTypeIndices(m: Module): number[] {
  const out: number[] = [];
  for (const imp of m.imports) if (imp.desc.kind === "func") out.push(imp.desc.type);
  for (const f of m.funcs) out.push(f.type);
  return out;
}

/** Table types of the table index space (imports first). */
export function tableTypes(m: Module): TableType[] {
  const out: TableType[] = [];
  for (const imp of m.imports) if (imp.desc.kind === "table") out.push(imp.desc.table);
  for (const t of m.tables) out.push(t.type);
  return out;
}

/** Memory types of the memory index space (imports first). */
export function memoryTypes(m: Module): MemoryType[] {
  const out: MemoryType[] = [];
  for (const imp of m.imports) if (imp.desc.kind === "memory") out.push(imp.desc.memory);
  for (const mem of m.memories) out.push(mem);
  return out;
}

/** Global types of the global index space (imports first). */
export function globalTypes(m: Module): GlobalType[] {
  const out: GlobalType[] = [];
  for (const imp of m.imports) if (imp.desc.kind === "global") out.push(imp.desc.global);
  for (const g of m.globals) out.push(g.type);
  return out;
}

/** Type index of every tag in the tag index space (imports first). */
export function tagTypeIndices(m: Module): number[] {
  const out: number[] = [];
  for (const imp of m.imports) if (imp.desc.kind === "tag") out.push(imp.desc.type);
  for (const t of m.tags) out.push(t.type);
  return out;
}

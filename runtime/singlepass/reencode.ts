/**
 * A re-encoder: a walk over a {@linkcode Module} that rebuilds it item by
 * item through overridable hooks, each defaulting to the identity — the shape
 * of `wasm-encoder`'s `Reencode` trait. A pass that instruments code (the
 * singlepass guards) overrides the few hooks it cares about and inherits the
 * faithful copy of everything else.
 *
 * ```text
 *   module ─┬─ types      → type(t)
 *           ├─ imports    → import(i)           index hooks, applied everywhere an
 *           ├─ funcs      → func(f, i) → body    index appears: typeIndex, funcIndex,
 *           ├─ tables, memories, globals          tableIndex, memoryIndex, globalIndex,
 *           ├─ exports    → export(e)           and localIndex inside bodies
 *           ├─ start, elems, datas
 *           └─ customs, names (kept)
 *   body ── for each instruction: instruction(ops, pc, out, offset) → copyInstr
 * ```
 *
 * Bodies are walked without allocating per instruction: the immediates are
 * copied word by word into one {@linkcode CodeArena} per walk, with the index
 * hooks applied by immediate shape (the table of `runtime/opcodes.ts`), not by
 * a switch over opcodes.
 *
 * @example Renumber globals (here: insert one imported global before the defined ones)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Reencoder } from "./reencode.ts";
 * import { emptyModule } from "../module.ts";
 *
 * class ShiftGlobals extends Reencoder {
 *   override globalIndex(i: number): number {
 *     return i < 1 ? i : i + 1;
 *   }
 * }
 * const out = new ShiftGlobals().module(emptyModule());
 * assert.equal(out.funcs.length, 0);
 * ```
 *
 * @module
 */

import { CodeArena } from "./arena.ts";
import type {
  Code,
  Data,
  Elem,
  Export,
  Func,
  Global,
  Import,
  MemoryType,
  Module,
  SubType,
  Table,
} from "../module.ts";
import { type Imm, OPS } from "../opcodes.ts";
import { heapOf, isRef, NULLABLE, refType, type ValType } from "../types.ts";

// Immediate shapes as small integers, for a dense switch in copyInstr.
const S_NONE = 0;
const S_BLOCK = 1;
const S_FUNC = 2;
const S_LOCAL = 3;
const S_GLOBAL = 4;
const S_TABLE = 5;
const S_MEMORY = 6;
const S_MEMARG = 7;
const S_CALL_INDIRECT = 8;
const S_MEMORY_PAIR = 9;
const S_MEMORY_INIT = 10;
const S_TABLE_PAIR = 11;
const S_TABLE_INIT = 12;
const S_HEAPTYPE = 13;
const S_SELECT_T = 14;
const S_COPY = 15;

const SHAPE_OF: Readonly<Record<Imm, number>> = {
  "": S_NONE,
  block: S_BLOCK,
  label: S_COPY,
  br_table: S_COPY,
  func: S_FUNC,
  call_indirect: S_CALL_INDIRECT,
  local: S_LOCAL,
  global: S_GLOBAL,
  table: S_TABLE,
  memory: S_MEMORY,
  memarg: S_MEMARG,
  memarg_lane: S_MEMARG,
  i32: S_COPY,
  i64: S_COPY,
  f32: S_COPY,
  f64: S_COPY,
  v128: S_COPY,
  shuffle: S_COPY,
  lane: S_COPY,
  select_t: S_SELECT_T,
  heaptype: S_HEAPTYPE,
  memory_init: S_MEMORY_INIT,
  data: S_COPY,
  memory_copy: S_MEMORY_PAIR,
  table_init: S_TABLE_INIT,
  elem: S_COPY,
  table_copy: S_TABLE_PAIR,
};

/** Immediate shape of every opcode id. */
const SHAPE = Uint8Array.from(OPS, (op) => SHAPE_OF[op.imm]);

/**
 * Rebuilds a module through per-item hooks that default to the identity.
 * Subclasses override hooks; {@linkcode Reencoder.module} runs the walk.
 */
export class Reencoder {
  /** The module being walked (set by {@linkcode Reencoder.module}). */
  protected source!: Module;
  /** Where bodies and constant expressions are written (each a view of it). */
  protected readonly out: CodeArena = new CodeArena();

  // ---- index hooks ----------------------------------------------------------

  /** Maps a type index. */
  typeIndex(i: number): number {
    return i;
  }
  /** Maps a function index. */
  funcIndex(i: number): number {
    return i;
  }
  /** Maps a table index. */
  tableIndex(i: number): number {
    return i;
  }
  /** Maps a memory index. */
  memoryIndex(i: number): number {
    return i;
  }
  /** Maps a global index. */
  globalIndex(i: number): number {
    return i;
  }
  /** Maps a local index inside the body being walked. */
  localIndex(i: number): number {
    return i;
  }

  /** Maps a value type (the type indices inside reference types). */
  valType(t: ValType): ValType {
    if (!isRef(t)) return t;
    const heap = heapOf(t);
    return heap < 0 ? t : refType(this.typeIndex(heap), (t & NULLABLE) !== 0);
  }

  // ---- the walk -------------------------------------------------------------

  /** Walks `m` and returns the rebuilt module; `m` is not changed. */
  module(m: Module): Module {
    this.source = m;
    const out: Module = {
      types: this.types(m),
      recGroups: m.recGroups.map((g) => ({ ...g })),
      imports: this.imports(m),
      funcs: this.funcs(m),
      tables: m.tables.map((t) => this.table(t)),
      memories: this.memories(m),
      globals: this.globals(m),
      tags: m.tags.map((t) => ({ type: this.typeIndex(t.type) })),
      exports: this.exports(m),
      start: m.start === null ? null : this.funcIndex(m.start),
      elems: m.elems.map((e) => this.elem(e)),
      datas: m.datas.map((d) => this.data(d)),
      dataCount: m.dataCount,
      customs: m.customs,
      names: m.names,
    };
    return out;
  }

  /** The type section. */
  types(m: Module): SubType[] {
    return m.types.map((t) => this.type(t));
  }

  /** One type definition. */
  type(t: SubType): SubType {
    const c = t.composite;
    const supers = t.supers.map((s) => this.typeIndex(s));
    switch (c.kind) {
      case "func":
        return {
          final: t.final,
          supers,
          composite: {
            kind: "func",
            params: c.params.map((v) => this.valType(v)),
            results: c.results.map((v) => this.valType(v)),
          },
        };
      case "struct":
        return {
          final: t.final,
          supers,
          composite: {
            kind: "struct",
            fields: c.fields.map((f) => ({ ...f, type: this.valType(f.type) })),
          },
        };
      case "array":
        return {
          final: t.final,
          supers,
          composite: {
            kind: "array",
            element: { ...c.element, type: this.valType(c.element.type) },
          },
        };
    }
  }

  /** The import section. */
  imports(m: Module): Import[] {
    return m.imports.map((i) => this.import(i));
  }

  /** One import. */
  import(imp: Import): Import {
    const d = imp.desc;
    switch (d.kind) {
      case "func":
        return { ...imp, desc: { kind: "func", type: this.typeIndex(d.type) } };
      case "tag":
        return { ...imp, desc: { kind: "tag", type: this.typeIndex(d.type) } };
      case "table":
        return {
          ...imp,
          desc: { kind: "table", table: { ...d.table, element: this.valType(d.table.element) } },
        };
      case "global":
        return {
          ...imp,
          desc: { kind: "global", global: { ...d.global, type: this.valType(d.global.type) } },
        };
      case "memory":
        return imp;
    }
  }

  /** The functions defined by the module (function and code sections). */
  funcs(m: Module): Func[] {
    const base = m.imports.reduce((n, i) => n + (i.desc.kind === "func" ? 1 : 0), 0);
    return m.funcs.map((f, i) => this.func(f, base + i));
  }

  /** One defined function; `index` is its function index. */
  func(f: Func, _index: number): Func {
    return {
      type: this.typeIndex(f.type),
      locals: f.locals.map((g) => ({ count: g.count, type: this.valType(g.type) })),
      body: this.body(f.body),
      offset: f.offset,
    };
  }

  /** A function body: every instruction through {@linkcode Reencoder.instruction}. */
  body(code: Code): Code {
    const out = this.out;
    const ops = code.ops;
    const offsets = code.offsets;
    for (let pc = 0, k = 0; pc < ops.length; k++) {
      pc = this.instruction(ops, pc, out, offsets[k]);
    }
    return out.finish();
  }

  /**
   * One instruction of a body: appends its translation to `out` and returns
   * the position of the next instruction. The default copies it with the
   * index hooks applied ({@linkcode Reencoder.copyInstr}).
   */
  instruction(ops: Int32Array, pc: number, out: CodeArena, offset: number): number {
    return this.copyInstr(ops, pc, out, offset);
  }

  /**
   * Appends the instruction at `ops[pc]` to `out` with every index mapped
   * through the hooks; returns the position of the next instruction.
   */
  copyInstr(ops: Int32Array, pc: number, out: CodeArena, offset: number): number {
    const id = ops[pc++];
    out.op(id, offset);
    switch (SHAPE[id]) {
      case S_NONE:
        return pc;
      case S_BLOCK: {
        const bt = ops[pc];
        out.word(bt >= 0 ? this.typeIndex(bt) : bt < -0x40 ? ~this.valType(~bt) : bt);
        return pc + 1;
      }
      case S_FUNC:
        out.word(this.funcIndex(ops[pc]));
        return pc + 1;
      case S_LOCAL:
        out.word(this.localIndex(ops[pc]));
        return pc + 1;
      case S_GLOBAL:
        out.word(this.globalIndex(ops[pc]));
        return pc + 1;
      case S_TABLE:
        out.word(this.tableIndex(ops[pc]));
        return pc + 1;
      case S_MEMORY:
        out.word(this.memoryIndex(ops[pc]));
        return pc + 1;
      case S_MEMARG: {
        out.word(ops[pc]);
        out.word(this.memoryIndex(ops[pc + 1]));
        const end = pc + OPS[id].immWords;
        for (pc += 2; pc < end; pc++) out.word(ops[pc]);
        return pc;
      }
      case S_CALL_INDIRECT:
        out.word(this.typeIndex(ops[pc]));
        out.word(this.tableIndex(ops[pc + 1]));
        return pc + 2;
      case S_MEMORY_PAIR:
        out.word(this.memoryIndex(ops[pc]));
        out.word(this.memoryIndex(ops[pc + 1]));
        return pc + 2;
      case S_MEMORY_INIT:
        out.word(ops[pc]);
        out.word(this.memoryIndex(ops[pc + 1]));
        return pc + 2;
      case S_TABLE_PAIR:
        out.word(this.tableIndex(ops[pc]));
        out.word(this.tableIndex(ops[pc + 1]));
        return pc + 2;
      case S_TABLE_INIT:
        out.word(ops[pc]);
        out.word(this.tableIndex(ops[pc + 1]));
        return pc + 2;
      case S_HEAPTYPE: {
        const h = ops[pc];
        out.word(h >= 0 ? this.typeIndex(h) : h);
        return pc + 1;
      }
      case S_SELECT_T: {
        const n = ops[pc++];
        out.word(n);
        for (let i = 0; i < n; i++) out.word(this.valType(ops[pc++]));
        return pc;
      }
      default: {
        // Immediates without indices (constants, labels, lanes, segment indices).
        const words = OPS[id].immWords;
        const end = words >= 0 ? pc + words : pc + 2 + ops[pc]; // br_table: n, labels, default
        for (; pc < end; pc++) out.word(ops[pc]);
        return pc;
      }
    }
  }

  /** A constant expression (global initialiser, segment offset or element). */
  constExpr(code: Code): Code {
    const out = this.out;
    const ops = code.ops;
    for (let pc = 0, k = 0; pc < ops.length; k++) {
      pc = this.copyInstr(ops, pc, out, code.offsets[k]);
    }
    return out.finish();
  }

  /** One table definition. */
  table(t: Table): Table {
    return {
      type: { ...t.type, element: this.valType(t.type.element) },
      init: t.init && this.constExpr(t.init),
    };
  }

  /** The memory section. */
  memories(m: Module): MemoryType[] {
    return m.memories;
  }

  /** The global section. */
  globals(m: Module): Global[] {
    return m.globals.map((g) => this.global(g));
  }

  /** One global definition. */
  global(g: Global): Global {
    return { type: { ...g.type, type: this.valType(g.type.type) }, init: this.constExpr(g.init) };
  }

  /** The export section. */
  exports(m: Module): Export[] {
    return m.exports.map((e) => this.export(e));
  }

  /** One export. */
  export(e: Export): Export {
    switch (e.kind) {
      case "func":
        return { ...e, index: this.funcIndex(e.index) };
      case "table":
        return { ...e, index: this.tableIndex(e.index) };
      case "memory":
        return { ...e, index: this.memoryIndex(e.index) };
      case "global":
        return { ...e, index: this.globalIndex(e.index) };
      case "tag":
        return e;
    }
  }

  /** One element segment. */
  elem(e: Elem): Elem {
    return {
      mode: e.mode,
      table: this.tableIndex(e.table),
      offset: e.offset && this.constExpr(e.offset),
      type: this.valType(e.type),
      init: e.init.kind === "funcs"
        ? { kind: "funcs", funcs: e.init.funcs.map((f) => this.funcIndex(f)) }
        : { kind: "exprs", exprs: e.init.exprs.map((x) => this.constExpr(x)) },
    };
  }

  /** One data segment. */
  data(d: Data): Data {
    return {
      mode: d.mode,
      memory: this.memoryIndex(d.memory),
      offset: d.offset && this.constExpr(d.offset),
      bytes: d.bytes,
    };
  }
}

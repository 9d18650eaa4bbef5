/**
 * What the guard pass needs to know before it emits anything, found in one
 * pass over every body: which bodies make calls (the others need no entry
 * guard), which tables are private, and whether any code touches a memory.
 *
 * A funcref table is private to a module when it is defined by it (not
 * imported), not exported, filled only by active element segments of
 * functions it defines, and touched by no instruction but `call_indirect`
 * and `table.size`. Nothing outside the module can then see or change what
 * such a table holds, so the guard pass may fill it with inner bodies and
 * call them with the depth (and fuel) as arguments, as direct calls do —
 * C programs' function pointer tables are like this, and `qsort`'s
 * comparator no longer goes through a thunk.
 *
 * @module
 */

import type { Module } from "../module.ts";
import { Op, OPS } from "../opcodes.ts";
import { ValType } from "../types.ts";

/** Instructions that read, write or resize a table (all but `call_indirect` and `table.size`). */
const TABLE_ACCESS = new Uint8Array(OPS.length);
for (const op of [Op.table_get, Op.table_set, Op.table_grow, Op.table_fill]) TABLE_ACCESS[op] = 1;
// table.init and table.copy name two indices: the table(s) in the second word or both.
TABLE_ACCESS[Op.table_init] = 2;
TABLE_ACCESS[Op.table_copy] = 3;

/** 1 for the instructions that name a memory: loads, stores and `memory.*`. */
const MEMORY_ACCESS = Uint8Array.from(
  OPS,
  (op) =>
    ["memarg", "memarg_lane", "memory", "memory_init", "memory_copy"].includes(op.imm) ? 1 : 0,
);

/** What {@linkcode scanModule} found. */
export interface Scan {
  /** `privateTables[t]` for every table index `t` (see the module docs). */
  privateTables: boolean[];
  /** `makesCalls[i]` is 1 when defined function `i`'s body has a `call` or `call_indirect`. */
  makesCalls: Uint8Array;
  /**
   * Every call site, by body: those of defined function `i` are
   * `calls[callStart[i]] … calls[callStart[i + 1] - 1]`, a function index
   * for a `call`, and `-1 - table` followed by the type index for a
   * `call_indirect`.
   */
  calls: Int32Array;
  /** See {@linkcode Scan.calls}. */
  callStart: Int32Array;
  /** Whether any body has an instruction that accesses a memory. */
  touchesMemory: boolean;
}

/** Immediate words of each opcode id; -1 for the variable-length ones (`br_table`, typed `select`). */
const WORDS = Int8Array.from(OPS, (op) => op.immWords);

/** Position of the instruction after the one at `ops[pc]`. */
export function nextInstr(ops: Int32Array, pc: number): number {
  const id = ops[pc];
  const w = WORDS[id];
  return pc + (w >= 0 ? 1 + w : id === Op.br_table ? 3 + ops[pc + 1] : 2 + ops[pc + 1]);
}

/** Instructions that end a straight-line run of code (branches and block structure). */
const ENDS_RUN = new Uint8Array(OPS.length);
for (
  const op of [
    Op.block,
    Op.loop,
    Op.if,
    Op.else,
    Op.end,
    Op.br,
    Op.br_if,
    Op.br_table,
    Op.return,
    Op.unreachable,
  ]
) ENDS_RUN[op] = 1;

/**
 * Calls `visit` with the function index of every `call` in the
 * straight-line code starting at `ops[pc]`, up to the first branch or block
 * boundary: running that code surely makes these calls.
 */
export function forEachCallInRun(ops: Int32Array, pc: number, visit: (f: number) => void): void {
  while (pc < ops.length && !ENDS_RUN[ops[pc]]) {
    if (ops[pc] === Op.call) visit(ops[pc + 1]);
    pc = nextInstr(ops, pc);
  }
}

/** Scans `m` (see the module docs). */
export function scanModule(m: Module): Scan {
  let importedTables = 0, importedFuncs = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind === "table") importedTables++;
    else if (imp.desc.kind === "func") importedFuncs++;
  }
  const priv: boolean[] = [];
  for (let t = 0; t < importedTables; t++) priv.push(false);
  for (const table of m.tables) {
    priv.push(table.type.element === ValType.funcref && table.init === null);
  }
  for (const e of m.exports) if (e.kind === "table") priv[e.index] = false;
  for (const e of m.elems) {
    if (e.mode !== "active" || !priv[e.table]) continue;
    const funcs = e.init.kind === "funcs" ? e.init.funcs : e.init.exprs.map(refFuncOf);
    if (funcs.some((f) => f !== null && f < importedFuncs)) priv[e.table] = false;
  }
  const makesCalls = new Uint8Array(m.funcs.length);
  const callStart = new Int32Array(m.funcs.length + 1);
  let calls = new Int32Array(1024), nc = 0;
  let memoryAccess = 0;
  const call = Op.call, callIndirect = Op.call_indirect, brTable = Op.br_table;
  for (let i = 0; i < m.funcs.length; i++) {
    const ops = m.funcs[i].body.ops;
    callStart[i] = nc;
    for (let pc = 0; pc < ops.length;) {
      const id = ops[pc];
      if (id === call || id === callIndirect) {
        if (nc + 2 > calls.length) {
          const grown = new Int32Array(calls.length * 2);
          grown.set(calls);
          calls = grown;
        }
        if (id === call) {
          calls[nc++] = ops[pc + 1];
        } else {
          calls[nc++] = -1 - ops[pc + 2];
          calls[nc++] = ops[pc + 1];
        }
      }
      memoryAccess |= MEMORY_ACCESS[id];
      switch (TABLE_ACCESS[id]) {
        case 0:
          break;
        case 1:
          priv[ops[pc + 1]] = false;
          break;
        case 2:
          priv[ops[pc + 2]] = false;
          break;
        case 3:
          priv[ops[pc + 1]] = false;
          priv[ops[pc + 2]] = false;
          break;
      }
      const w = WORDS[id];
      pc += w >= 0 ? 1 + w : id === brTable ? 3 + ops[pc + 1] : 2 + ops[pc + 1]; // nextInstr, inlined
    }
    makesCalls[i] = nc > callStart[i] ? 1 : 0;
  }
  callStart[m.funcs.length] = nc;
  return {
    privateTables: priv,
    makesCalls,
    calls: calls.subarray(0, nc),
    callStart,
    touchesMemory: memoryAccess !== 0,
  };
}

/**
 * The one index of private table `table` that its segments leave null (so a
 * trap "uninitialized element" there names it without the guarded code
 * storing the index), -1 when they leave none, or null when they leave more
 * or it cannot be known (an offset that is not a constant). C programs'
 * function pointer tables leave exactly index 0 null: the null pointer.
 */
export function loneNullSlot(m: Module, table: number): number | null {
  let importedTables = 0;
  for (const imp of m.imports) if (imp.desc.kind === "table") importedTables++;
  const size = m.tables[table - importedTables]?.type.min;
  if (size === undefined || size > 1 << 24) return null;
  const filled = new Uint8Array(size);
  for (const e of m.elems) {
    if (e.mode !== "active" || e.table !== table) continue;
    const x = e.offset!.ops;
    if (x[0] !== Op.i32_const || x[2] !== Op.end) return null;
    const items = e.init.kind === "funcs" ? e.init.funcs : e.init.exprs.map(refFuncOf);
    items.forEach((f, i) => {
      if (f !== null) filled[x[1] + i] = 1;
    });
  }
  const first = filled.indexOf(0);
  return first < 0 ? -1 : filled.indexOf(0, first + 1) < 0 ? first : null;
}

/**
 * The function of an element expression `ref.func f` (f), `ref.null` (null),
 * or -1 for anything else (which makes the table not private).
 */
function refFuncOf(x: { ops: Int32Array }): number | null {
  const ops = x.ops;
  if (ops[0] === Op.ref_func && ops[2] === Op.end) return ops[1];
  if (ops[0] === Op.ref_null && ops[2] === Op.end) return null;
  return -1;
}

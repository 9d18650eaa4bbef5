/**
 * What the guard pass needs to know before it emits anything, found in one
 * pass over every body: which bodies make calls (the others need no entry
 * guard), and which tables are private.
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

/** What {@linkcode scanModule} found. */
export interface Scan {
  /** `privateTables[t]` for every table index `t` (see the module docs). */
  privateTables: boolean[];
  /** `makesCalls[i]` is 1 when defined function `i`'s body has a `call` or `call_indirect`. */
  makesCalls: Uint8Array;
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
 * Whether the straight-line code starting at `ops[pc]` calls, before any
 * branch or block boundary, a function that `guarded` says has an entry
 * guard: running that code then passes a guard anyway.
 */
export function runReachesGuard(
  ops: Int32Array,
  pc: number,
  importedFuncs: number,
  guarded: Uint8Array,
): boolean {
  while (pc < ops.length && !ENDS_RUN[ops[pc]]) {
    if (
      ops[pc] === Op.call && ops[pc + 1] >= importedFuncs && guarded[ops[pc + 1] - importedFuncs]
    ) {
      return true;
    }
    pc = nextInstr(ops, pc);
  }
  return false;
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
  const call = Op.call, callIndirect = Op.call_indirect, brTable = Op.br_table;
  for (let i = 0; i < m.funcs.length; i++) {
    const ops = m.funcs[i].body.ops;
    let calls = 0;
    for (let pc = 0; pc < ops.length;) {
      const id = ops[pc];
      if (id === call || id === callIndirect) calls = 1;
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
    makesCalls[i] = calls;
  }
  return { privateTables: priv, makesCalls };
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

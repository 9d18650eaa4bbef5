/**
 * Every place a module refers to a function by index (calls, `ref.func`,
 * element segments, exports, the start function), for the fuzz tools that
 * add, move or remove functions.
 *
 * @module
 */
import type { Code, Module } from "../../runtime/module.ts";
import { forEachInstr, OPS } from "../../runtime/opcodes.ts";

/** The code streams of `m` that may name functions: bodies and constant expressions. */
function codes(m: Module): Code[] {
  return [
    ...m.funcs.map((f) => f.body),
    ...m.globals.map((g) => g.init),
    ...m.tables.flatMap((t) => t.init ?? []),
    ...m.elems.flatMap((e) => e.init.kind === "exprs" ? e.init.exprs : []),
  ];
}

/** The function indices `m` refers to anywhere. */
export function referencedFuncs(m: Module): Set<number> {
  const used = new Set<number>();
  for (const e of m.exports) if (e.kind === "func") used.add(e.index);
  if (m.start !== null) used.add(m.start);
  for (const e of m.elems) if (e.init.kind === "funcs") e.init.funcs.forEach((f) => used.add(f));
  for (const c of codes(m)) {
    forEachInstr(c, (id, pc) => {
      if (OPS[id].imm === "func") used.add(c.ops[pc + 1]);
    });
  }
  return used;
}

/** Replaces every function index `f` that `m` refers to by `renumber(f)`, in place. */
export function renumberFuncs(m: Module, renumber: (f: number) => number): void {
  for (const e of m.exports) if (e.kind === "func") e.index = renumber(e.index);
  if (m.start !== null) m.start = renumber(m.start);
  for (const e of m.elems) if (e.init.kind === "funcs") e.init.funcs = e.init.funcs.map(renumber);
  for (const c of codes(m)) {
    forEachInstr(c, (id, pc) => {
      if (OPS[id].imm === "func") c.ops[pc + 1] = renumber(c.ops[pc + 1]);
    });
  }
}

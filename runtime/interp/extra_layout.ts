/**
 * Operand layout of the instructions that the main loop hands to
 * `exec_extra.ts` (SIMD, bulk memory, tables, references, saturating
 * truncation): which operands are slots popped from the stack, whether
 * there is a result slot, and which immediates follow. An `extra`
 * instruction is laid out as
 *
 * ```text
 *   extra  handler  length  [dst]  src...  imm...
 * ```
 *
 * where the handler is the wasm opcode id, or one of {@linkcode EXTRA_PSEUDO}
 * for instructions that only the interpreter has.
 *
 * @module
 */

import { type Module, tableTypes } from "../module.ts";
import { ADDR, Op, OPS } from "../opcodes.ts";
import { refType, type ValType, ValType as VT } from "../types.ts";

/** Handler ids past the wasm opcode ids, for interpreter-only instructions. */
export const EXTRA_PSEUDO = {
  /** `clear_refs from to`: nulls the reference locals of a new frame. */
  clear_refs: OPS.length,
  /** `global_get_ref d g` */
  global_get_ref: OPS.length + 1,
  /** `global_set_ref g s` */
  global_set_ref: OPS.length + 2,
  /** `global_get128 d g` */
  global_get128: OPS.length + 3,
  /** `global_set128 g s` */
  global_set128: OPS.length + 4,
} as const;

/** Number of extra handler ids. */
export const EXTRA_COUNT = OPS.length + 5;

/** The operands of one extra instruction. */
export interface ExtraLayout {
  /** Types of the popped operands, bottom first. */
  params: ValType[];
  /** Type of the pushed result, or null. */
  result: ValType | null;
  /** Immediate words after the slots. */
  imms: number[];
  /**
   * For memory accesses: the address is the first param, and the immediates
   * start with an addend (0 here; the lowering may fold an `i32.add` into
   * it) and the offset.
   */
  memory?: boolean;
}

const I32 = VT.i32;

/** The layout of the wasm instruction `id` at `pc` of a body's code stream. */
export function extraLayout(id: number, ops: Int32Array, pc: number, m: Module): ExtraLayout {
  const a = ops[pc + 1];
  switch (id) {
    case Op.memory_init:
      return { params: [I32, I32, I32], result: null, imms: [a] };
    case Op.data_drop:
    case Op.elem_drop:
      return { params: [], result: null, imms: [a] };
    case Op.memory_copy:
    case Op.memory_fill:
      return { params: [I32, I32, I32], result: null, imms: [] };
    case Op.table_init:
      return { params: [I32, I32, I32], result: null, imms: [a, ops[pc + 2]] };
    case Op.table_copy:
      return { params: [I32, I32, I32], result: null, imms: [a, ops[pc + 2]] };
    case Op.table_grow:
      return { params: [tableTypes(m)[a].element, I32], result: I32, imms: [a] };
    case Op.table_size:
      return { params: [], result: I32, imms: [a] };
    case Op.table_fill:
      return { params: [I32, tableTypes(m)[a].element, I32], result: null, imms: [a] };
    case Op.table_get:
      return { params: [I32], result: tableTypes(m)[a].element, imms: [a] };
    case Op.table_set:
      return { params: [I32, tableTypes(m)[a].element], result: null, imms: [a] };
    case Op.ref_null:
      return { params: [], result: refType(a, true), imms: [] };
    case Op.ref_is_null:
      return { params: [VT.funcref], result: I32, imms: [] };
    case Op.ref_func:
      return { params: [], result: VT.funcref, imms: [a] };
  }
  const info = OPS[id];
  if (info.params === null || info.results === null) {
    throw new Error(`interp: no lowering for ${info.name}`);
  }
  const fix = (t: ValType) => (t === ADDR ? I32 : t);
  let imms: number[];
  switch (info.imm) {
    case "memarg":
      imms = [0, ops[pc + 3]];
      break;
    case "memarg_lane":
      imms = [0, ops[pc + 3], ops[pc + 5]];
      break;
    case "lane":
      imms = [a];
      break;
    case "shuffle":
    case "v128":
      imms = [a, ops[pc + 2], ops[pc + 3], ops[pc + 4]];
      break;
    default:
      imms = [];
  }
  return {
    params: info.params.map(fix),
    result: info.results.length > 0 ? fix(info.results[0]) : null,
    imms,
    memory: info.imm === "memarg" || info.imm === "memarg_lane",
  };
}

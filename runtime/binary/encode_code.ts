/**
 * Encoding instruction sequences ({@linkcode Code} streams) and the types
 * that appear inside them, driven by the opcode table of `runtime/opcodes.ts`:
 * each instruction is its opcode bytes (prefix and LEB128 sub-opcode,
 * precomputed once per opcode) followed by its immediates, written by their
 * shape ({@linkcode Imm}). No switch over opcodes: the roughly twenty
 * immediate shapes are the only cases.
 *
 * @module
 */

import type { Code } from "../module.ts";
import { type Imm, OPS } from "../opcodes.ts";
import { BLOCK_EMPTY, heapOf, isNullable, isRef, type ValType, valTypeOfBlock } from "../types.ts";
import type { Writer } from "./writer.ts";

/** Reference type prefix for `(ref null ht)` when no shorthand applies. */
const REF_NULL = 0x63;
/** Reference type prefix for `(ref ht)`. */
const REF_NON_NULL = 0x64;

/**
 * Appends a value type: its one-byte code for numeric and vector types and
 * for nullable abstract references (`funcref` is 0x70), otherwise `0x63`/`0x64`
 * and the heap type as s33.
 *
 * @example
 * ```ts
 * import { Writer } from "./writer.ts";
 * import { writeValType } from "./encode_code.ts";
 * import { ValType } from "../types.ts";
 * const w = new Writer();
 * writeValType(w, ValType.funcref);
 * console.log(w.finish()); // Uint8Array [0x70]
 * ```
 */
export function writeValType(w: Writer, t: ValType): void {
  if (!isRef(t)) return w.u8(t);
  const heap = heapOf(t);
  const nullable = isNullable(t);
  // Canonical producers use the one-byte shorthand whenever there is one.
  if (nullable && heap < 0) return w.u8(heap & 0x7f);
  w.u8(nullable ? REF_NULL : REF_NON_NULL);
  w.s33(heap);
}

/**
 * Appends a block type: `0x40` for the empty type, a value type, or a type
 * index as s33.
 *
 * @example
 * ```ts
 * import { Writer } from "./writer.ts";
 * import { writeBlockType } from "./encode_code.ts";
 * import { BLOCK_EMPTY } from "../types.ts";
 * const w = new Writer();
 * writeBlockType(w, BLOCK_EMPTY);
 * console.log(w.finish()); // Uint8Array [0x40]
 * ```
 */
export function writeBlockType(w: Writer, bt: number): void {
  if (bt === BLOCK_EMPTY) w.u8(0x40);
  else if (bt >= 0) w.s33(bt);
  else writeValType(w, valTypeOfBlock(bt));
}

// Immediate shapes as small integers, so the encoder's switch is dense.
const I_NONE = 0;
const I_BLOCK = 1;
const I_U32 = 2;
const I_BR_TABLE = 3;
const I_U32X2 = 4;
const I_MEMARG = 5;
const I_MEMARG_LANE = 6;
const I_I32 = 7;
const I_I64 = 8;
const I_F32 = 9;
const I_F64 = 10;
const I_V128 = 11;
const I_LANE = 12;
const I_SELECT_T = 13;
const I_HEAPTYPE = 14;

const SHAPES: Readonly<Record<Imm, number>> = {
  "": I_NONE,
  block: I_BLOCK,
  label: I_U32,
  br_table: I_BR_TABLE,
  func: I_U32,
  call_indirect: I_U32X2,
  local: I_U32,
  global: I_U32,
  table: I_U32,
  // memory.size/grow/fill: the 2.0 reserved zero byte is the u32 memory index 0.
  memory: I_U32,
  memarg: I_MEMARG,
  memarg_lane: I_MEMARG_LANE,
  i32: I_I32,
  i64: I_I64,
  f32: I_F32,
  f64: I_F64,
  v128: I_V128,
  shuffle: I_V128,
  lane: I_LANE,
  select_t: I_SELECT_T,
  heaptype: I_HEAPTYPE,
  // The two-index shapes are stored in binary order (data/elem first, or destination first).
  memory_init: I_U32X2,
  data: I_U32,
  memory_copy: I_U32X2,
  table_init: I_U32X2,
  elem: I_U32,
  table_copy: I_U32X2,
};

/** Immediate shape of each opcode id. */
const OP_SHAPE = new Uint8Array(OPS.length);
/**
 * Opcode bytes of each opcode id, 4 slots apiece: the count, then up to
 * three bytes (a prefix and a sub-opcode of at most two LEB128 bytes).
 */
const OP_BYTES = new Uint8Array(OPS.length * 4);

for (const op of OPS) {
  OP_SHAPE[op.id] = SHAPES[op.imm];
  let n = 0;
  const at = op.id * 4;
  if (op.prefix !== 0) {
    OP_BYTES[at + 1 + n++] = op.prefix;
    let c = op.code;
    while (c >= 0x80) {
      OP_BYTES[at + 1 + n++] = (c & 0x7f) | 0x80;
      c >>>= 7;
    }
    OP_BYTES[at + 1 + n++] = c;
  } else {
    OP_BYTES[at + 1 + n++] = op.code;
  }
  OP_BYTES[at] = n;
}

/** Memarg flag bit announcing an explicit memory index (multi-memory). */
const MEMARG_HAS_MEMORY = 0x40;

/**
 * Appends the instructions of a code stream, `end` included, exactly as the
 * binary format spells them.
 *
 * @example
 * ```ts
 * import { Writer } from "./writer.ts";
 * import { writeCode } from "./encode_code.ts";
 * import { CodeBuilder } from "../code.ts";
 * import { Op } from "../opcodes.ts";
 * const b = new CodeBuilder();
 * b.op(Op.i32_const);
 * b.word(-1);
 * b.op(Op.end);
 * const w = new Writer();
 * writeCode(w, b.finish());
 * console.log(w.finish()); // Uint8Array [0x41, 0x7f, 0x0b]
 * ```
 */
export function writeCode(w: Writer, code: Code): void {
  const ops = code.ops;
  const n = ops.length;
  let pc = 0;
  while (pc < n) {
    const id = ops[pc++];
    const at = id * 4;
    const len = OP_BYTES[at];
    w.u8(OP_BYTES[at + 1]);
    if (len > 1) {
      w.u8(OP_BYTES[at + 2]);
      if (len > 2) w.u8(OP_BYTES[at + 3]);
    }
    switch (OP_SHAPE[id]) {
      case I_NONE:
        break;
      case I_BLOCK:
        writeBlockType(w, ops[pc++]);
        break;
      case I_U32:
        w.u32(ops[pc++]);
        break;
      case I_U32X2:
        w.u32(ops[pc++]);
        w.u32(ops[pc++]);
        break;
      case I_BR_TABLE: {
        const count = ops[pc++];
        w.u32(count);
        // The labels and the default: count + 1 indices.
        for (let i = 0; i <= count; i++) w.u32(ops[pc++]);
        break;
      }
      case I_MEMARG:
        pc = writeMemarg(w, ops, pc);
        break;
      case I_MEMARG_LANE:
        pc = writeMemarg(w, ops, pc);
        w.u8(ops[pc++]);
        break;
      case I_I32:
        w.s32(ops[pc++]);
        break;
      case I_I64:
        w.s64(ops[pc], ops[pc + 1]);
        pc += 2;
        break;
      case I_F32:
        w.word32(ops[pc++]);
        break;
      case I_F64:
        w.word64(ops[pc], ops[pc + 1]);
        pc += 2;
        break;
      case I_V128:
        w.word32(ops[pc]);
        w.word32(ops[pc + 1]);
        w.word32(ops[pc + 2]);
        w.word32(ops[pc + 3]);
        pc += 4;
        break;
      case I_LANE:
        w.u8(ops[pc++]);
        break;
      case I_SELECT_T: {
        const count = ops[pc++];
        w.u32(count);
        for (let i = 0; i < count; i++) writeValType(w, ops[pc++]);
        break;
      }
      case I_HEAPTYPE:
        w.s33(ops[pc++]);
        break;
    }
  }
}

/** Writes the memarg at `ops[pc]` (align, memory, offset lo, offset hi); returns the next pc. */
function writeMemarg(w: Writer, ops: Int32Array, pc: number): number {
  const align = ops[pc];
  const memory = ops[pc + 1];
  if (memory === 0) {
    w.u32(align);
  } else {
    w.u32(align | MEMARG_HAS_MEMORY);
    w.u32(memory);
  }
  w.u64(ops[pc + 2], ops[pc + 3]);
  return pc + 4;
}

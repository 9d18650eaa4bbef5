/**
 * What the validator needs to know about each opcode, derived once from the
 * shared opcode table (`runtime/opcodes.ts`) into flat typed arrays indexed by
 * opcode id, so the hot loop reads integers and never touches an `OpInfo`
 * object or a string.
 *
 * Every instruction whose `OpInfo.params`/`results` are non-null is typed
 * generically: check its immediates (by {@linkcode CHECK} kind), pop its
 * params, push its results. The others (control, variables, references,
 * tables, calls, `select`, `memory.copy`) have {@linkcode CHECK} `SPECIAL`
 * and a hand-written case in `func.ts`.
 *
 * @module
 */

import { ADDR, OPS } from "../opcodes.ts";

/** Immediate checks of a generically typed instruction (values of {@linkcode CHECK}). */
export const Check = {
  /** Typed by hand in `func.ts`. */
  SPECIAL: 0,
  /** No immediate needs checking (numeric ops, constants). */
  NONE: 1,
  /** `memarg`: memory exists, alignment at most natural. */
  MEMARG: 2,
  /** `memarg` plus a lane index. */
  MEMARG_LANE: 3,
  /** A lane index. */
  LANE: 4,
  /** 16 lane indices below 32 (`i8x16.shuffle`). */
  SHUFFLE: 5,
  /** A memory index (`memory.size`, `memory.grow`, `memory.fill`). */
  MEMORY: 6,
  /** Data segment index and memory index (`memory.init`). */
  MEMORY_INIT: 7,
  /** A data segment index (`data.drop`). */
  DATA: 8,
  /** An element segment index (`elem.drop`). */
  ELEM: 9,
} as const;

/**
 * Shapes the body validator's hot loop handles inline (values of
 * {@linkcode FAST}); everything else takes the exact, slower path. Together
 * these cover over 99% of the instructions of compiled code (the largest
 * fixture's).
 */
export const Fast = {
  /** Not inlined. */
  SLOW: 0,
  /** No immediate to check, `[] -> [t]` (constants). */
  PUSH: 1,
  /** No immediate to check, `[t1] -> [t2]`. */
  UNARY: 2,
  /** No immediate to check, `[t1 t1] -> [t2]`. */
  BINARY: 3,
  /** `local.get`. */
  LOCAL_GET: 4,
  /** `local.set`. */
  LOCAL_SET: 5,
  /** `local.tee`. */
  LOCAL_TEE: 6,
  /** A memarg load `[addr] -> [t]`. */
  LOAD: 7,
  /** A memarg store `[addr t] -> []`. */
  STORE: 8,
  /** `end` of a block whose results are none or one value type. */
  END: 9,
  /** `block` or `loop` of a value (or empty) block type. */
  BLOCK: 10,
  /** `br` to a label of none or one value type. */
  BR: 11,
  /** `br_if` to a label of none or one value type. */
  BR_IF: 12,
  /** `call`. */
  CALL: 13,
  /** `global.get`. */
  GLOBAL_GET: 14,
  /** Untyped `select` of two numeric or vector operands. */
  SELECT: 15,
  /** `return`. */
  RETURN: 16,
} as const;

const N = OPS.length;

/** Immediate check kind of each opcode id (see {@linkcode Check}). */
export const CHECK: Uint8Array = new Uint8Array(N);
/** Words the instruction takes in a code stream, opcode included; 0 when variable. */
export const WORDS: Uint8Array = new Uint8Array(N);
/** Natural alignment (log2 of the access size in bytes) of memory instructions. */
export const NATURAL_ALIGN: Uint8Array = new Uint8Array(N);
/** Number of lanes a lane immediate may address (lane index must be below it). */
export const LANES: Uint8Array = new Uint8Array(N);
/** Start of each opcode's signature in {@linkcode SIG}: params, then results. */
export const SIG_START: Int32Array = new Int32Array(N);
/** Number of params of each generically typed opcode. */
export const PARAM_COUNT: Uint8Array = new Uint8Array(N);
/** Number of results of each generically typed opcode. */
export const RESULT_COUNT: Uint8Array = new Uint8Array(N);

/**
 * Natural alignment from the mnemonic: `…load8x8_s`-style extending loads
 * read 8 bytes; `load8`/`store16`/`load32_zero`/`load64_lane` name their width
 * in bits; otherwise the value type's size (`i32.load`, `v128.store`).
 */
function naturalAlign(name: string): number {
  if (/(load|store)\d+x\d+/.test(name)) return 3;
  const sized = /(load|store)(\d+)/.exec(name);
  if (sized) return Math.log2(Number(sized[2]) / 8);
  if (name.startsWith("v128.")) return 4;
  return name.startsWith("i64.") || name.startsWith("f64.") ? 3 : 2;
}

/** Lanes of a lane immediate: from the shape (`i16x8.`) or, for lane loads, from the width. */
function laneCount(name: string, imm: string): number {
  if (imm === "memarg_lane") return 16 >> naturalAlign(name);
  const shape = /^[if]\d+x(\d+)\./.exec(name);
  return shape ? Number(shape[1]) : 0;
}

const CHECK_OF_IMM: Record<string, number> = {
  "": Check.NONE,
  i32: Check.NONE,
  i64: Check.NONE,
  f32: Check.NONE,
  f64: Check.NONE,
  v128: Check.NONE,
  memarg: Check.MEMARG,
  memarg_lane: Check.MEMARG_LANE,
  lane: Check.LANE,
  shuffle: Check.SHUFFLE,
  memory: Check.MEMORY,
  memory_init: Check.MEMORY_INIT,
  data: Check.DATA,
  elem: Check.ELEM,
};

/** Fast-path shape of each opcode id (see {@linkcode Fast}). */
export const FAST: Uint8Array = new Uint8Array(N);
/** First param type of inlined shapes. */
export const PARAM0: Int32Array = new Int32Array(N);
/** Second param type of inlined shapes. */
export const PARAM1: Int32Array = new Int32Array(N);
/** Result type of inlined shapes. */
export const RESULT0: Int32Array = new Int32Array(N);

function fastShape(check: number, params: readonly number[], results: readonly number[]): number {
  const [p0, p1] = params;
  if (check === Check.NONE && results.length === 1) {
    if (params.length === 0) return Fast.PUSH;
    if (params.length === 1) return Fast.UNARY;
    if (params.length === 2 && p0 === p1) return Fast.BINARY;
  }
  if (check === Check.MEMARG && p0 === ADDR) {
    if (params.length === 1 && results.length === 1) return Fast.LOAD;
    if (params.length === 2 && results.length === 0) return Fast.STORE;
  }
  return Fast.SLOW;
}

const sig: number[] = [];
for (const op of OPS) {
  WORDS[op.id] = op.immWords >= 0 ? 1 + op.immWords : 0;
  SIG_START[op.id] = sig.length;
  if (op.params === null || op.results === null) continue;
  const check = CHECK_OF_IMM[op.imm];
  if (check === undefined) throw new Error(`validator: no immediate check for ${op.name}`);
  CHECK[op.id] = check;
  PARAM_COUNT[op.id] = op.params.length;
  RESULT_COUNT[op.id] = op.results.length;
  sig.push(...op.params, ...op.results);
  FAST[op.id] = fastShape(check, op.params, op.results);
  PARAM0[op.id] = op.params[0] ?? 0;
  PARAM1[op.id] = op.params[1] ?? 0;
  RESULT0[op.id] = op.results[0] ?? 0;
  if (check === Check.MEMARG || check === Check.MEMARG_LANE) {
    NATURAL_ALIGN[op.id] = naturalAlign(op.name);
  }
  if (check === Check.LANE || check === Check.MEMARG_LANE) {
    LANES[op.id] = laneCount(op.name, op.imm);
  }
}

const HAND_FAST: Readonly<Record<string, number>> = {
  "local.get": Fast.LOCAL_GET,
  "local.set": Fast.LOCAL_SET,
  "local.tee": Fast.LOCAL_TEE,
  "global.get": Fast.GLOBAL_GET,
  end: Fast.END,
  block: Fast.BLOCK,
  loop: Fast.BLOCK,
  br: Fast.BR,
  br_if: Fast.BR_IF,
  call: Fast.CALL,
  select: Fast.SELECT,
  return: Fast.RETURN,
};
for (const [name, fast] of Object.entries(HAND_FAST)) {
  FAST[OPS.findIndex((op) => op.name === name)] = fast;
}

/**
 * Signature types of every generically typed opcode, params (in push order)
 * then results; {@linkcode ADDR_TYPE} stands for the memory's address type.
 */
export const SIG: Int32Array = Int32Array.from(sig);

/** The placeholder for the address type in {@linkcode SIG} (`ADDR` of opcodes.ts). */
export const ADDR_TYPE: number = ADDR;

/**
 * What the inline loop needs of each opcode, packed into one integer so that
 * one load per instruction fetches it: the {@linkcode FAST} shape (bits 0-4),
 * the instruction's words (5-8), its natural alignment (9-12), its operand
 * type (13-20: the param of unary and binary operators, the stored value of
 * stores) and its result type (21-28). Only numeric and vector types occur
 * there, which fit in 8 bits.
 */
export const INLINE: Int32Array = new Int32Array(N);
for (const op of OPS) {
  const shape = FAST[op.id];
  const operand = shape === Fast.STORE ? PARAM1[op.id] : PARAM0[op.id];
  const packed = shape | (WORDS[op.id] << 5) | (NATURAL_ALIGN[op.id] << 9) |
    ((operand & 0xff) << 13) | ((RESULT0[op.id] & 0xff) << 21);
  INLINE[op.id] = shape === Fast.SLOW ? 0 : packed;
}

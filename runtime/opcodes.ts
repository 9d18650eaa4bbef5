/**
 * The instruction set as data: one row per opcode. The binary decoder and
 * encoder, the validator, and the text parser and printer all derive what
 * they know about an instruction from this table, so they cannot drift apart.
 *
 * A row is `[mnemonic, prefix, code, immediates, signature, key?]`:
 *
 * - `prefix` is 0 for one-byte opcodes, else 0xFC or 0xFD, followed by `code`
 *   as a u32 LEB128;
 * - `immediates` names the shape of the immediates ({@linkcode Imm}), which
 *   fixes how they are read, written, and laid out in a {@linkcode Code}
 *   stream (see `runtime/code.ts`);
 * - `signature` is the operand-stack effect `"params : results"`, where
 *   `addr` stands for the address type of the memory the instruction uses
 *   (i32, or i64 under memory64); `null` marks instructions whose typing
 *   depends on context (control, variables, references, tables, calls),
 *   which the validator types by hand;
 * - `key`, when given, names the row in {@linkcode Op} where the mnemonic
 *   alone is ambiguous (`select` with and without types).
 *
 * Opcode *ids* are row indices: dense small integers that a `switch` can
 * jump on. {@linkcode Op} maps a key (mnemonic with `.` → `_`) to its id.
 *
 * @module
 */

import type { Code } from "./module.ts";
import { ValType } from "./types.ts";

/**
 * Immediate shapes, with the 32-bit words each takes in a {@linkcode Code}
 * stream:
 *
 * | shape | words |
 * | --- | --- |
 * | `""` | none |
 * | `block` | block type (see `BlockType`) |
 * | `label`, `func`, `local`, `global`, `table`, `memory`, `data`, `elem`, `lane`, `heaptype` | the index or value |
 * | `br_table` | n, n labels, default |
 * | `call_indirect` | type index, table index |
 * | `memarg` | align (log2), memory index, offset low, offset high |
 * | `memarg_lane` | memarg, lane |
 * | `i32`, `f32` | the value / its bits |
 * | `i64`, `f64` | low, high 32 bits (of the bits) |
 * | `v128`, `shuffle` | 16 bytes as 4 little-endian words |
 * | `select_t` | n, n value types |
 * | `memory_init` | data index, memory index |
 * | `memory_copy` | destination memory, source memory |
 * | `table_init` | element index, table index |
 * | `table_copy` | destination table, source table |
 */
export type Imm =
  | ""
  | "block"
  | "label"
  | "br_table"
  | "func"
  | "call_indirect"
  | "local"
  | "global"
  | "table"
  | "memory"
  | "memarg"
  | "memarg_lane"
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "shuffle"
  | "lane"
  | "select_t"
  | "heaptype"
  | "memory_init"
  | "data"
  | "memory_copy"
  | "table_init"
  | "elem"
  | "table_copy";

/** Words each immediate shape takes in a code stream; -1 for variable length. */
export const IMM_WORDS: Readonly<Record<Imm, number>> = {
  "": 0,
  block: 1,
  label: 1,
  br_table: -1,
  func: 1,
  call_indirect: 2,
  local: 1,
  global: 1,
  table: 1,
  memory: 1,
  memarg: 4,
  memarg_lane: 5,
  i32: 1,
  i64: 2,
  f32: 1,
  f64: 2,
  v128: 4,
  shuffle: 4,
  lane: 1,
  select_t: -1,
  heaptype: 1,
  memory_init: 2,
  data: 1,
  memory_copy: 2,
  table_init: 2,
  elem: 1,
  table_copy: 2,
};

/** One row of {@linkcode OPCODE_TABLE}. */
export type OpcodeRow = readonly [
  mnemonic: string,
  prefix: 0 | 0xfc | 0xfd,
  code: number,
  imm: Imm,
  signature: string | null,
  key?: string,
];

// deno-fmt-ignore
/** The opcode table itself, one row per instruction (see the module docs for the columns). */
export const OPCODE_TABLE = [
  ["unreachable", 0, 0x00, "", null],
  ["nop", 0, 0x01, "", ": "],
  ["block", 0, 0x02, "block", null],
  ["loop", 0, 0x03, "block", null],
  ["if", 0, 0x04, "block", null],
  ["else", 0, 0x05, "", null],
  ["end", 0, 0x0b, "", null],
  ["br", 0, 0x0c, "label", null],
  ["br_if", 0, 0x0d, "label", null],
  ["br_table", 0, 0x0e, "br_table", null],
  ["return", 0, 0x0f, "", null],
  ["call", 0, 0x10, "func", null],
  ["call_indirect", 0, 0x11, "call_indirect", null],
  ["drop", 0, 0x1a, "", null],
  ["select", 0, 0x1b, "", null],
  ["select", 0, 0x1c, "select_t", null, "select_t"],
  ["local.get", 0, 0x20, "local", null],
  ["local.set", 0, 0x21, "local", null],
  ["local.tee", 0, 0x22, "local", null],
  ["global.get", 0, 0x23, "global", null],
  ["global.set", 0, 0x24, "global", null],
  ["table.get", 0, 0x25, "table", null],
  ["table.set", 0, 0x26, "table", null],
  ["i32.load", 0, 0x28, "memarg", "addr : i32"],
  ["i64.load", 0, 0x29, "memarg", "addr : i64"],
  ["f32.load", 0, 0x2a, "memarg", "addr : f32"],
  ["f64.load", 0, 0x2b, "memarg", "addr : f64"],
  ["i32.load8_s", 0, 0x2c, "memarg", "addr : i32"],
  ["i32.load8_u", 0, 0x2d, "memarg", "addr : i32"],
  ["i32.load16_s", 0, 0x2e, "memarg", "addr : i32"],
  ["i32.load16_u", 0, 0x2f, "memarg", "addr : i32"],
  ["i64.load8_s", 0, 0x30, "memarg", "addr : i64"],
  ["i64.load8_u", 0, 0x31, "memarg", "addr : i64"],
  ["i64.load16_s", 0, 0x32, "memarg", "addr : i64"],
  ["i64.load16_u", 0, 0x33, "memarg", "addr : i64"],
  ["i64.load32_s", 0, 0x34, "memarg", "addr : i64"],
  ["i64.load32_u", 0, 0x35, "memarg", "addr : i64"],
  ["i32.store", 0, 0x36, "memarg", "addr i32 : "],
  ["i64.store", 0, 0x37, "memarg", "addr i64 : "],
  ["f32.store", 0, 0x38, "memarg", "addr f32 : "],
  ["f64.store", 0, 0x39, "memarg", "addr f64 : "],
  ["i32.store8", 0, 0x3a, "memarg", "addr i32 : "],
  ["i32.store16", 0, 0x3b, "memarg", "addr i32 : "],
  ["i64.store8", 0, 0x3c, "memarg", "addr i64 : "],
  ["i64.store16", 0, 0x3d, "memarg", "addr i64 : "],
  ["i64.store32", 0, 0x3e, "memarg", "addr i64 : "],
  ["memory.size", 0, 0x3f, "memory", ": addr"],
  ["memory.grow", 0, 0x40, "memory", "addr : addr"],
  ["i32.const", 0, 0x41, "i32", ": i32"],
  ["i64.const", 0, 0x42, "i64", ": i64"],
  ["f32.const", 0, 0x43, "f32", ": f32"],
  ["f64.const", 0, 0x44, "f64", ": f64"],
  ["i32.eqz", 0, 0x45, "", "i32 : i32"],
  ["i32.eq", 0, 0x46, "", "i32 i32 : i32"],
  ["i32.ne", 0, 0x47, "", "i32 i32 : i32"],
  ["i32.lt_s", 0, 0x48, "", "i32 i32 : i32"],
  ["i32.lt_u", 0, 0x49, "", "i32 i32 : i32"],
  ["i32.gt_s", 0, 0x4a, "", "i32 i32 : i32"],
  ["i32.gt_u", 0, 0x4b, "", "i32 i32 : i32"],
  ["i32.le_s", 0, 0x4c, "", "i32 i32 : i32"],
  ["i32.le_u", 0, 0x4d, "", "i32 i32 : i32"],
  ["i32.ge_s", 0, 0x4e, "", "i32 i32 : i32"],
  ["i32.ge_u", 0, 0x4f, "", "i32 i32 : i32"],
  ["i64.eqz", 0, 0x50, "", "i64 : i32"],
  ["i64.eq", 0, 0x51, "", "i64 i64 : i32"],
  ["i64.ne", 0, 0x52, "", "i64 i64 : i32"],
  ["i64.lt_s", 0, 0x53, "", "i64 i64 : i32"],
  ["i64.lt_u", 0, 0x54, "", "i64 i64 : i32"],
  ["i64.gt_s", 0, 0x55, "", "i64 i64 : i32"],
  ["i64.gt_u", 0, 0x56, "", "i64 i64 : i32"],
  ["i64.le_s", 0, 0x57, "", "i64 i64 : i32"],
  ["i64.le_u", 0, 0x58, "", "i64 i64 : i32"],
  ["i64.ge_s", 0, 0x59, "", "i64 i64 : i32"],
  ["i64.ge_u", 0, 0x5a, "", "i64 i64 : i32"],
  ["f32.eq", 0, 0x5b, "", "f32 f32 : i32"],
  ["f32.ne", 0, 0x5c, "", "f32 f32 : i32"],
  ["f32.lt", 0, 0x5d, "", "f32 f32 : i32"],
  ["f32.gt", 0, 0x5e, "", "f32 f32 : i32"],
  ["f32.le", 0, 0x5f, "", "f32 f32 : i32"],
  ["f32.ge", 0, 0x60, "", "f32 f32 : i32"],
  ["f64.eq", 0, 0x61, "", "f64 f64 : i32"],
  ["f64.ne", 0, 0x62, "", "f64 f64 : i32"],
  ["f64.lt", 0, 0x63, "", "f64 f64 : i32"],
  ["f64.gt", 0, 0x64, "", "f64 f64 : i32"],
  ["f64.le", 0, 0x65, "", "f64 f64 : i32"],
  ["f64.ge", 0, 0x66, "", "f64 f64 : i32"],
  ["i32.clz", 0, 0x67, "", "i32 : i32"],
  ["i32.ctz", 0, 0x68, "", "i32 : i32"],
  ["i32.popcnt", 0, 0x69, "", "i32 : i32"],
  ["i32.add", 0, 0x6a, "", "i32 i32 : i32"],
  ["i32.sub", 0, 0x6b, "", "i32 i32 : i32"],
  ["i32.mul", 0, 0x6c, "", "i32 i32 : i32"],
  ["i32.div_s", 0, 0x6d, "", "i32 i32 : i32"],
  ["i32.div_u", 0, 0x6e, "", "i32 i32 : i32"],
  ["i32.rem_s", 0, 0x6f, "", "i32 i32 : i32"],
  ["i32.rem_u", 0, 0x70, "", "i32 i32 : i32"],
  ["i32.and", 0, 0x71, "", "i32 i32 : i32"],
  ["i32.or", 0, 0x72, "", "i32 i32 : i32"],
  ["i32.xor", 0, 0x73, "", "i32 i32 : i32"],
  ["i32.shl", 0, 0x74, "", "i32 i32 : i32"],
  ["i32.shr_s", 0, 0x75, "", "i32 i32 : i32"],
  ["i32.shr_u", 0, 0x76, "", "i32 i32 : i32"],
  ["i32.rotl", 0, 0x77, "", "i32 i32 : i32"],
  ["i32.rotr", 0, 0x78, "", "i32 i32 : i32"],
  ["i64.clz", 0, 0x79, "", "i64 : i64"],
  ["i64.ctz", 0, 0x7a, "", "i64 : i64"],
  ["i64.popcnt", 0, 0x7b, "", "i64 : i64"],
  ["i64.add", 0, 0x7c, "", "i64 i64 : i64"],
  ["i64.sub", 0, 0x7d, "", "i64 i64 : i64"],
  ["i64.mul", 0, 0x7e, "", "i64 i64 : i64"],
  ["i64.div_s", 0, 0x7f, "", "i64 i64 : i64"],
  ["i64.div_u", 0, 0x80, "", "i64 i64 : i64"],
  ["i64.rem_s", 0, 0x81, "", "i64 i64 : i64"],
  ["i64.rem_u", 0, 0x82, "", "i64 i64 : i64"],
  ["i64.and", 0, 0x83, "", "i64 i64 : i64"],
  ["i64.or", 0, 0x84, "", "i64 i64 : i64"],
  ["i64.xor", 0, 0x85, "", "i64 i64 : i64"],
  ["i64.shl", 0, 0x86, "", "i64 i64 : i64"],
  ["i64.shr_s", 0, 0x87, "", "i64 i64 : i64"],
  ["i64.shr_u", 0, 0x88, "", "i64 i64 : i64"],
  ["i64.rotl", 0, 0x89, "", "i64 i64 : i64"],
  ["i64.rotr", 0, 0x8a, "", "i64 i64 : i64"],
  ["f32.abs", 0, 0x8b, "", "f32 : f32"],
  ["f32.neg", 0, 0x8c, "", "f32 : f32"],
  ["f32.ceil", 0, 0x8d, "", "f32 : f32"],
  ["f32.floor", 0, 0x8e, "", "f32 : f32"],
  ["f32.trunc", 0, 0x8f, "", "f32 : f32"],
  ["f32.nearest", 0, 0x90, "", "f32 : f32"],
  ["f32.sqrt", 0, 0x91, "", "f32 : f32"],
  ["f32.add", 0, 0x92, "", "f32 f32 : f32"],
  ["f32.sub", 0, 0x93, "", "f32 f32 : f32"],
  ["f32.mul", 0, 0x94, "", "f32 f32 : f32"],
  ["f32.div", 0, 0x95, "", "f32 f32 : f32"],
  ["f32.min", 0, 0x96, "", "f32 f32 : f32"],
  ["f32.max", 0, 0x97, "", "f32 f32 : f32"],
  ["f32.copysign", 0, 0x98, "", "f32 f32 : f32"],
  ["f64.abs", 0, 0x99, "", "f64 : f64"],
  ["f64.neg", 0, 0x9a, "", "f64 : f64"],
  ["f64.ceil", 0, 0x9b, "", "f64 : f64"],
  ["f64.floor", 0, 0x9c, "", "f64 : f64"],
  ["f64.trunc", 0, 0x9d, "", "f64 : f64"],
  ["f64.nearest", 0, 0x9e, "", "f64 : f64"],
  ["f64.sqrt", 0, 0x9f, "", "f64 : f64"],
  ["f64.add", 0, 0xa0, "", "f64 f64 : f64"],
  ["f64.sub", 0, 0xa1, "", "f64 f64 : f64"],
  ["f64.mul", 0, 0xa2, "", "f64 f64 : f64"],
  ["f64.div", 0, 0xa3, "", "f64 f64 : f64"],
  ["f64.min", 0, 0xa4, "", "f64 f64 : f64"],
  ["f64.max", 0, 0xa5, "", "f64 f64 : f64"],
  ["f64.copysign", 0, 0xa6, "", "f64 f64 : f64"],
  ["i32.wrap_i64", 0, 0xa7, "", "i64 : i32"],
  ["i32.trunc_f32_s", 0, 0xa8, "", "f32 : i32"],
  ["i32.trunc_f32_u", 0, 0xa9, "", "f32 : i32"],
  ["i32.trunc_f64_s", 0, 0xaa, "", "f64 : i32"],
  ["i32.trunc_f64_u", 0, 0xab, "", "f64 : i32"],
  ["i64.extend_i32_s", 0, 0xac, "", "i32 : i64"],
  ["i64.extend_i32_u", 0, 0xad, "", "i32 : i64"],
  ["i64.trunc_f32_s", 0, 0xae, "", "f32 : i64"],
  ["i64.trunc_f32_u", 0, 0xaf, "", "f32 : i64"],
  ["i64.trunc_f64_s", 0, 0xb0, "", "f64 : i64"],
  ["i64.trunc_f64_u", 0, 0xb1, "", "f64 : i64"],
  ["f32.convert_i32_s", 0, 0xb2, "", "i32 : f32"],
  ["f32.convert_i32_u", 0, 0xb3, "", "i32 : f32"],
  ["f32.convert_i64_s", 0, 0xb4, "", "i64 : f32"],
  ["f32.convert_i64_u", 0, 0xb5, "", "i64 : f32"],
  ["f32.demote_f64", 0, 0xb6, "", "f64 : f32"],
  ["f64.convert_i32_s", 0, 0xb7, "", "i32 : f64"],
  ["f64.convert_i32_u", 0, 0xb8, "", "i32 : f64"],
  ["f64.convert_i64_s", 0, 0xb9, "", "i64 : f64"],
  ["f64.convert_i64_u", 0, 0xba, "", "i64 : f64"],
  ["f64.promote_f32", 0, 0xbb, "", "f32 : f64"],
  ["i32.reinterpret_f32", 0, 0xbc, "", "f32 : i32"],
  ["i64.reinterpret_f64", 0, 0xbd, "", "f64 : i64"],
  ["f32.reinterpret_i32", 0, 0xbe, "", "i32 : f32"],
  ["f64.reinterpret_i64", 0, 0xbf, "", "i64 : f64"],
  ["i32.extend8_s", 0, 0xc0, "", "i32 : i32"],
  ["i32.extend16_s", 0, 0xc1, "", "i32 : i32"],
  ["i64.extend8_s", 0, 0xc2, "", "i64 : i64"],
  ["i64.extend16_s", 0, 0xc3, "", "i64 : i64"],
  ["i64.extend32_s", 0, 0xc4, "", "i64 : i64"],
  ["ref.null", 0, 0xd0, "heaptype", null],
  ["ref.is_null", 0, 0xd1, "", null],
  ["ref.func", 0, 0xd2, "func", null],
  ["i32.trunc_sat_f32_s", 0xfc, 0x00, "", "f32 : i32"],
  ["i32.trunc_sat_f32_u", 0xfc, 0x01, "", "f32 : i32"],
  ["i32.trunc_sat_f64_s", 0xfc, 0x02, "", "f64 : i32"],
  ["i32.trunc_sat_f64_u", 0xfc, 0x03, "", "f64 : i32"],
  ["i64.trunc_sat_f32_s", 0xfc, 0x04, "", "f32 : i64"],
  ["i64.trunc_sat_f32_u", 0xfc, 0x05, "", "f32 : i64"],
  ["i64.trunc_sat_f64_s", 0xfc, 0x06, "", "f64 : i64"],
  ["i64.trunc_sat_f64_u", 0xfc, 0x07, "", "f64 : i64"],
  ["memory.init", 0xfc, 0x08, "memory_init", "addr i32 i32 : "],
  ["data.drop", 0xfc, 0x09, "data", ": "],
  ["memory.copy", 0xfc, 0x0a, "memory_copy", null],
  ["memory.fill", 0xfc, 0x0b, "memory", "addr i32 addr : "],
  ["table.init", 0xfc, 0x0c, "table_init", null],
  ["elem.drop", 0xfc, 0x0d, "elem", ": "],
  ["table.copy", 0xfc, 0x0e, "table_copy", null],
  ["table.grow", 0xfc, 0x0f, "table", null],
  ["table.size", 0xfc, 0x10, "table", null],
  ["table.fill", 0xfc, 0x11, "table", null],
  ["v128.load", 0xfd, 0x00, "memarg", "addr : v128"],
  ["v128.load8x8_s", 0xfd, 0x01, "memarg", "addr : v128"],
  ["v128.load8x8_u", 0xfd, 0x02, "memarg", "addr : v128"],
  ["v128.load16x4_s", 0xfd, 0x03, "memarg", "addr : v128"],
  ["v128.load16x4_u", 0xfd, 0x04, "memarg", "addr : v128"],
  ["v128.load32x2_s", 0xfd, 0x05, "memarg", "addr : v128"],
  ["v128.load32x2_u", 0xfd, 0x06, "memarg", "addr : v128"],
  ["v128.load8_splat", 0xfd, 0x07, "memarg", "addr : v128"],
  ["v128.load16_splat", 0xfd, 0x08, "memarg", "addr : v128"],
  ["v128.load32_splat", 0xfd, 0x09, "memarg", "addr : v128"],
  ["v128.load64_splat", 0xfd, 0x0a, "memarg", "addr : v128"],
  ["v128.store", 0xfd, 0x0b, "memarg", "addr v128 : "],
  ["v128.const", 0xfd, 0x0c, "v128", ": v128"],
  ["i8x16.shuffle", 0xfd, 0x0d, "shuffle", "v128 v128 : v128"],
  ["i8x16.swizzle", 0xfd, 0x0e, "", "v128 v128 : v128"],
  ["i8x16.splat", 0xfd, 0x0f, "", "i32 : v128"],
  ["i16x8.splat", 0xfd, 0x10, "", "i32 : v128"],
  ["i32x4.splat", 0xfd, 0x11, "", "i32 : v128"],
  ["i64x2.splat", 0xfd, 0x12, "", "i64 : v128"],
  ["f32x4.splat", 0xfd, 0x13, "", "f32 : v128"],
  ["f64x2.splat", 0xfd, 0x14, "", "f64 : v128"],
  ["i8x16.extract_lane_s", 0xfd, 0x15, "lane", "v128 : i32"],
  ["i8x16.extract_lane_u", 0xfd, 0x16, "lane", "v128 : i32"],
  ["i8x16.replace_lane", 0xfd, 0x17, "lane", "v128 i32 : v128"],
  ["i16x8.extract_lane_s", 0xfd, 0x18, "lane", "v128 : i32"],
  ["i16x8.extract_lane_u", 0xfd, 0x19, "lane", "v128 : i32"],
  ["i16x8.replace_lane", 0xfd, 0x1a, "lane", "v128 i32 : v128"],
  ["i32x4.extract_lane", 0xfd, 0x1b, "lane", "v128 : i32"],
  ["i32x4.replace_lane", 0xfd, 0x1c, "lane", "v128 i32 : v128"],
  ["i64x2.extract_lane", 0xfd, 0x1d, "lane", "v128 : i64"],
  ["i64x2.replace_lane", 0xfd, 0x1e, "lane", "v128 i64 : v128"],
  ["f32x4.extract_lane", 0xfd, 0x1f, "lane", "v128 : f32"],
  ["f32x4.replace_lane", 0xfd, 0x20, "lane", "v128 f32 : v128"],
  ["f64x2.extract_lane", 0xfd, 0x21, "lane", "v128 : f64"],
  ["f64x2.replace_lane", 0xfd, 0x22, "lane", "v128 f64 : v128"],
  ["i8x16.eq", 0xfd, 0x23, "", "v128 v128 : v128"],
  ["i8x16.ne", 0xfd, 0x24, "", "v128 v128 : v128"],
  ["i8x16.lt_s", 0xfd, 0x25, "", "v128 v128 : v128"],
  ["i8x16.lt_u", 0xfd, 0x26, "", "v128 v128 : v128"],
  ["i8x16.gt_s", 0xfd, 0x27, "", "v128 v128 : v128"],
  ["i8x16.gt_u", 0xfd, 0x28, "", "v128 v128 : v128"],
  ["i8x16.le_s", 0xfd, 0x29, "", "v128 v128 : v128"],
  ["i8x16.le_u", 0xfd, 0x2a, "", "v128 v128 : v128"],
  ["i8x16.ge_s", 0xfd, 0x2b, "", "v128 v128 : v128"],
  ["i8x16.ge_u", 0xfd, 0x2c, "", "v128 v128 : v128"],
  ["i16x8.eq", 0xfd, 0x2d, "", "v128 v128 : v128"],
  ["i16x8.ne", 0xfd, 0x2e, "", "v128 v128 : v128"],
  ["i16x8.lt_s", 0xfd, 0x2f, "", "v128 v128 : v128"],
  ["i16x8.lt_u", 0xfd, 0x30, "", "v128 v128 : v128"],
  ["i16x8.gt_s", 0xfd, 0x31, "", "v128 v128 : v128"],
  ["i16x8.gt_u", 0xfd, 0x32, "", "v128 v128 : v128"],
  ["i16x8.le_s", 0xfd, 0x33, "", "v128 v128 : v128"],
  ["i16x8.le_u", 0xfd, 0x34, "", "v128 v128 : v128"],
  ["i16x8.ge_s", 0xfd, 0x35, "", "v128 v128 : v128"],
  ["i16x8.ge_u", 0xfd, 0x36, "", "v128 v128 : v128"],
  ["i32x4.eq", 0xfd, 0x37, "", "v128 v128 : v128"],
  ["i32x4.ne", 0xfd, 0x38, "", "v128 v128 : v128"],
  ["i32x4.lt_s", 0xfd, 0x39, "", "v128 v128 : v128"],
  ["i32x4.lt_u", 0xfd, 0x3a, "", "v128 v128 : v128"],
  ["i32x4.gt_s", 0xfd, 0x3b, "", "v128 v128 : v128"],
  ["i32x4.gt_u", 0xfd, 0x3c, "", "v128 v128 : v128"],
  ["i32x4.le_s", 0xfd, 0x3d, "", "v128 v128 : v128"],
  ["i32x4.le_u", 0xfd, 0x3e, "", "v128 v128 : v128"],
  ["i32x4.ge_s", 0xfd, 0x3f, "", "v128 v128 : v128"],
  ["i32x4.ge_u", 0xfd, 0x40, "", "v128 v128 : v128"],
  ["f32x4.eq", 0xfd, 0x41, "", "v128 v128 : v128"],
  ["f32x4.ne", 0xfd, 0x42, "", "v128 v128 : v128"],
  ["f32x4.lt", 0xfd, 0x43, "", "v128 v128 : v128"],
  ["f32x4.gt", 0xfd, 0x44, "", "v128 v128 : v128"],
  ["f32x4.le", 0xfd, 0x45, "", "v128 v128 : v128"],
  ["f32x4.ge", 0xfd, 0x46, "", "v128 v128 : v128"],
  ["f64x2.eq", 0xfd, 0x47, "", "v128 v128 : v128"],
  ["f64x2.ne", 0xfd, 0x48, "", "v128 v128 : v128"],
  ["f64x2.lt", 0xfd, 0x49, "", "v128 v128 : v128"],
  ["f64x2.gt", 0xfd, 0x4a, "", "v128 v128 : v128"],
  ["f64x2.le", 0xfd, 0x4b, "", "v128 v128 : v128"],
  ["f64x2.ge", 0xfd, 0x4c, "", "v128 v128 : v128"],
  ["v128.not", 0xfd, 0x4d, "", "v128 : v128"],
  ["v128.and", 0xfd, 0x4e, "", "v128 v128 : v128"],
  ["v128.andnot", 0xfd, 0x4f, "", "v128 v128 : v128"],
  ["v128.or", 0xfd, 0x50, "", "v128 v128 : v128"],
  ["v128.xor", 0xfd, 0x51, "", "v128 v128 : v128"],
  ["v128.bitselect", 0xfd, 0x52, "", "v128 v128 v128 : v128"],
  ["v128.any_true", 0xfd, 0x53, "", "v128 : i32"],
  ["v128.load8_lane", 0xfd, 0x54, "memarg_lane", "addr v128 : v128"],
  ["v128.load16_lane", 0xfd, 0x55, "memarg_lane", "addr v128 : v128"],
  ["v128.load32_lane", 0xfd, 0x56, "memarg_lane", "addr v128 : v128"],
  ["v128.load64_lane", 0xfd, 0x57, "memarg_lane", "addr v128 : v128"],
  ["v128.store8_lane", 0xfd, 0x58, "memarg_lane", "addr v128 : "],
  ["v128.store16_lane", 0xfd, 0x59, "memarg_lane", "addr v128 : "],
  ["v128.store32_lane", 0xfd, 0x5a, "memarg_lane", "addr v128 : "],
  ["v128.store64_lane", 0xfd, 0x5b, "memarg_lane", "addr v128 : "],
  ["v128.load32_zero", 0xfd, 0x5c, "memarg", "addr : v128"],
  ["v128.load64_zero", 0xfd, 0x5d, "memarg", "addr : v128"],
  ["f32x4.demote_f64x2_zero", 0xfd, 0x5e, "", "v128 : v128"],
  ["f64x2.promote_low_f32x4", 0xfd, 0x5f, "", "v128 : v128"],
  ["i8x16.abs", 0xfd, 0x60, "", "v128 : v128"],
  ["i8x16.neg", 0xfd, 0x61, "", "v128 : v128"],
  ["i8x16.popcnt", 0xfd, 0x62, "", "v128 : v128"],
  ["i8x16.all_true", 0xfd, 0x63, "", "v128 : i32"],
  ["i8x16.bitmask", 0xfd, 0x64, "", "v128 : i32"],
  ["i8x16.narrow_i16x8_s", 0xfd, 0x65, "", "v128 v128 : v128"],
  ["i8x16.narrow_i16x8_u", 0xfd, 0x66, "", "v128 v128 : v128"],
  ["f32x4.ceil", 0xfd, 0x67, "", "v128 : v128"],
  ["f32x4.floor", 0xfd, 0x68, "", "v128 : v128"],
  ["f32x4.trunc", 0xfd, 0x69, "", "v128 : v128"],
  ["f32x4.nearest", 0xfd, 0x6a, "", "v128 : v128"],
  ["i8x16.shl", 0xfd, 0x6b, "", "v128 i32 : v128"],
  ["i8x16.shr_s", 0xfd, 0x6c, "", "v128 i32 : v128"],
  ["i8x16.shr_u", 0xfd, 0x6d, "", "v128 i32 : v128"],
  ["i8x16.add", 0xfd, 0x6e, "", "v128 v128 : v128"],
  ["i8x16.add_sat_s", 0xfd, 0x6f, "", "v128 v128 : v128"],
  ["i8x16.add_sat_u", 0xfd, 0x70, "", "v128 v128 : v128"],
  ["i8x16.sub", 0xfd, 0x71, "", "v128 v128 : v128"],
  ["i8x16.sub_sat_s", 0xfd, 0x72, "", "v128 v128 : v128"],
  ["i8x16.sub_sat_u", 0xfd, 0x73, "", "v128 v128 : v128"],
  ["f64x2.ceil", 0xfd, 0x74, "", "v128 : v128"],
  ["f64x2.floor", 0xfd, 0x75, "", "v128 : v128"],
  ["i8x16.min_s", 0xfd, 0x76, "", "v128 v128 : v128"],
  ["i8x16.min_u", 0xfd, 0x77, "", "v128 v128 : v128"],
  ["i8x16.max_s", 0xfd, 0x78, "", "v128 v128 : v128"],
  ["i8x16.max_u", 0xfd, 0x79, "", "v128 v128 : v128"],
  ["f64x2.trunc", 0xfd, 0x7a, "", "v128 : v128"],
  ["i8x16.avgr_u", 0xfd, 0x7b, "", "v128 v128 : v128"],
  ["i16x8.extadd_pairwise_i8x16_s", 0xfd, 0x7c, "", "v128 : v128"],
  ["i16x8.extadd_pairwise_i8x16_u", 0xfd, 0x7d, "", "v128 : v128"],
  ["i32x4.extadd_pairwise_i16x8_s", 0xfd, 0x7e, "", "v128 : v128"],
  ["i32x4.extadd_pairwise_i16x8_u", 0xfd, 0x7f, "", "v128 : v128"],
  ["i16x8.abs", 0xfd, 0x80, "", "v128 : v128"],
  ["i16x8.neg", 0xfd, 0x81, "", "v128 : v128"],
  ["i16x8.q15mulr_sat_s", 0xfd, 0x82, "", "v128 v128 : v128"],
  ["i16x8.all_true", 0xfd, 0x83, "", "v128 : i32"],
  ["i16x8.bitmask", 0xfd, 0x84, "", "v128 : i32"],
  ["i16x8.narrow_i32x4_s", 0xfd, 0x85, "", "v128 v128 : v128"],
  ["i16x8.narrow_i32x4_u", 0xfd, 0x86, "", "v128 v128 : v128"],
  ["i16x8.extend_low_i8x16_s", 0xfd, 0x87, "", "v128 : v128"],
  ["i16x8.extend_high_i8x16_s", 0xfd, 0x88, "", "v128 : v128"],
  ["i16x8.extend_low_i8x16_u", 0xfd, 0x89, "", "v128 : v128"],
  ["i16x8.extend_high_i8x16_u", 0xfd, 0x8a, "", "v128 : v128"],
  ["i16x8.shl", 0xfd, 0x8b, "", "v128 i32 : v128"],
  ["i16x8.shr_s", 0xfd, 0x8c, "", "v128 i32 : v128"],
  ["i16x8.shr_u", 0xfd, 0x8d, "", "v128 i32 : v128"],
  ["i16x8.add", 0xfd, 0x8e, "", "v128 v128 : v128"],
  ["i16x8.add_sat_s", 0xfd, 0x8f, "", "v128 v128 : v128"],
  ["i16x8.add_sat_u", 0xfd, 0x90, "", "v128 v128 : v128"],
  ["i16x8.sub", 0xfd, 0x91, "", "v128 v128 : v128"],
  ["i16x8.sub_sat_s", 0xfd, 0x92, "", "v128 v128 : v128"],
  ["i16x8.sub_sat_u", 0xfd, 0x93, "", "v128 v128 : v128"],
  ["f64x2.nearest", 0xfd, 0x94, "", "v128 : v128"],
  ["i16x8.mul", 0xfd, 0x95, "", "v128 v128 : v128"],
  ["i16x8.min_s", 0xfd, 0x96, "", "v128 v128 : v128"],
  ["i16x8.min_u", 0xfd, 0x97, "", "v128 v128 : v128"],
  ["i16x8.max_s", 0xfd, 0x98, "", "v128 v128 : v128"],
  ["i16x8.max_u", 0xfd, 0x99, "", "v128 v128 : v128"],
  ["i16x8.avgr_u", 0xfd, 0x9b, "", "v128 v128 : v128"],
  ["i16x8.extmul_low_i8x16_s", 0xfd, 0x9c, "", "v128 v128 : v128"],
  ["i16x8.extmul_high_i8x16_s", 0xfd, 0x9d, "", "v128 v128 : v128"],
  ["i16x8.extmul_low_i8x16_u", 0xfd, 0x9e, "", "v128 v128 : v128"],
  ["i16x8.extmul_high_i8x16_u", 0xfd, 0x9f, "", "v128 v128 : v128"],
  ["i32x4.abs", 0xfd, 0xa0, "", "v128 : v128"],
  ["i32x4.neg", 0xfd, 0xa1, "", "v128 : v128"],
  ["i32x4.all_true", 0xfd, 0xa3, "", "v128 : i32"],
  ["i32x4.bitmask", 0xfd, 0xa4, "", "v128 : i32"],
  ["i32x4.extend_low_i16x8_s", 0xfd, 0xa7, "", "v128 : v128"],
  ["i32x4.extend_high_i16x8_s", 0xfd, 0xa8, "", "v128 : v128"],
  ["i32x4.extend_low_i16x8_u", 0xfd, 0xa9, "", "v128 : v128"],
  ["i32x4.extend_high_i16x8_u", 0xfd, 0xaa, "", "v128 : v128"],
  ["i32x4.shl", 0xfd, 0xab, "", "v128 i32 : v128"],
  ["i32x4.shr_s", 0xfd, 0xac, "", "v128 i32 : v128"],
  ["i32x4.shr_u", 0xfd, 0xad, "", "v128 i32 : v128"],
  ["i32x4.add", 0xfd, 0xae, "", "v128 v128 : v128"],
  ["i32x4.sub", 0xfd, 0xb1, "", "v128 v128 : v128"],
  ["i32x4.mul", 0xfd, 0xb5, "", "v128 v128 : v128"],
  ["i32x4.min_s", 0xfd, 0xb6, "", "v128 v128 : v128"],
  ["i32x4.min_u", 0xfd, 0xb7, "", "v128 v128 : v128"],
  ["i32x4.max_s", 0xfd, 0xb8, "", "v128 v128 : v128"],
  ["i32x4.max_u", 0xfd, 0xb9, "", "v128 v128 : v128"],
  ["i32x4.dot_i16x8_s", 0xfd, 0xba, "", "v128 v128 : v128"],
  ["i32x4.extmul_low_i16x8_s", 0xfd, 0xbc, "", "v128 v128 : v128"],
  ["i32x4.extmul_high_i16x8_s", 0xfd, 0xbd, "", "v128 v128 : v128"],
  ["i32x4.extmul_low_i16x8_u", 0xfd, 0xbe, "", "v128 v128 : v128"],
  ["i32x4.extmul_high_i16x8_u", 0xfd, 0xbf, "", "v128 v128 : v128"],
  ["i64x2.abs", 0xfd, 0xc0, "", "v128 : v128"],
  ["i64x2.neg", 0xfd, 0xc1, "", "v128 : v128"],
  ["i64x2.all_true", 0xfd, 0xc3, "", "v128 : i32"],
  ["i64x2.bitmask", 0xfd, 0xc4, "", "v128 : i32"],
  ["i64x2.extend_low_i32x4_s", 0xfd, 0xc7, "", "v128 : v128"],
  ["i64x2.extend_high_i32x4_s", 0xfd, 0xc8, "", "v128 : v128"],
  ["i64x2.extend_low_i32x4_u", 0xfd, 0xc9, "", "v128 : v128"],
  ["i64x2.extend_high_i32x4_u", 0xfd, 0xca, "", "v128 : v128"],
  ["i64x2.shl", 0xfd, 0xcb, "", "v128 i32 : v128"],
  ["i64x2.shr_s", 0xfd, 0xcc, "", "v128 i32 : v128"],
  ["i64x2.shr_u", 0xfd, 0xcd, "", "v128 i32 : v128"],
  ["i64x2.add", 0xfd, 0xce, "", "v128 v128 : v128"],
  ["i64x2.sub", 0xfd, 0xd1, "", "v128 v128 : v128"],
  ["i64x2.mul", 0xfd, 0xd5, "", "v128 v128 : v128"],
  ["i64x2.eq", 0xfd, 0xd6, "", "v128 v128 : v128"],
  ["i64x2.ne", 0xfd, 0xd7, "", "v128 v128 : v128"],
  ["i64x2.lt_s", 0xfd, 0xd8, "", "v128 v128 : v128"],
  ["i64x2.gt_s", 0xfd, 0xd9, "", "v128 v128 : v128"],
  ["i64x2.le_s", 0xfd, 0xda, "", "v128 v128 : v128"],
  ["i64x2.ge_s", 0xfd, 0xdb, "", "v128 v128 : v128"],
  ["i64x2.extmul_low_i32x4_s", 0xfd, 0xdc, "", "v128 v128 : v128"],
  ["i64x2.extmul_high_i32x4_s", 0xfd, 0xdd, "", "v128 v128 : v128"],
  ["i64x2.extmul_low_i32x4_u", 0xfd, 0xde, "", "v128 v128 : v128"],
  ["i64x2.extmul_high_i32x4_u", 0xfd, 0xdf, "", "v128 v128 : v128"],
  ["f32x4.abs", 0xfd, 0xe0, "", "v128 : v128"],
  ["f32x4.neg", 0xfd, 0xe1, "", "v128 : v128"],
  ["f32x4.sqrt", 0xfd, 0xe3, "", "v128 : v128"],
  ["f32x4.add", 0xfd, 0xe4, "", "v128 v128 : v128"],
  ["f32x4.sub", 0xfd, 0xe5, "", "v128 v128 : v128"],
  ["f32x4.mul", 0xfd, 0xe6, "", "v128 v128 : v128"],
  ["f32x4.div", 0xfd, 0xe7, "", "v128 v128 : v128"],
  ["f32x4.min", 0xfd, 0xe8, "", "v128 v128 : v128"],
  ["f32x4.max", 0xfd, 0xe9, "", "v128 v128 : v128"],
  ["f32x4.pmin", 0xfd, 0xea, "", "v128 v128 : v128"],
  ["f32x4.pmax", 0xfd, 0xeb, "", "v128 v128 : v128"],
  ["f64x2.abs", 0xfd, 0xec, "", "v128 : v128"],
  ["f64x2.neg", 0xfd, 0xed, "", "v128 : v128"],
  ["f64x2.sqrt", 0xfd, 0xef, "", "v128 : v128"],
  ["f64x2.add", 0xfd, 0xf0, "", "v128 v128 : v128"],
  ["f64x2.sub", 0xfd, 0xf1, "", "v128 v128 : v128"],
  ["f64x2.mul", 0xfd, 0xf2, "", "v128 v128 : v128"],
  ["f64x2.div", 0xfd, 0xf3, "", "v128 v128 : v128"],
  ["f64x2.min", 0xfd, 0xf4, "", "v128 v128 : v128"],
  ["f64x2.max", 0xfd, 0xf5, "", "v128 v128 : v128"],
  ["f64x2.pmin", 0xfd, 0xf6, "", "v128 v128 : v128"],
  ["f64x2.pmax", 0xfd, 0xf7, "", "v128 v128 : v128"],
  ["i32x4.trunc_sat_f32x4_s", 0xfd, 0xf8, "", "v128 : v128"],
  ["i32x4.trunc_sat_f32x4_u", 0xfd, 0xf9, "", "v128 : v128"],
  ["f32x4.convert_i32x4_s", 0xfd, 0xfa, "", "v128 : v128"],
  ["f32x4.convert_i32x4_u", 0xfd, 0xfb, "", "v128 : v128"],
  ["i32x4.trunc_sat_f64x2_s_zero", 0xfd, 0xfc, "", "v128 : v128"],
  ["i32x4.trunc_sat_f64x2_u_zero", 0xfd, 0xfd, "", "v128 : v128"],
  ["f64x2.convert_low_i32x4_s", 0xfd, 0xfe, "", "v128 : v128"],
  ["f64x2.convert_low_i32x4_u", 0xfd, 0xff, "", "v128 : v128"],
] as const satisfies readonly OpcodeRow[];

/** Everything known about one instruction. */
export interface OpInfo {
  /** The opcode id (row index). */
  readonly id: number;
  /** Text-format mnemonic. */
  readonly name: string;
  /** 0, 0xFC or 0xFD. */
  readonly prefix: number;
  /** The opcode byte, or the sub-opcode after a prefix. */
  readonly code: number;
  /** Immediate shape. */
  readonly imm: Imm;
  /** Words of immediates in a code stream; -1 when variable. */
  readonly immWords: number;
  /**
   * Operand types popped (in push order), or null when the validator types
   * this instruction by hand. {@linkcode ADDR} stands for the address type.
   */
  readonly params: readonly ValType[] | null;
  /** Operand types pushed, or null (as for `params`). */
  readonly results: readonly ValType[] | null;
}

/** Placeholder in signatures for the address type of the memory operand. */
export const ADDR = -1;

const TYPE_WORDS: Record<string, ValType> = {
  i32: ValType.i32,
  i64: ValType.i64,
  f32: ValType.f32,
  f64: ValType.f64,
  v128: ValType.v128,
  addr: ADDR,
};

function parseTypes(s: string): ValType[] {
  return s.split(" ").filter((w) => w !== "").map((w) => TYPE_WORDS[w]);
}

/** Every mnemonic of the table (`select_t` for the typed `select`). */
export type Mnemonic = (typeof OPCODE_TABLE)[number] extends infer R
  ? R extends
    readonly [infer N extends string, unknown, unknown, unknown, unknown, infer K extends string]
    ? K
  : R extends readonly [infer N extends string, ...unknown[]] ? N
  : never
  : never;
/** `S` with every `.` replaced by `_`. */
export type Underscored<S extends string> = S extends `${infer A}.${infer B}`
  ? `${A}_${Underscored<B>}`
  : S;

/** Key of an instruction in {@linkcode Op}: its mnemonic with `.` replaced by `_`. */
export type OpKey = Underscored<Mnemonic>;

/** Every instruction, by opcode id. */
export const OPS: readonly OpInfo[] = OPCODE_TABLE.map((row: OpcodeRow, id): OpInfo => {
  const [name, prefix, code, imm, sig] = row;
  let params: ValType[] | null = null;
  let results: ValType[] | null = null;
  if (sig !== null) {
    const [p, r] = sig.split(":");
    params = parseTypes(p);
    results = parseTypes(r);
  }
  return { id, name, prefix, code, imm, immWords: IMM_WORDS[imm], params, results };
});

/** Opcode ids by key: `Op.i32_add`, `Op.br_table`, `Op.select_t`, … */
export const Op: Readonly<Record<OpKey, number>> = Object.fromEntries(
  OPCODE_TABLE.map((row: OpcodeRow, id) => [(row[5] ?? row[0]).replaceAll(".", "_"), id]),
) as Record<OpKey, number>;

/** Opcode id of each one-byte opcode, or -1. */
export const BYTE_OPS: Int16Array = new Int16Array(256).fill(-1);
/** Opcode id of each 0xFC sub-opcode, or -1. */
export const FC_OPS: Int16Array = new Int16Array(32).fill(-1);
/** Opcode id of each 0xFD sub-opcode, or -1. */
export const FD_OPS: Int16Array = new Int16Array(0x200).fill(-1);

/** Opcode ids by text mnemonic (`select` maps to the untyped form). */
export const OPS_BY_NAME: ReadonlyMap<string, number> = new Map(
  [...OPS].reverse().map((op) => [op.name, op.id]),
);

for (const op of OPS) {
  const table = op.prefix === 0 ? BYTE_OPS : op.prefix === 0xfc ? FC_OPS : FD_OPS;
  table[op.code] = op.id;
}

/** Number of 32-bit words the instruction at `pc` takes in `code.ops`, opcode included. */
export function instrWords(ops: Int32Array, pc: number): number {
  const info = OPS[ops[pc]];
  if (info.immWords >= 0) return 1 + info.immWords;
  // br_table: n, n labels, default; select_t: n, n types.
  return info.imm === "br_table" ? 3 + ops[pc + 1] : 2 + ops[pc + 1];
}

/** Calls `visit(id, pc)` for every instruction of `code`, in order. */
export function forEachInstr(code: Code, visit: (id: number, pc: number) => void): void {
  const ops = code.ops;
  for (let pc = 0; pc < ops.length; pc += instrWords(ops, pc)) visit(ops[pc], pc);
}

/**
 * The interpreter's internal instruction set: what `lower.ts` emits and
 * `exec.ts` runs. One row per internal opcode: its name and its operand
 * words, each a letter:
 *
 * | letter | operand |
 * | --- | --- |
 * | `d` | destination slot: a word offset from the frame pointer |
 * | `s` | source slot (a local or an operand-stack slot), same form |
 * | `i` | an immediate (a constant, a memory offset, an index, a count) |
 * | `t` | a jump target: an absolute position in the instance's code |
 * | `*` | variable length (`br_table`: count, targets, default) |
 *
 * Opcode numbers are row indices. `exec.ts` switches on them with literal
 * `case N: // name` labels — V8 builds a jump table only for literal case
 * labels — and `ops_test.ts` checks every label against this table.
 *
 * Everything uncommon (SIMD, bulk memory, tables, references, saturating
 * truncation) goes through one opcode, `extra`, followed by a handler index
 * into `exec_extra.ts` and the instruction's total length: that keeps the
 * main loop small enough for V8 to optimise as a whole.
 *
 * @module
 */

// deno-fmt-ignore
const ROWS: readonly (readonly [string, string])[] = [
  ["unreachable", ""], ["jmp", "t"], ["br_if", "st"], ["br_unless", "st"], ["br_table", "s*"],
  ["ret", ""], ["call", "ii"], ["call_import", "ii"], ["call_indirect", "iiis"],
  ["check", "i"], ["extra", "ii*"],
  ["mov32", "ds"], ["mov64", "ds"], ["mov128", "ds"], ["movref", "ds"],
  ["const32", "di"], ["const64", "dii"], ["const128", "diiii"],
  ["select32", "dsss"], ["select64", "dsss"], ["select128", "dsss"], ["selectref", "dsss"],
  ["global_get32", "di"], ["global_get64", "di"], ["global_set32", "is"], ["global_set64", "is"],
  // i32, three slots
  ["i32.add", "dss"], ["i32.sub", "dss"], ["i32.mul", "dss"], ["i32.div_s", "dss"],
  ["i32.div_u", "dss"], ["i32.rem_s", "dss"], ["i32.rem_u", "dss"], ["i32.and", "dss"],
  ["i32.or", "dss"], ["i32.xor", "dss"], ["i32.shl", "dss"], ["i32.shr_s", "dss"],
  ["i32.shr_u", "dss"], ["i32.rotl", "dss"], ["i32.rotr", "dss"], ["i32.eq", "dss"],
  ["i32.ne", "dss"], ["i32.lt_s", "dss"], ["i32.lt_u", "dss"], ["i32.gt_s", "dss"],
  ["i32.gt_u", "dss"], ["i32.le_s", "dss"], ["i32.le_u", "dss"], ["i32.ge_s", "dss"],
  ["i32.ge_u", "dss"],
  // i32 with a constant right operand
  ["i32.add_i", "dsi"], ["i32.mul_i", "dsi"], ["i32.and_i", "dsi"], ["i32.or_i", "dsi"],
  ["i32.xor_i", "dsi"], ["i32.shl_i", "dsi"], ["i32.shr_s_i", "dsi"], ["i32.shr_u_i", "dsi"],
  ["i32.rotl_i", "dsi"], ["i32.rotr_i", "dsi"], ["i32.eq_i", "dsi"], ["i32.ne_i", "dsi"],
  ["i32.lt_s_i", "dsi"], ["i32.lt_u_i", "dsi"], ["i32.gt_s_i", "dsi"], ["i32.gt_u_i", "dsi"],
  ["i32.le_s_i", "dsi"], ["i32.le_u_i", "dsi"], ["i32.ge_s_i", "dsi"], ["i32.ge_u_i", "dsi"],
  // i32 unary
  ["i32.eqz", "ds"], ["i32.clz", "ds"], ["i32.ctz", "ds"], ["i32.popcnt", "ds"],
  ["i32.extend8_s", "ds"], ["i32.extend16_s", "ds"],
  // fused compare and branch (taken when the comparison holds)
  ["br_eq", "sst"], ["br_ne", "sst"], ["br_lt_s", "sst"], ["br_lt_u", "sst"], ["br_gt_s", "sst"],
  ["br_gt_u", "sst"], ["br_le_s", "sst"], ["br_le_u", "sst"], ["br_ge_s", "sst"],
  ["br_ge_u", "sst"],
  ["br_eq_i", "sit"], ["br_ne_i", "sit"], ["br_lt_s_i", "sit"], ["br_lt_u_i", "sit"],
  ["br_gt_s_i", "sit"], ["br_gt_u_i", "sit"], ["br_le_s_i", "sit"], ["br_le_u_i", "sit"],
  ["br_ge_s_i", "sit"], ["br_ge_u_i", "sit"],
  // i64
  ["i64.add", "dss"], ["i64.sub", "dss"], ["i64.mul", "dss"], ["i64.div_s", "dss"],
  ["i64.div_u", "dss"], ["i64.rem_s", "dss"], ["i64.rem_u", "dss"], ["i64.and", "dss"],
  ["i64.or", "dss"], ["i64.xor", "dss"], ["i64.shl", "dss"], ["i64.shr_s", "dss"],
  ["i64.shr_u", "dss"], ["i64.rotl", "dss"], ["i64.rotr", "dss"], ["i64.eq", "dss"],
  ["i64.ne", "dss"], ["i64.lt_s", "dss"], ["i64.lt_u", "dss"], ["i64.gt_s", "dss"],
  ["i64.gt_u", "dss"], ["i64.le_s", "dss"], ["i64.le_u", "dss"], ["i64.ge_s", "dss"],
  ["i64.ge_u", "dss"],
  ["i64.eqz", "ds"], ["i64.clz", "ds"], ["i64.ctz", "ds"], ["i64.popcnt", "ds"],
  ["i64.extend8_s", "ds"], ["i64.extend16_s", "ds"], ["i64.extend32_s", "ds"],
  // f32
  ["f32.add", "dss"], ["f32.sub", "dss"], ["f32.mul", "dss"], ["f32.div", "dss"],
  ["f32.min", "dss"], ["f32.max", "dss"], ["f32.copysign", "dss"], ["f32.eq", "dss"],
  ["f32.ne", "dss"], ["f32.lt", "dss"], ["f32.gt", "dss"], ["f32.le", "dss"], ["f32.ge", "dss"],
  ["f32.abs", "ds"], ["f32.neg", "ds"], ["f32.ceil", "ds"], ["f32.floor", "ds"],
  ["f32.trunc", "ds"], ["f32.nearest", "ds"], ["f32.sqrt", "ds"],
  // f64
  ["f64.add", "dss"], ["f64.sub", "dss"], ["f64.mul", "dss"], ["f64.div", "dss"],
  ["f64.min", "dss"], ["f64.max", "dss"], ["f64.copysign", "dss"], ["f64.eq", "dss"],
  ["f64.ne", "dss"], ["f64.lt", "dss"], ["f64.gt", "dss"], ["f64.le", "dss"], ["f64.ge", "dss"],
  ["f64.abs", "ds"], ["f64.neg", "ds"], ["f64.ceil", "ds"], ["f64.floor", "ds"],
  ["f64.trunc", "ds"], ["f64.nearest", "ds"], ["f64.sqrt", "ds"],
  // conversions (reinterpretations are moves)
  ["i32.wrap_i64", "ds"], ["i32.trunc_f32_s", "ds"], ["i32.trunc_f32_u", "ds"],
  ["i32.trunc_f64_s", "ds"], ["i32.trunc_f64_u", "ds"], ["i64.extend_i32_s", "ds"],
  ["i64.extend_i32_u", "ds"], ["i64.trunc_f32_s", "ds"], ["i64.trunc_f32_u", "ds"],
  ["i64.trunc_f64_s", "ds"], ["i64.trunc_f64_u", "ds"], ["f32.convert_i32_s", "ds"],
  ["f32.convert_i32_u", "ds"], ["f32.convert_i64_s", "ds"], ["f32.convert_i64_u", "ds"],
  ["f32.demote_f64", "ds"], ["f64.convert_i32_s", "ds"], ["f64.convert_i32_u", "ds"],
  ["f64.convert_i64_s", "ds"], ["f64.convert_i64_u", "ds"], ["f64.promote_f32", "ds"],
  // memory: loads (dst, address, addend, offset): the address is
  // (address + addend) mod 2^32 + offset, the addend being a folded i32.add;
  // f32/f64 load and store as i32/i64 bits
  ["i32.load", "dsii"], ["i64.load", "dsii"], ["i32.load8_s", "dsii"], ["i32.load8_u", "dsii"],
  ["i32.load16_s", "dsii"], ["i32.load16_u", "dsii"], ["i64.load8_s", "dsii"],
  ["i64.load8_u", "dsii"], ["i64.load16_s", "dsii"], ["i64.load16_u", "dsii"],
  ["i64.load32_s", "dsii"], ["i64.load32_u", "dsii"],
  // stores (address, value, addend, offset)
  ["i32.store", "ssii"], ["i64.store", "ssii"], ["i32.store8", "ssii"], ["i32.store16", "ssii"],
  ["i64.store8", "ssii"], ["i64.store16", "ssii"], ["i64.store32", "ssii"],
  ["memory.size", "d"], ["memory.grow", "ds"],
  // consts n length (offset, word)...: fills the function's constant pool on entry
  ["consts", "ii*"],
];

/** One internal instruction's description. */
export interface IOpInfo {
  /** Internal opcode number. */
  readonly code: number;
  /** Name (wasm mnemonic where it is one). */
  readonly name: string;
  /** Operand letters (see the module docs). */
  readonly operands: string;
}

/** Every internal instruction, by opcode number. */
export const IOPS: readonly IOpInfo[] = ROWS.map(([name, operands], code) => ({
  code,
  name,
  operands,
}));

/** Internal opcode numbers by name (`IOP["i32.add"]`, `IOP.jmp`). */
export const IOP: Readonly<Record<string, number>> = Object.fromEntries(
  ROWS.map(([name], code) => [name, code]),
);

/** Words taken by the instruction at `pc` of `code`, opcode included. */
export function iopWords(code: Int32Array, pc: number): number {
  const op = code[pc];
  if (op === IOP.br_table) return 4 + code[pc + 2];
  if (op === IOP.extra) return code[pc + 2];
  if (op === IOP.consts) return code[pc + 2];
  return 1 + IOPS[op].operands.length;
}

/**
 * A readable listing of internal code, one instruction per line:
 * `pos: name operand...` (slots as `@offset`, targets as `->pos`).
 */
export function disassemble(code: Int32Array, from = 0, to = code.length): string {
  const lines: string[] = [];
  for (let pc = from; pc < to; pc += iopWords(code, pc)) {
    const info = IOPS[code[pc]];
    const parts = [`${pc}: ${info.name}`];
    if (info.name === "br_table") {
      const n = code[pc + 2];
      parts.push(`@${code[pc + 1]}`);
      for (let k = 0; k <= n; k++) parts.push(`->${code[pc + 3 + k]}`);
    } else if (info.name === "consts") {
      for (let k = 0; k < code[pc + 1]; k++) {
        parts.push(`@${code[pc + 3 + 2 * k]}=${code[pc + 4 + 2 * k]}`);
      }
    } else if (info.name === "extra") {
      parts.push(`#${code[pc + 1]}`);
      for (let k = 3; k < code[pc + 2]; k++) parts.push(String(code[pc + k]));
    } else {
      [...info.operands].forEach((kind, k) => {
        const w = code[pc + 1 + k];
        parts.push(kind === "d" || kind === "s" ? `@${w}` : kind === "t" ? `->${w}` : String(w));
      });
    }
    lines.push(parts.join(" "));
  }
  return lines.join("\n");
}

/**
 * Handlers of the `extra` instruction: everything the main loop does not
 * run itself — bulk memory, tables, references, saturating truncation,
 * reference and v128 globals, and (from `exec_simd.ts`) SIMD. Each handler
 * gets the machine, the code, the position of its first operand and the
 * frame pointer; operand layouts are those of `extra_layout.ts`.
 *
 * Slot operands are word offsets from `fp`; references live in `m.refs`
 * at index `(fp + offset) >> 1`.
 *
 * @module
 */

import { Trap } from "../errors.ts";
import { Op } from "../opcodes.ts";
import { EXTRA_COUNT, EXTRA_PSEUDO } from "./extra_layout.ts";
import type { Machine } from "./machine.ts";
import { truncSatI32S, truncSatI32U, truncSatI64S, truncSatI64U } from "./numeric.ts";
import { SIMD_HANDLERS } from "./simd_shapes.ts";
// These modules register their handlers in SIMD_HANDLERS when loaded.
import "./exec_simd_lanes.ts";
import "./exec_simd_arith.ts";

/** An extra instruction's handler. */
export type ExtraHandler = (m: Machine, code: Int32Array, at: number, fp: number) => void;

function missing(): never {
  throw new Error("interp: instruction has no handler");
}

/** Handlers by extra handler id (wasm opcode id or `EXTRA_PSEUDO`). */
export const EXTRA_HANDLERS: ExtraHandler[] = new Array(EXTRA_COUNT).fill(missing);

function oobMemory(): never {
  throw new Trap("out of bounds memory access");
}

function oobTable(): never {
  throw new Trap("out of bounds table access");
}

const H = EXTRA_HANDLERS;

// ---- bulk memory: (dst, src|value, len) --------------------------------------

H[Op.memory_init] = (m, code, at, fp) => {
  const I32 = m.i32;
  const d = I32[fp + code[at]] >>> 0;
  const s = I32[fp + code[at + 1]] >>> 0;
  const n = I32[fp + code[at + 2]] >>> 0;
  const data = m.ctx!.datas[code[at + 3]];
  const len = data === null ? 0 : data.length;
  if (s + n > len || d + n > m.memLen) oobMemory();
  if (n > 0) m.mem8.set(data!.subarray(s, s + n), d);
};

H[Op.data_drop] = (m, code, at) => {
  m.ctx!.datas[code[at]] = null;
};

H[Op.memory_copy] = (m, code, at, fp) => {
  const I32 = m.i32;
  const d = I32[fp + code[at]] >>> 0;
  const s = I32[fp + code[at + 1]] >>> 0;
  const n = I32[fp + code[at + 2]] >>> 0;
  if (s + n > m.memLen || d + n > m.memLen) oobMemory();
  m.mem8.copyWithin(d, s, s + n);
};

H[Op.memory_fill] = (m, code, at, fp) => {
  const I32 = m.i32;
  const d = I32[fp + code[at]] >>> 0;
  const v = I32[fp + code[at + 1]];
  const n = I32[fp + code[at + 2]] >>> 0;
  if (d + n > m.memLen) oobMemory();
  m.mem8.fill(v & 255, d, d + n);
};

// ---- tables ---------------------------------------------------------------

H[Op.table_init] = (m, code, at, fp) => {
  const I32 = m.i32;
  const d = I32[fp + code[at]] >>> 0;
  const s = I32[fp + code[at + 1]] >>> 0;
  const n = I32[fp + code[at + 2]] >>> 0;
  const elem = m.ctx!.elems[code[at + 3]];
  const table = m.ctx!.tables[code[at + 4]].elements;
  const len = elem === null ? 0 : elem.length;
  if (s + n > len || d + n > table.length) oobTable();
  for (let i = 0; i < n; i++) table[d + i] = elem![s + i];
};

H[Op.elem_drop] = (m, code, at) => {
  m.ctx!.elems[code[at]] = null;
};

H[Op.table_copy] = (m, code, at, fp) => {
  const I32 = m.i32;
  const d = I32[fp + code[at]] >>> 0;
  const s = I32[fp + code[at + 1]] >>> 0;
  const n = I32[fp + code[at + 2]] >>> 0;
  const dst = m.ctx!.tables[code[at + 3]].elements;
  const src = m.ctx!.tables[code[at + 4]].elements;
  if (s + n > src.length || d + n > dst.length) oobTable();
  if (d <= s) { for (let i = 0; i < n; i++) dst[d + i] = src[s + i]; }
  else for (let i = n - 1; i >= 0; i--) dst[d + i] = src[s + i];
};

H[Op.table_grow] = (m, code, at, fp) => {
  const init = m.refs[(fp + code[at + 1]) >> 1];
  const n = m.i32[fp + code[at + 2]] >>> 0;
  m.i32[fp + code[at]] = m.ctx!.tables[code[at + 3]].growRaw(n, init);
};

H[Op.table_size] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = m.ctx!.tables[code[at + 1]].elements.length;
};

H[Op.table_fill] = (m, code, at, fp) => {
  const i = m.i32[fp + code[at]] >>> 0;
  const v = m.refs[(fp + code[at + 1]) >> 1];
  const n = m.i32[fp + code[at + 2]] >>> 0;
  const table = m.ctx!.tables[code[at + 3]].elements;
  if (i + n > table.length) oobTable();
  for (let k = 0; k < n; k++) table[i + k] = v;
};

H[Op.table_get] = (m, code, at, fp) => {
  const i = m.i32[fp + code[at + 1]] >>> 0;
  const table = m.ctx!.tables[code[at + 2]].elements;
  if (i >= table.length) oobTable();
  m.refs[(fp + code[at]) >> 1] = table[i];
};

H[Op.table_set] = (m, code, at, fp) => {
  const i = m.i32[fp + code[at]] >>> 0;
  const table = m.ctx!.tables[code[at + 2]].elements;
  if (i >= table.length) oobTable();
  table[i] = m.refs[(fp + code[at + 1]) >> 1];
};

// ---- references -------------------------------------------------------------

H[Op.ref_null] = (m, code, at, fp) => {
  m.refs[(fp + code[at]) >> 1] = null;
};

H[Op.ref_is_null] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = m.refs[(fp + code[at + 1]) >> 1] === null ? 1 : 0;
};

H[Op.ref_func] = (m, code, at, fp) => {
  m.refs[(fp + code[at]) >> 1] = m.ctx!.funcs[code[at + 1]];
};

// ---- saturating truncation ----------------------------------------------------

H[Op.i32_trunc_sat_f32_s] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = truncSatI32S(m.f32[fp + code[at + 1]]);
};
H[Op.i32_trunc_sat_f32_u] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = truncSatI32U(m.f32[fp + code[at + 1]]);
};
H[Op.i32_trunc_sat_f64_s] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = truncSatI32S(m.f64[(fp + code[at + 1]) >> 1]);
};
H[Op.i32_trunc_sat_f64_u] = (m, code, at, fp) => {
  m.i32[fp + code[at]] = truncSatI32U(m.f64[(fp + code[at + 1]) >> 1]);
};
H[Op.i64_trunc_sat_f32_s] = (m, code, at, fp) => {
  truncSatI64S(m.i32, fp + code[at], m.f32[fp + code[at + 1]]);
};
H[Op.i64_trunc_sat_f32_u] = (m, code, at, fp) => {
  truncSatI64U(m.i32, fp + code[at], m.f32[fp + code[at + 1]]);
};
H[Op.i64_trunc_sat_f64_s] = (m, code, at, fp) => {
  truncSatI64S(m.i32, fp + code[at], m.f64[(fp + code[at + 1]) >> 1]);
};
H[Op.i64_trunc_sat_f64_u] = (m, code, at, fp) => {
  truncSatI64U(m.i32, fp + code[at], m.f64[(fp + code[at + 1]) >> 1]);
};

// ---- interpreter-only ---------------------------------------------------------

H[EXTRA_PSEUDO.clear_refs] = (m, code, at, fp) => {
  for (let w = fp + code[at], e = fp + code[at + 1]; w < e; w += 2) m.refs[w >> 1] = null;
};

H[EXTRA_PSEUDO.global_get_ref] = (m, code, at, fp) => {
  m.refs[(fp + code[at]) >> 1] = m.ctx!.globals[code[at + 1]].ref;
};

H[EXTRA_PSEUDO.global_set_ref] = (m, code, at, fp) => {
  m.ctx!.globals[code[at]].ref = m.refs[(fp + code[at + 1]) >> 1];
};

H[EXTRA_PSEUDO.global_get128] = (m, code, at, fp) => {
  m.i32.set(m.ctx!.globals[code[at + 1]].bits, fp + code[at]);
};

H[EXTRA_PSEUDO.global_set128] = (m, code, at, fp) => {
  const s = fp + code[at + 1];
  m.ctx!.globals[code[at]].bits.set(m.i32.subarray(s, s + 4));
};

for (const [id, h] of SIMD_HANDLERS) H[id] = h;

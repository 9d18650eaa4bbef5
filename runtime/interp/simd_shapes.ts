/**
 * The building blocks of the SIMD handlers (`exec_simd_lanes.ts`,
 * `exec_simd_arith.ts`): the handler registry, typed-array views of a
 * v128 slot's lanes, a scratch vector, and generic lane-wise shapes.
 *
 * A v128 value takes four words (16 bytes) of the value stack, so each
 * lane shape is just another typed-array view of the same bytes: lane k of
 * an i16x8 at word w is `m.i16[w * 2 + k]`, of an f64x2 `m.f64[w / 2 + k]`.
 * Lane-wise operations read lane k of every operand before writing lane k
 * of the result, which stays correct when the result aliases an operand;
 * operations that mix lanes (shuffles, narrowing, widening, pairwise) go
 * through the scratch vector first. Float lanes are moved as integer bits
 * so NaN payloads survive; only arithmetic goes through float views.
 *
 * @module
 */

import { Trap } from "../errors.ts";
import { Op, type OpKey } from "../opcodes.ts";
import type { Machine } from "./machine.ts";

export type Handler = (m: Machine, code: Int32Array, at: number, fp: number) => void;
export type NumView = { [i: number]: number };
export type Kind = "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "f32" | "f64";

/** SIMD handlers by wasm opcode id. */
export const SIMD_HANDLERS: Map<number, Handler> = new Map();

export function def(name: OpKey, h: Handler): void {
  SIMD_HANDLERS.set(Op[name], h);
}

export const BYTES: Record<Kind, number> = {
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  f32: 4,
  f64: 8,
};

export function viewOf(m: Machine, k: Kind): NumView {
  switch (k) {
    case "i8":
      return m.i8;
    case "u8":
      return m.u8;
    case "i16":
      return m.i16;
    case "u16":
      return m.u16;
    case "i32":
      return m.i32;
    case "u32":
      return m.u32;
    case "f32":
      return m.f32;
    case "f64":
      return m.f64;
  }
}

// A scratch vector for operations that mix lanes.
export const scratchBuf: ArrayBuffer = new ArrayBuffer(16);
export const T32: Int32Array = new Int32Array(scratchBuf);
export const TVIEWS: Record<Kind, NumView> = {
  i8: new Int8Array(scratchBuf),
  u8: new Uint8Array(scratchBuf),
  i16: new Int16Array(scratchBuf),
  u16: new Uint16Array(scratchBuf),
  i32: T32,
  u32: new Uint32Array(scratchBuf),
  f32: new Float32Array(scratchBuf),
  f64: new Float64Array(scratchBuf),
};

/** Copies the scratch vector to word `w`. */
export function fromScratch(m: Machine, w: number): void {
  const I32 = m.i32;
  I32[w] = T32[0];
  I32[w + 1] = T32[1];
  I32[w + 2] = T32[2];
  I32[w + 3] = T32[3];
}

export function oob(): never {
  throw new Trap("out of bounds memory access");
}

export const sat = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

// ---- generic lane-wise shapes ---------------------------------------------

/** d = fn(a, b) lane by lane, lanes of kind `k`. */
export function bin(k: Kind, fn: (a: number, b: number) => number): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const d = ((fp + code[at]) * 4) / per;
    const a = ((fp + code[at + 1]) * 4) / per;
    const b = ((fp + code[at + 2]) * 4) / per;
    for (let i = 0; i < lanes; i++) v[d + i] = fn(v[a + i], v[b + i]);
  };
}

/** Lane by lane, d = b where pickB(a, b), else a; lanes are copied as bits. */
export function pick(k: "f32" | "f64", pickB: (a: number, b: number) => boolean): Handler {
  const lanes = k === "f32" ? 4 : 2;
  const words = 4 / lanes;
  return mixed((m, a, b) => {
    const v = viewOf(m, k);
    const I32 = m.i32;
    const ai = (a * 4) / BYTES[k];
    const bi = (b * 4) / BYTES[k];
    for (let i = 0; i < lanes; i++) {
      const src = pickB(v[ai + i], v[bi + i]) ? b : a;
      for (let w = 0; w < words; w++) T32[i * words + w] = I32[src + i * words + w];
    }
  });
}

/** d = fn(a) lane by lane. */
export function un(k: Kind, fn: (a: number) => number): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const d = ((fp + code[at]) * 4) / per;
    const a = ((fp + code[at + 1]) * 4) / per;
    for (let i = 0; i < lanes; i++) v[d + i] = fn(v[a + i]);
  };
}

const MASK = new Int32Array(16);

/** d = all ones where fn(a, b), lanes of kind `k` (the mask is written as integers). */
export function cmp(k: Kind, fn: (a: number, b: number) => boolean): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  const out: Kind = per === 1 ? "i8" : per === 2 ? "i16" : "i32";
  const words = per === 8 ? 2 : 1;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const o = viewOf(m, out);
    const dw = fp + code[at];
    const a = ((fp + code[at + 1]) * 4) / per;
    const b = ((fp + code[at + 2]) * 4) / per;
    for (let i = 0; i < lanes; i++) MASK[i] = fn(v[a + i], v[b + i]) ? -1 : 0;
    const d = (dw * 4) / (words === 2 ? 4 : per);
    for (let i = 0; i < lanes; i++) {
      const r = MASK[i];
      if (words === 2) {
        o[d + 2 * i] = r;
        o[d + 2 * i + 1] = r;
      } else {
        o[d + i] = r;
      }
    }
  };
}

/** d = fn(a, count) lane by lane; the count is taken modulo the lane width. */
export function shift(k: Kind, fn: (a: number, s: number) => number): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  const mask = per * 8 - 1;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const d = ((fp + code[at]) * 4) / per;
    const a = ((fp + code[at + 1]) * 4) / per;
    const s = m.i32[fp + code[at + 2]] & mask;
    for (let i = 0; i < lanes; i++) v[d + i] = fn(v[a + i], s);
  };
}

/** i64x2: d = fn(a, b) on BigInt lanes. */
export function bin64(fn: (a: bigint, b: bigint) => bigint): Handler {
  return (m, code, at, fp) => {
    const v = m.i64;
    const d = (fp + code[at]) >> 1;
    const a = (fp + code[at + 1]) >> 1;
    const b = (fp + code[at + 2]) >> 1;
    v[d] = fn(v[a], v[b]);
    v[d + 1] = fn(v[a + 1], v[b + 1]);
  };
}

/** i64x2: d = fn(a) on BigInt lanes. */
export function un64(fn: (a: bigint) => bigint): Handler {
  return (m, code, at, fp) => {
    const v = m.i64;
    const d = (fp + code[at]) >> 1;
    const a = (fp + code[at + 1]) >> 1;
    v[d] = fn(v[a]);
    v[d + 1] = fn(v[a + 1]);
  };
}

export function cmp64(fn: (a: bigint, b: bigint) => boolean): Handler {
  return (m, code, at, fp) => {
    const v = m.i64;
    const d = (fp + code[at]) >> 1;
    const a = (fp + code[at + 1]) >> 1;
    const b = (fp + code[at + 2]) >> 1;
    const r0 = fn(v[a], v[b]) ? -1n : 0n;
    const r1 = fn(v[a + 1], v[b + 1]) ? -1n : 0n;
    v[d] = r0;
    v[d + 1] = r1;
  };
}

/** Writes lanes computed by `fill(scratch, m, a, b)` (which may mix lanes) to d. */
export function mixed(fill: (m: Machine, a: number, b: number) => void): Handler {
  return (m, code, at, fp) => {
    fill(m, fp + code[at + 1], fp + code[at + 2]);
    fromScratch(m, fp + code[at]);
  };
}

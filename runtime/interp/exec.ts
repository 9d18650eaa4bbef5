/**
 * The main loop: one `switch` over the internal opcode in a `for (;;)`,
 * with everything it touches in local variables (code, the value stack's
 * typed arrays, frame pointer, memory view) so that V8 keeps them in
 * registers. See README.md for the design.
 *
 * Handlers read every operand before they write their destination, because
 * the lowering may make a destination alias a source (`x = x + 1`).
 *
 * @module
 */

import { Exhaustion, Trap } from "../errors.ts";
import { growMemory } from "../instance/memory.ts";
import { EXTRA_HANDLERS } from "./exec_extra.ts";
import { callHost, type FuncInst, type InstanceCtx, type Machine } from "./machine.ts";
import {
  ctz32,
  nearest,
  popcnt32,
  quiet64,
  s64ToF32,
  s64ToF64,
  truncI64S,
  truncI64U,
  truncTrap,
  u64ToF32,
  u64ToF64,
} from "./numeric.ts";

/** {@linkcode run} returned because the entry function returned. */
export const DONE = 0;
/** {@linkcode run} returned because a host function returned a Promise (`m.pending`). */
export const SUSPENDED = 1;

function oob(): never {
  throw new Trap("out of bounds memory access");
}

function trapMsg(msg: string): never {
  throw new Trap(msg);
}

function exhausted(): never {
  throw new Exhaustion("call stack exhausted");
}

/**
 * Runs machine `m` from its saved state until the entry frame returns
 * ({@linkcode DONE}) or a host call suspends ({@linkcode SUSPENDED}).
 * Traps and host exceptions propagate, with `m.pc`/`m.fp`/`m.depth`
 * describing where they happened.
 */
export function run(m: Machine): number {
  let ctx = m.ctx!;
  let code = ctx.code;
  let meta = ctx.meta;
  let globals = ctx.globals;
  let I32 = m.i32;
  let F32 = m.f32;
  let F64 = m.f64;
  let I64 = m.i64;
  let U64 = m.u64;
  const refs = m.refs;
  const frames = m.frames;
  const frameCtx = m.frameCtx;
  const maxDepth = m.maxDepth;
  m.setMemory(ctx);
  let dv = m.dv;
  let memLen = m.memLen;
  let pc = m.pc;
  let fp = m.fp;
  let depth = m.depth;
  let tick = m.tick;
  try {
    for (;;) {
      switch (code[pc]) {
        case 0: // unreachable
          trapMsg("unreachable");
        // falls through (never)
        case 1: // jmp
          pc = code[pc + 1];
          break;
        case 2: // br_if
          pc = I32[fp + code[pc + 1]] !== 0 ? code[pc + 2] : pc + 3;
          break;
        case 3: // br_unless
          pc = I32[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
          break;
        case 4: { // br_table
          const n = code[pc + 2];
          const i = I32[fp + code[pc + 1]] >>> 0;
          pc = code[pc + 3 + (i < n ? i : n)];
          break;
        }
        case 5: { // ret
          depth--;
          const k = depth * 3;
          pc = frames[k];
          fp = frames[k + 1];
          const kind = frames[k + 2];
          if (kind !== 0) {
            if (kind === 2) {
              m.pc = pc;
              m.fp = fp;
              m.depth = depth;
              m.tick = tick;
              return DONE;
            }
            ctx = frameCtx[depth]!;
            code = ctx.code;
            meta = ctx.meta;
            globals = ctx.globals;
            m.ctx = ctx;
            m.setMemory(ctx);
            dv = m.dv;
            memLen = m.memLen;
          }
          break;
        }
        case 6: { // call
          const mi = code[pc + 1] * 5;
          const nfp = fp + code[pc + 2];
          if (depth >= maxDepth) exhausted();
          const end = nfp + meta[mi + 1];
          if (end > I32.length) {
            m.growStack(end);
            I32 = m.i32;
            F32 = m.f32;
            F64 = m.f64;
            I64 = m.i64;
            U64 = m.u64;
          }
          const k = depth * 3;
          frames[k] = pc + 3;
          frames[k + 1] = fp;
          frames[k + 2] = 0;
          depth++;
          for (let w = nfp + meta[mi + 2], e = nfp + meta[mi + 3]; w < e; w++) I32[w] = 0;
          fp = nfp;
          pc = meta[mi];
          if ((tick -= meta[mi + 4]) <= 0) tick = m.slowCheck(tick);
          break;
        }
        case 7: // call_import
        case 8: { // call_indirect
          let f: FuncInst;
          let h: number;
          let next: number;
          if (code[pc] === 7 /* call_import */) {
            f = ctx.funcs[code[pc + 1]];
            h = code[pc + 2];
            next = pc + 3;
          } else {
            const elems = ctx.tables[code[pc + 1]].elements;
            const i = I32[fp + code[pc + 4]] >>> 0;
            if (i >= elems.length) trapMsg(`undefined element ${i}`);
            const e = elems[i] as FuncInst | null;
            if (e === null) trapMsg(`uninitialized element ${i}`);
            if (e.sig !== code[pc + 2]) trapMsg("indirect call type mismatch");
            f = e;
            h = code[pc + 3];
            next = pc + 5;
          }
          const nfp = fp + h;
          const fctx = f.ctx;
          if (fctx === null) {
            // A host function: call it here; it may re-enter wasm on this machine.
            m.top = nfp;
            m.depth = depth;
            m.ctx = ctx;
            m.syncFuel(tick);
            m.tick = tick;
            const p = callHost(m, f, nfp);
            m.ctx = ctx;
            I32 = m.i32;
            F32 = m.f32;
            F64 = m.f64;
            I64 = m.i64;
            U64 = m.u64;
            m.setMemory(ctx);
            dv = m.dv;
            memLen = m.memLen;
            tick = m.tick;
            if (p !== undefined) {
              m.pending = { promise: p, func: f, base: nfp };
              m.pc = next;
              m.fp = fp;
              m.depth = depth;
              return SUSPENDED;
            }
            pc = next;
            break;
          }
          if (depth >= maxDepth) exhausted();
          const k = depth * 3;
          frames[k] = next;
          frames[k + 1] = fp;
          if (fctx !== ctx) {
            frames[k + 2] = 1;
            frameCtx[depth] = ctx;
            ctx = fctx;
            code = ctx.code;
            meta = ctx.meta;
            globals = ctx.globals;
            m.ctx = ctx;
            m.setMemory(ctx);
            dv = m.dv;
            memLen = m.memLen;
          } else {
            frames[k + 2] = 0;
          }
          depth++;
          const mi = f.index * 5;
          const end = nfp + meta[mi + 1];
          if (end > I32.length) {
            m.growStack(end);
            I32 = m.i32;
            F32 = m.f32;
            F64 = m.f64;
            I64 = m.i64;
            U64 = m.u64;
          }
          for (let w = nfp + meta[mi + 2], e = nfp + meta[mi + 3]; w < e; w++) I32[w] = 0;
          fp = nfp;
          pc = meta[mi];
          if ((tick -= meta[mi + 4]) <= 0) tick = m.slowCheck(tick);
          break;
        }
        case 9: // check
          if ((tick -= code[pc + 1]) <= 0) tick = m.slowCheck(tick);
          pc += 2;
          break;
        case 10: // extra
          m.ctx = ctx;
          EXTRA_HANDLERS[code[pc + 1]](m, code, pc + 3, fp);
          if (m.memLen !== memLen || m.dv !== dv) {
            dv = m.dv;
            memLen = m.memLen;
          }
          pc += code[pc + 2];
          break;
        case 11: // mov32
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
          pc += 3;
          break;
        case 12: { // mov64
          const d = fp + code[pc + 1];
          const s = fp + code[pc + 2];
          I32[d] = I32[s];
          I32[d + 1] = I32[s + 1];
          pc += 3;
          break;
        }
        case 13: { // mov128
          const d = fp + code[pc + 1];
          const s = fp + code[pc + 2];
          I32[d] = I32[s];
          I32[d + 1] = I32[s + 1];
          I32[d + 2] = I32[s + 2];
          I32[d + 3] = I32[s + 3];
          pc += 3;
          break;
        }
        case 14: // movref
          refs[(fp + code[pc + 1]) >> 1] = refs[(fp + code[pc + 2]) >> 1];
          pc += 3;
          break;
        case 15: // const32
          I32[fp + code[pc + 1]] = code[pc + 2];
          pc += 3;
          break;
        case 16: { // const64
          const d = fp + code[pc + 1];
          I32[d] = code[pc + 2];
          I32[d + 1] = code[pc + 3];
          pc += 4;
          break;
        }
        case 17: { // const128
          const d = fp + code[pc + 1];
          I32[d] = code[pc + 2];
          I32[d + 1] = code[pc + 3];
          I32[d + 2] = code[pc + 4];
          I32[d + 3] = code[pc + 5];
          pc += 6;
          break;
        }
        case 18: // select32
          I32[fp + code[pc + 1]] = I32[fp + code[pc + (I32[fp + code[pc + 4]] !== 0 ? 2 : 3)]];
          pc += 5;
          break;
        case 19: { // select64
          const s = fp + code[pc + (I32[fp + code[pc + 4]] !== 0 ? 2 : 3)];
          const d = fp + code[pc + 1];
          const lo = I32[s];
          const hi = I32[s + 1];
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 5;
          break;
        }
        case 20: { // select128
          const s = fp + code[pc + (I32[fp + code[pc + 4]] !== 0 ? 2 : 3)];
          const d = fp + code[pc + 1];
          const a = I32[s], b = I32[s + 1], c = I32[s + 2], e = I32[s + 3];
          I32[d] = a;
          I32[d + 1] = b;
          I32[d + 2] = c;
          I32[d + 3] = e;
          pc += 5;
          break;
        }
        case 21: { // selectref
          const s = fp + code[pc + (I32[fp + code[pc + 4]] !== 0 ? 2 : 3)];
          refs[(fp + code[pc + 1]) >> 1] = refs[s >> 1];
          pc += 5;
          break;
        }
        case 22: // global_get32
          I32[fp + code[pc + 1]] = globals[code[pc + 2]].bits[0];
          pc += 3;
          break;
        case 23: { // global_get64
          const b = globals[code[pc + 2]].bits;
          const d = fp + code[pc + 1];
          I32[d] = b[0];
          I32[d + 1] = b[1];
          pc += 3;
          break;
        }
        case 24: // global_set32
          globals[code[pc + 1]].bits[0] = I32[fp + code[pc + 2]];
          pc += 3;
          break;
        case 25: { // global_set64
          const b = globals[code[pc + 1]].bits;
          const s = fp + code[pc + 2];
          b[0] = I32[s];
          b[1] = I32[s + 1];
          pc += 3;
          break;
        }
        // ---- i32 ----
        case 26: // i32.add
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] + I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 27: // i32.sub
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] - I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 28: // i32.mul
          I32[fp + code[pc + 1]] = Math.imul(I32[fp + code[pc + 2]], I32[fp + code[pc + 3]]);
          pc += 4;
          break;
        case 29: { // i32.div_s
          const a = I32[fp + code[pc + 2]];
          const b = I32[fp + code[pc + 3]];
          if (b === 0) trapMsg("integer divide by zero");
          if (a === -0x80000000 && b === -1) trapMsg("integer overflow");
          I32[fp + code[pc + 1]] = a / b;
          pc += 4;
          break;
        }
        case 30: { // i32.div_u
          const b = I32[fp + code[pc + 3]] >>> 0;
          if (b === 0) trapMsg("integer divide by zero");
          I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) / b;
          pc += 4;
          break;
        }
        case 31: { // i32.rem_s
          const b = I32[fp + code[pc + 3]];
          if (b === 0) trapMsg("integer divide by zero");
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] % b;
          pc += 4;
          break;
        }
        case 32: { // i32.rem_u
          const b = I32[fp + code[pc + 3]] >>> 0;
          if (b === 0) trapMsg("integer divide by zero");
          I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] >>> 0) % b;
          pc += 4;
          break;
        }
        case 33: // i32.and
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 34: // i32.or
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] | I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 35: // i32.xor
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 36: // i32.shl
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] << I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 37: // i32.shr_s
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >> I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 38: // i32.shr_u
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> I32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 39: { // i32.rotl
          const a = I32[fp + code[pc + 2]];
          const b = I32[fp + code[pc + 3]];
          I32[fp + code[pc + 1]] = (a << b) | (a >>> (32 - b));
          pc += 4;
          break;
        }
        case 40: { // i32.rotr
          const a = I32[fp + code[pc + 2]];
          const b = I32[fp + code[pc + 3]];
          I32[fp + code[pc + 1]] = (a >>> b) | (a << (32 - b));
          pc += 4;
          break;
        }
        case 41: // i32.eq
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 42: // i32.ne
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] !== I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 43: // i32.lt_s
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] < I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 44: // i32.lt_u
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 < I32[fp + code[pc + 3]] >>> 0
            ? 1
            : 0;
          pc += 4;
          break;
        case 45: // i32.gt_s
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] > I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 46: // i32.gt_u
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 > I32[fp + code[pc + 3]] >>> 0
            ? 1
            : 0;
          pc += 4;
          break;
        case 47: // i32.le_s
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] <= I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 48: // i32.le_u
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 <= I32[fp + code[pc + 3]] >>> 0
            ? 1
            : 0;
          pc += 4;
          break;
        case 49: // i32.ge_s
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >= I32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 50: // i32.ge_u
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 >= I32[fp + code[pc + 3]] >>> 0
            ? 1
            : 0;
          pc += 4;
          break;
        // ---- i32 with a constant ----
        case 51: // i32.add_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] + code[pc + 3];
          pc += 4;
          break;
        case 52: // i32.mul_i
          I32[fp + code[pc + 1]] = Math.imul(I32[fp + code[pc + 2]], code[pc + 3]);
          pc += 4;
          break;
        case 53: // i32.and_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & code[pc + 3];
          pc += 4;
          break;
        case 54: // i32.or_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] | code[pc + 3];
          pc += 4;
          break;
        case 55: // i32.xor_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ code[pc + 3];
          pc += 4;
          break;
        case 56: // i32.shl_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] << code[pc + 3];
          pc += 4;
          break;
        case 57: // i32.shr_s_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >> code[pc + 3];
          pc += 4;
          break;
        case 58: // i32.shr_u_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> code[pc + 3];
          pc += 4;
          break;
        case 59: { // i32.rotl_i
          const a = I32[fp + code[pc + 2]];
          const b = code[pc + 3];
          I32[fp + code[pc + 1]] = (a << b) | (a >>> (32 - b));
          pc += 4;
          break;
        }
        case 60: { // i32.rotr_i
          const a = I32[fp + code[pc + 2]];
          const b = code[pc + 3];
          I32[fp + code[pc + 1]] = (a >>> b) | (a << (32 - b));
          pc += 4;
          break;
        }
        case 61: // i32.eq_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 62: // i32.ne_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 63: // i32.lt_s_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 64: // i32.lt_u_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 < code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 65: // i32.gt_s_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 66: // i32.gt_u_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 > code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 67: // i32.le_s_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 68: // i32.le_u_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 <= code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 69: // i32.ge_s_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 70: // i32.ge_u_i
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0 >= code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        // ---- i32 unary ----
        case 71: // i32.eqz
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] === 0 ? 1 : 0;
          pc += 3;
          break;
        case 72: // i32.clz
          I32[fp + code[pc + 1]] = Math.clz32(I32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 73: // i32.ctz
          I32[fp + code[pc + 1]] = ctz32(I32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 74: // i32.popcnt
          I32[fp + code[pc + 1]] = popcnt32(I32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 75: // i32.extend8_s
          I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] << 24) >> 24;
          pc += 3;
          break;
        case 76: // i32.extend16_s
          I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] << 16) >> 16;
          pc += 3;
          break;
        // ---- fused compare and branch ----
        case 77: // br_eq
          pc = I32[fp + code[pc + 1]] === I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 78: // br_ne
          pc = I32[fp + code[pc + 1]] !== I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 79: // br_lt_s
          pc = I32[fp + code[pc + 1]] < I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 80: // br_lt_u
          pc = I32[fp + code[pc + 1]] >>> 0 < I32[fp + code[pc + 2]] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 81: // br_gt_s
          pc = I32[fp + code[pc + 1]] > I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 82: // br_gt_u
          pc = I32[fp + code[pc + 1]] >>> 0 > I32[fp + code[pc + 2]] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 83: // br_le_s
          pc = I32[fp + code[pc + 1]] <= I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 84: // br_le_u
          pc = I32[fp + code[pc + 1]] >>> 0 <= I32[fp + code[pc + 2]] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 85: // br_ge_s
          pc = I32[fp + code[pc + 1]] >= I32[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 86: // br_ge_u
          pc = I32[fp + code[pc + 1]] >>> 0 >= I32[fp + code[pc + 2]] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 87: // br_eq_i
          pc = I32[fp + code[pc + 1]] === code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 88: // br_ne_i
          pc = I32[fp + code[pc + 1]] !== code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 89: // br_lt_s_i
          pc = I32[fp + code[pc + 1]] < code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 90: // br_lt_u_i
          pc = I32[fp + code[pc + 1]] >>> 0 < code[pc + 2] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 91: // br_gt_s_i
          pc = I32[fp + code[pc + 1]] > code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 92: // br_gt_u_i
          pc = I32[fp + code[pc + 1]] >>> 0 > code[pc + 2] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 93: // br_le_s_i
          pc = I32[fp + code[pc + 1]] <= code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 94: // br_le_u_i
          pc = I32[fp + code[pc + 1]] >>> 0 <= code[pc + 2] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        case 95: // br_ge_s_i
          pc = I32[fp + code[pc + 1]] >= code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 96: // br_ge_u_i
          pc = I32[fp + code[pc + 1]] >>> 0 >= code[pc + 2] >>> 0 ? code[pc + 3] : pc + 4;
          break;
        // ---- i64: arithmetic on BigInt64Array slots, the rest on int32 halves ----
        case 97: // i64.add
          I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] +
            I64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 98: // i64.sub
          I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] -
            I64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 99: // i64.mul
          I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] *
            I64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 100: { // i64.div_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const blo = I32[b];
          const bhi = I32[b + 1];
          if ((blo | bhi) === 0) trapMsg("integer divide by zero");
          if (blo === -1 && bhi === -1 && I32[a] === 0 && I32[a + 1] === -0x80000000) {
            trapMsg("integer overflow");
          }
          I64[(fp + code[pc + 1]) >> 1] = I64[a >> 1] / I64[b >> 1];
          pc += 4;
          break;
        }
        case 101: { // i64.div_u
          const b = fp + code[pc + 3];
          if ((I32[b] | I32[b + 1]) === 0) trapMsg("integer divide by zero");
          U64[(fp + code[pc + 1]) >> 1] = U64[(fp + code[pc + 2]) >> 1] / U64[b >> 1];
          pc += 4;
          break;
        }
        case 102: { // i64.rem_s
          const b = fp + code[pc + 3];
          if ((I32[b] | I32[b + 1]) === 0) trapMsg("integer divide by zero");
          I64[(fp + code[pc + 1]) >> 1] = I64[(fp + code[pc + 2]) >> 1] % I64[b >> 1];
          pc += 4;
          break;
        }
        case 103: { // i64.rem_u
          const b = fp + code[pc + 3];
          if ((I32[b] | I32[b + 1]) === 0) trapMsg("integer divide by zero");
          U64[(fp + code[pc + 1]) >> 1] = U64[(fp + code[pc + 2]) >> 1] % U64[b >> 1];
          pc += 4;
          break;
        }
        case 104: { // i64.and
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const lo = I32[a] & I32[b];
          const hi = I32[a + 1] & I32[b + 1];
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 105: { // i64.or
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const lo = I32[a] | I32[b];
          const hi = I32[a + 1] | I32[b + 1];
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 106: { // i64.xor
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const lo = I32[a] ^ I32[b];
          const hi = I32[a + 1] ^ I32[b + 1];
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 107: { // i64.shl
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = I32[fp + code[pc + 3]] & 63;
          let lo = I32[a];
          let hi = I32[a + 1];
          if (k >= 32) {
            hi = lo << (k - 32);
            lo = 0;
          } else if (k !== 0) {
            hi = (hi << k) | (lo >>> (32 - k));
            lo = lo << k;
          }
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 108: { // i64.shr_s
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = I32[fp + code[pc + 3]] & 63;
          let lo = I32[a];
          let hi = I32[a + 1];
          if (k >= 32) {
            lo = hi >> (k - 32);
            hi = hi >> 31;
          } else if (k !== 0) {
            lo = (lo >>> k) | (hi << (32 - k));
            hi = hi >> k;
          }
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 109: { // i64.shr_u
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = I32[fp + code[pc + 3]] & 63;
          let lo = I32[a];
          let hi = I32[a + 1];
          if (k >= 32) {
            lo = hi >>> (k - 32);
            hi = 0;
          } else if (k !== 0) {
            lo = (lo >>> k) | (hi << (32 - k));
            hi = hi >>> k;
          }
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 110: { // i64.rotl
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          let k = I32[fp + code[pc + 3]] & 63;
          let lo = I32[a];
          let hi = I32[a + 1];
          if (k >= 32) {
            const t = lo;
            lo = hi;
            hi = t;
            k -= 32;
          }
          if (k !== 0) {
            const nhi = (hi << k) | (lo >>> (32 - k));
            lo = (lo << k) | (hi >>> (32 - k));
            hi = nhi;
          }
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 111: { // i64.rotr
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          let k = I32[fp + code[pc + 3]] & 63;
          let lo = I32[a];
          let hi = I32[a + 1];
          if (k >= 32) {
            const t = lo;
            lo = hi;
            hi = t;
            k -= 32;
          }
          if (k !== 0) {
            const nlo = (lo >>> k) | (hi << (32 - k));
            hi = (hi >>> k) | (lo << (32 - k));
            lo = nlo;
          }
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 112: { // i64.eq
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          I32[fp + code[pc + 1]] = I32[a] === I32[b] && I32[a + 1] === I32[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 113: { // i64.ne
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          I32[fp + code[pc + 1]] = I32[a] !== I32[b] || I32[a + 1] !== I32[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 114: { // i64.lt_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1];
          const bh = I32[b + 1];
          I32[fp + code[pc + 1]] = ah < bh || (ah === bh && I32[a] >>> 0 < I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 115: { // i64.lt_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1] >>> 0;
          const bh = I32[b + 1] >>> 0;
          I32[fp + code[pc + 1]] = ah < bh || (ah === bh && I32[a] >>> 0 < I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 116: { // i64.gt_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1];
          const bh = I32[b + 1];
          I32[fp + code[pc + 1]] = ah > bh || (ah === bh && I32[a] >>> 0 > I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 117: { // i64.gt_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1] >>> 0;
          const bh = I32[b + 1] >>> 0;
          I32[fp + code[pc + 1]] = ah > bh || (ah === bh && I32[a] >>> 0 > I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 118: { // i64.le_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1];
          const bh = I32[b + 1];
          I32[fp + code[pc + 1]] = ah < bh || (ah === bh && I32[a] >>> 0 <= I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 119: { // i64.le_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1] >>> 0;
          const bh = I32[b + 1] >>> 0;
          I32[fp + code[pc + 1]] = ah < bh || (ah === bh && I32[a] >>> 0 <= I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 120: { // i64.ge_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1];
          const bh = I32[b + 1];
          I32[fp + code[pc + 1]] = ah > bh || (ah === bh && I32[a] >>> 0 >= I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 121: { // i64.ge_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = I32[a + 1] >>> 0;
          const bh = I32[b + 1] >>> 0;
          I32[fp + code[pc + 1]] = ah > bh || (ah === bh && I32[a] >>> 0 >= I32[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 122: { // i64.eqz
          const a = fp + code[pc + 2];
          I32[fp + code[pc + 1]] = (I32[a] | I32[a + 1]) === 0 ? 1 : 0;
          pc += 3;
          break;
        }
        case 123: { // i64.clz
          const a = fp + code[pc + 2];
          const hi = I32[a + 1];
          const n = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(I32[a]);
          const d = fp + code[pc + 1];
          I32[d] = n;
          I32[d + 1] = 0;
          pc += 3;
          break;
        }
        case 124: { // i64.ctz
          const a = fp + code[pc + 2];
          const lo = I32[a];
          const n = lo !== 0 ? ctz32(lo) : 32 + ctz32(I32[a + 1]);
          const d = fp + code[pc + 1];
          I32[d] = n;
          I32[d + 1] = 0;
          pc += 3;
          break;
        }
        case 125: { // i64.popcnt
          const a = fp + code[pc + 2];
          const n = popcnt32(I32[a]) + popcnt32(I32[a + 1]);
          const d = fp + code[pc + 1];
          I32[d] = n;
          I32[d + 1] = 0;
          pc += 3;
          break;
        }
        case 126: { // i64.extend8_s
          const lo = (I32[fp + code[pc + 2]] << 24) >> 24;
          const d = fp + code[pc + 1];
          I32[d] = lo;
          I32[d + 1] = lo >> 31;
          pc += 3;
          break;
        }
        case 127: { // i64.extend16_s
          const lo = (I32[fp + code[pc + 2]] << 16) >> 16;
          const d = fp + code[pc + 1];
          I32[d] = lo;
          I32[d + 1] = lo >> 31;
          pc += 3;
          break;
        }
        case 128: { // i64.extend32_s
          const lo = I32[fp + code[pc + 2]];
          const d = fp + code[pc + 1];
          I32[d] = lo;
          I32[d + 1] = lo >> 31;
          pc += 3;
          break;
        }
        // ---- f32 (an f32 slot is word-aligned: F32 index = word) ----
        case 129: // f32.add
          F32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] + F32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 130: // f32.sub
          F32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] - F32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 131: // f32.mul
          F32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] * F32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 132: // f32.div
          F32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] / F32[fp + code[pc + 3]];
          pc += 4;
          break;
        case 133: // f32.min
          // quiet64: V8's optimized Math.min/max can hand back a NaN with
          // arbitrary payload bits (seen: all ones); wasm wants a canonical one.
          F32[fp + code[pc + 1]] = quiet64(
            Math.min(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]),
          );
          pc += 4;
          break;
        case 134: // f32.max
          F32[fp + code[pc + 1]] = quiet64(
            Math.max(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]),
          );
          pc += 4;
          break;
        case 135: // f32.copysign
          I32[fp + code[pc + 1]] = (I32[fp + code[pc + 2]] & 0x7fffffff) |
            (I32[fp + code[pc + 3]] & -0x80000000);
          pc += 4;
          break;
        case 136: // f32.eq
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] === F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 137: // f32.ne
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] !== F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 138: // f32.lt
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] < F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 139: // f32.gt
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] > F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 140: // f32.le
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] <= F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 141: // f32.ge
          I32[fp + code[pc + 1]] = F32[fp + code[pc + 2]] >= F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 142: // f32.abs
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] & 0x7fffffff;
          pc += 3;
          break;
        case 143: // f32.neg
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] ^ -0x80000000;
          pc += 3;
          break;
        case 144: // f32.ceil
          F32[fp + code[pc + 1]] = Math.ceil(F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 145: // f32.floor
          F32[fp + code[pc + 1]] = Math.floor(F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 146: // f32.trunc
          F32[fp + code[pc + 1]] = Math.trunc(F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 147: // f32.nearest
          F32[fp + code[pc + 1]] = nearest(F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 148: // f32.sqrt
          F32[fp + code[pc + 1]] = Math.sqrt(F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        // ---- f64 (F64 index = word / 2) ----
        case 149: // f64.add
          F64[(fp + code[pc + 1]) >> 1] = F64[(fp + code[pc + 2]) >> 1] +
            F64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 150: // f64.sub
          F64[(fp + code[pc + 1]) >> 1] = F64[(fp + code[pc + 2]) >> 1] -
            F64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 151: // f64.mul
          F64[(fp + code[pc + 1]) >> 1] = F64[(fp + code[pc + 2]) >> 1] *
            F64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 152: // f64.div
          F64[(fp + code[pc + 1]) >> 1] = F64[(fp + code[pc + 2]) >> 1] /
            F64[(fp + code[pc + 3]) >> 1];
          pc += 4;
          break;
        case 153: // f64.min
          F64[(fp + code[pc + 1]) >> 1] = quiet64(Math.min(
            F64[(fp + code[pc + 2]) >> 1],
            F64[(fp + code[pc + 3]) >> 1],
          ));
          pc += 4;
          break;
        case 154: // f64.max
          F64[(fp + code[pc + 1]) >> 1] = quiet64(Math.max(
            F64[(fp + code[pc + 2]) >> 1],
            F64[(fp + code[pc + 3]) >> 1],
          ));
          pc += 4;
          break;
        case 155: { // f64.copysign
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const lo = I32[a];
          const hi = (I32[a + 1] & 0x7fffffff) | (I32[fp + code[pc + 3] + 1] & -0x80000000);
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 4;
          break;
        }
        case 156: // f64.eq
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] === F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 157: // f64.ne
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] !== F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 158: // f64.lt
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] < F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 159: // f64.gt
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] > F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 160: // f64.le
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] <= F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 161: // f64.ge
          I32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] >= F64[(fp + code[pc + 3]) >> 1]
            ? 1
            : 0;
          pc += 4;
          break;
        case 162: { // f64.abs
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const lo = I32[a];
          const hi = I32[a + 1] & 0x7fffffff;
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 3;
          break;
        }
        case 163: { // f64.neg
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const lo = I32[a];
          const hi = I32[a + 1] ^ -0x80000000;
          I32[d] = lo;
          I32[d + 1] = hi;
          pc += 3;
          break;
        }
        case 164: // f64.ceil
          F64[(fp + code[pc + 1]) >> 1] = quiet64(Math.ceil(F64[(fp + code[pc + 2]) >> 1]));
          pc += 3;
          break;
        case 165: // f64.floor
          F64[(fp + code[pc + 1]) >> 1] = quiet64(Math.floor(F64[(fp + code[pc + 2]) >> 1]));
          pc += 3;
          break;
        case 166: // f64.trunc
          F64[(fp + code[pc + 1]) >> 1] = quiet64(Math.trunc(F64[(fp + code[pc + 2]) >> 1]));
          pc += 3;
          break;
        case 167: // f64.nearest
          F64[(fp + code[pc + 1]) >> 1] = quiet64(nearest(F64[(fp + code[pc + 2]) >> 1]));
          pc += 3;
          break;
        case 168: // f64.sqrt
          F64[(fp + code[pc + 1]) >> 1] = Math.sqrt(F64[(fp + code[pc + 2]) >> 1]);
          pc += 3;
          break;
        // ---- conversions ----
        case 169: // i32.wrap_i64
          I32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
          pc += 3;
          break;
        case 170: { // i32.trunc_f32_s
          const x = F32[fp + code[pc + 2]];
          if (!(x > -2147483649 && x < 2147483648)) truncTrap(x);
          I32[fp + code[pc + 1]] = x;
          pc += 3;
          break;
        }
        case 171: { // i32.trunc_f32_u
          const x = F32[fp + code[pc + 2]];
          if (!(x > -1 && x < 4294967296)) truncTrap(x);
          I32[fp + code[pc + 1]] = x;
          pc += 3;
          break;
        }
        case 172: { // i32.trunc_f64_s
          const x = F64[(fp + code[pc + 2]) >> 1];
          if (!(x > -2147483649 && x < 2147483648)) truncTrap(x);
          I32[fp + code[pc + 1]] = x;
          pc += 3;
          break;
        }
        case 173: { // i32.trunc_f64_u
          const x = F64[(fp + code[pc + 2]) >> 1];
          if (!(x > -1 && x < 4294967296)) truncTrap(x);
          I32[fp + code[pc + 1]] = x;
          pc += 3;
          break;
        }
        case 174: { // i64.extend_i32_s
          const lo = I32[fp + code[pc + 2]];
          const d = fp + code[pc + 1];
          I32[d] = lo;
          I32[d + 1] = lo >> 31;
          pc += 3;
          break;
        }
        case 175: { // i64.extend_i32_u
          const lo = I32[fp + code[pc + 2]];
          const d = fp + code[pc + 1];
          I32[d] = lo;
          I32[d + 1] = 0;
          pc += 3;
          break;
        }
        case 176: // i64.trunc_f32_s
          truncI64S(I32, fp + code[pc + 1], F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 177: // i64.trunc_f32_u
          truncI64U(I32, fp + code[pc + 1], F32[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 178: // i64.trunc_f64_s
          truncI64S(I32, fp + code[pc + 1], F64[(fp + code[pc + 2]) >> 1]);
          pc += 3;
          break;
        case 179: // i64.trunc_f64_u
          truncI64U(I32, fp + code[pc + 1], F64[(fp + code[pc + 2]) >> 1]);
          pc += 3;
          break;
        case 180: // f32.convert_i32_s
          F32[fp + code[pc + 1]] = I32[fp + code[pc + 2]];
          pc += 3;
          break;
        case 181: // f32.convert_i32_u
          F32[fp + code[pc + 1]] = I32[fp + code[pc + 2]] >>> 0;
          pc += 3;
          break;
        case 182: { // f32.convert_i64_s
          const a = fp + code[pc + 2];
          F32[fp + code[pc + 1]] = s64ToF32(I32[a], I32[a + 1]);
          pc += 3;
          break;
        }
        case 183: { // f32.convert_i64_u
          const a = fp + code[pc + 2];
          F32[fp + code[pc + 1]] = u64ToF32(I32[a], I32[a + 1]);
          pc += 3;
          break;
        }
        case 184: // f32.demote_f64
          F32[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1];
          pc += 3;
          break;
        case 185: // f64.convert_i32_s
          F64[(fp + code[pc + 1]) >> 1] = I32[fp + code[pc + 2]];
          pc += 3;
          break;
        case 186: // f64.convert_i32_u
          F64[(fp + code[pc + 1]) >> 1] = I32[fp + code[pc + 2]] >>> 0;
          pc += 3;
          break;
        case 187: { // f64.convert_i64_s
          const a = fp + code[pc + 2];
          F64[(fp + code[pc + 1]) >> 1] = s64ToF64(I32[a], I32[a + 1]);
          pc += 3;
          break;
        }
        case 188: { // f64.convert_i64_u
          const a = fp + code[pc + 2];
          F64[(fp + code[pc + 1]) >> 1] = u64ToF64(I32[a], I32[a + 1]);
          pc += 3;
          break;
        }
        case 189: // f64.promote_f32
          F64[(fp + code[pc + 1]) >> 1] = F32[fp + code[pc + 2]];
          pc += 3;
          break;
        // ---- memory: address + offset checked against the length, then a DataView access ----
        case 190: { // i32.load
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) oob();
          I32[fp + code[pc + 1]] = dv.getInt32(ea, true);
          pc += 5;
          break;
        }
        case 191: { // i64.load
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) oob();
          const d = fp + code[pc + 1];
          I32[d] = dv.getInt32(ea, true);
          I32[d + 1] = dv.getInt32(ea + 4, true);
          pc += 5;
          break;
        }
        case 192: { // i32.load8_s
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 1 > memLen) oob();
          I32[fp + code[pc + 1]] = dv.getInt8(ea);
          pc += 5;
          break;
        }
        case 193: { // i32.load8_u
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 1 > memLen) oob();
          I32[fp + code[pc + 1]] = dv.getUint8(ea);
          pc += 5;
          break;
        }
        case 194: { // i32.load16_s
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 2 > memLen) oob();
          I32[fp + code[pc + 1]] = dv.getInt16(ea, true);
          pc += 5;
          break;
        }
        case 195: { // i32.load16_u
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 2 > memLen) oob();
          I32[fp + code[pc + 1]] = dv.getUint16(ea, true);
          pc += 5;
          break;
        }
        case 196: { // i64.load8_s
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 1 > memLen) oob();
          const v = dv.getInt8(ea);
          const d = fp + code[pc + 1];
          I32[d] = v;
          I32[d + 1] = v >> 31;
          pc += 5;
          break;
        }
        case 197: { // i64.load8_u
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 1 > memLen) oob();
          const d = fp + code[pc + 1];
          I32[d] = dv.getUint8(ea);
          I32[d + 1] = 0;
          pc += 5;
          break;
        }
        case 198: { // i64.load16_s
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 2 > memLen) oob();
          const v = dv.getInt16(ea, true);
          const d = fp + code[pc + 1];
          I32[d] = v;
          I32[d + 1] = v >> 31;
          pc += 5;
          break;
        }
        case 199: { // i64.load16_u
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 2 > memLen) oob();
          const d = fp + code[pc + 1];
          I32[d] = dv.getUint16(ea, true);
          I32[d + 1] = 0;
          pc += 5;
          break;
        }
        case 200: { // i64.load32_s
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) oob();
          const v = dv.getInt32(ea, true);
          const d = fp + code[pc + 1];
          I32[d] = v;
          I32[d + 1] = v >> 31;
          pc += 5;
          break;
        }
        case 201: { // i64.load32_u
          const ea = ((I32[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) oob();
          const d = fp + code[pc + 1];
          I32[d] = dv.getInt32(ea, true);
          I32[d + 1] = 0;
          pc += 5;
          break;
        }
        case 202: { // i32.store
          const ea = ((I32[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) oob();
          dv.setInt32(ea, I32[fp + code[pc + 2]], true);
          pc += 5;
          break;
        }
        case 203: { // i64.store
          const ea = ((I32[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) oob();
          const s = fp + code[pc + 2];
          dv.setInt32(ea, I32[s], true);
          dv.setInt32(ea + 4, I32[s + 1], true);
          pc += 5;
          break;
        }
        case 204: // i32.store8
        case 206: { // i64.store8
          const ea = ((I32[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 1 > memLen) oob();
          dv.setInt8(ea, I32[fp + code[pc + 2]]);
          pc += 5;
          break;
        }
        case 205: // i32.store16
        case 207: { // i64.store16
          const ea = ((I32[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 2 > memLen) oob();
          dv.setInt16(ea, I32[fp + code[pc + 2]], true);
          pc += 5;
          break;
        }
        case 208: { // i64.store32
          const ea = ((I32[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) oob();
          dv.setInt32(ea, I32[fp + code[pc + 2]], true);
          pc += 5;
          break;
        }
        case 209: // memory.size
          I32[fp + code[pc + 1]] = memLen / 65536;
          pc += 2;
          break;
        case 210: { // memory.grow
          const r = growMemory(ctx.memory!, I32[fp + code[pc + 2]] >>> 0);
          I32[fp + code[pc + 1]] = r;
          m.setMemory(ctx);
          dv = m.dv;
          memLen = m.memLen;
          pc += 3;
          break;
        }
        case 211: { // consts
          const n = code[pc + 1];
          for (let k = pc + 3, e = k + 2 * n; k < e; k += 2) I32[fp + code[k]] = code[k + 1];
          pc += code[pc + 2];
          break;
        }
        default:
          throw new Error(`interp: bad internal opcode ${code[pc]} at ${pc}`);
      }
    }
  } catch (e) {
    m.pc = pc;
    m.fp = fp;
    m.depth = depth;
    m.ctx = ctx;
    m.tick = tick;
    throw e;
  }
}

/** Re-exported for handlers that need the instance type. */
export type { InstanceCtx };

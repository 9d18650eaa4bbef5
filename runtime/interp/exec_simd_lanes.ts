/**
 * SIMD handlers that touch memory or move lanes: v128 loads and stores
 * (plain, extending, splatting, zero-filling, single-lane), shuffles,
 * swizzle, splats, lane extraction and replacement.
 *
 * @module
 */

import type { Machine } from "./machine.ts";
import {
  BYTES,
  def,
  fromScratch,
  type Handler,
  type Kind,
  oob,
  T32,
  TVIEWS,
  viewOf,
} from "./simd_shapes.ts";

// ---- memory ------------------------------------------------------------------

/**
 * The effective address of a memory access whose address slot is at
 * `code[addrAt]` and whose addend and offset are at `code[immAt]`,
 * `code[immAt + 1]`; traps unless `n` bytes fit.
 */
function address(
  m: Machine,
  code: Int32Array,
  addrAt: number,
  immAt: number,
  fp: number,
  n: number,
): number {
  const ea = ((m.i32[fp + code[addrAt]] + code[immAt]) >>> 0) + (code[immAt + 1] >>> 0);
  if (ea + n > m.memLen) oob();
  return ea;
}

def("v128_load", (m, code, at, fp) => {
  const ea = address(m, code, at + 1, at + 2, fp, 16);
  const d = fp + code[at];
  const dv = m.dv;
  const a = dv.getInt32(ea, true), b = dv.getInt32(ea + 4, true);
  const c = dv.getInt32(ea + 8, true), e = dv.getInt32(ea + 12, true);
  m.i32[d] = a;
  m.i32[d + 1] = b;
  m.i32[d + 2] = c;
  m.i32[d + 3] = e;
});

def("v128_store", (m, code, at, fp) => {
  const ea = address(m, code, at, at + 2, fp, 16);
  const s = fp + code[at + 1];
  const dv = m.dv;
  for (let i = 0; i < 4; i++) dv.setInt32(ea + 4 * i, m.i32[s + i], true);
});

function loadExtend(k: Kind, per: number): Handler {
  // Reads 8 bytes as `16 / (2 * per)` lanes of `per` bytes, widened to twice that.
  const lanes = 8 / per;
  const wide: Kind = k === "i8"
    ? "i16"
    : k === "u8"
    ? "u16"
    : k === "i16"
    ? "i32"
    : k === "u16"
    ? "u32"
    : "i32";
  return (m, code, at, fp) => {
    const ea = address(m, code, at + 1, at + 2, fp, 8);
    const dv = m.dv;
    const t = TVIEWS[wide];
    for (let i = 0; i < lanes; i++) {
      const o = ea + i * per;
      switch (k) {
        case "i8":
          t[i] = dv.getInt8(o);
          break;
        case "u8":
          t[i] = dv.getUint8(o);
          break;
        case "i16":
          t[i] = dv.getInt16(o, true);
          break;
        case "u16":
          t[i] = dv.getUint16(o, true);
          break;
        case "i32": {
          const x = dv.getInt32(o, true);
          T32[2 * i] = x;
          T32[2 * i + 1] = x >> 31;
          break;
        }
        default: {
          T32[2 * i] = dv.getInt32(o, true);
          T32[2 * i + 1] = 0;
        }
      }
    }
    fromScratch(m, fp + code[at]);
  };
}
def("v128_load8x8_s", loadExtend("i8", 1));
def("v128_load8x8_u", loadExtend("u8", 1));
def("v128_load16x4_s", loadExtend("i16", 2));
def("v128_load16x4_u", loadExtend("u16", 2));
def("v128_load32x2_s", loadExtend("i32", 4));
def("v128_load32x2_u", loadExtend("u32", 4));

function loadSplat(bytes: number): Handler {
  return (m, code, at, fp) => {
    const ea = address(m, code, at + 1, at + 2, fp, bytes);
    const mem = m.mem8;
    const d = (fp + code[at]) * 4;
    for (let i = 0; i < 16; i++) m.u8[d + i] = mem[ea + (i % bytes)];
  };
}
def("v128_load8_splat", loadSplat(1));
def("v128_load16_splat", loadSplat(2));
def("v128_load32_splat", loadSplat(4));
def("v128_load64_splat", loadSplat(8));

function loadZero(bytes: number): Handler {
  return (m, code, at, fp) => {
    const ea = address(m, code, at + 1, at + 2, fp, bytes);
    const d = (fp + code[at]) * 4;
    for (let i = 0; i < 16; i++) m.u8[d + i] = i < bytes ? m.mem8[ea + i] : 0;
  };
}
def("v128_load32_zero", loadZero(4));
def("v128_load64_zero", loadZero(8));

function loadLane(bytes: number): Handler {
  // (d, addr, v, addend, offset, lane)
  return (m, code, at, fp) => {
    const ea = address(m, code, at + 1, at + 3, fp, bytes);
    const d = fp + code[at];
    const s = fp + code[at + 2];
    for (let i = 0; i < 4; i++) m.i32[d + i] = m.i32[s + i];
    const o = d * 4 + code[at + 5] * bytes;
    for (let i = 0; i < bytes; i++) m.u8[o + i] = m.mem8[ea + i];
  };
}
def("v128_load8_lane", loadLane(1));
def("v128_load16_lane", loadLane(2));
def("v128_load32_lane", loadLane(4));
def("v128_load64_lane", loadLane(8));

function storeLane(bytes: number): Handler {
  // (addr, v, addend, offset, lane)
  return (m, code, at, fp) => {
    const ea = address(m, code, at, at + 2, fp, bytes);
    const o = (fp + code[at + 1]) * 4 + code[at + 4] * bytes;
    for (let i = 0; i < bytes; i++) m.mem8[ea + i] = m.u8[o + i];
  };
}
def("v128_store8_lane", storeLane(1));
def("v128_store16_lane", storeLane(2));
def("v128_store32_lane", storeLane(4));
def("v128_store64_lane", storeLane(8));

// ---- shuffles, splats, lanes -----------------------------------------------------

def("i8x16_shuffle", (m, code, at, fp) => {
  const a = (fp + code[at + 1]) * 4;
  const b = (fp + code[at + 2]) * 4;
  const t = TVIEWS.u8;
  for (let i = 0; i < 16; i++) {
    const sel = (code[at + 3 + (i >> 2)] >>> ((i & 3) * 8)) & 255;
    t[i] = sel < 16 ? m.u8[a + sel] : m.u8[b + sel - 16];
  }
  fromScratch(m, fp + code[at]);
});

def("i8x16_swizzle", (m, code, at, fp) => {
  const a = (fp + code[at + 1]) * 4;
  const b = (fp + code[at + 2]) * 4;
  const t = TVIEWS.u8;
  for (let i = 0; i < 16; i++) {
    const sel = m.u8[b + i];
    t[i] = sel < 16 ? m.u8[a + sel] : 0;
  }
  fromScratch(m, fp + code[at]);
});

function splatWords(words: number): Handler {
  return (m, code, at, fp) => {
    const d = fp + code[at];
    const s = fp + code[at + 1];
    const lo = m.i32[s];
    const hi = m.i32[s + 1];
    for (let i = 0; i < 4; i++) m.i32[d + i] = words === 2 && (i & 1) === 1 ? hi : lo;
  };
}
def("i8x16_splat", (m, code, at, fp) => {
  const x = m.i32[fp + code[at + 1]] & 0xff;
  const w = x * 0x01010101;
  const d = fp + code[at];
  for (let i = 0; i < 4; i++) m.i32[d + i] = w;
});
def("i16x8_splat", (m, code, at, fp) => {
  const x = m.i32[fp + code[at + 1]] & 0xffff;
  const w = x | (x << 16);
  const d = fp + code[at];
  for (let i = 0; i < 4; i++) m.i32[d + i] = w;
});
def("i32x4_splat", splatWords(1));
def("f32x4_splat", splatWords(1));
def("i64x2_splat", splatWords(2));
def("f64x2_splat", splatWords(2));

function extract(k: Kind): Handler {
  const per = BYTES[k];
  return (m, code, at, fp) => {
    const a = ((fp + code[at + 1]) * 4) / per;
    m.i32[fp + code[at]] = viewOf(m, k)[a + code[at + 2]];
  };
}
def("i8x16_extract_lane_s", extract("i8"));
def("i8x16_extract_lane_u", extract("u8"));
def("i16x8_extract_lane_s", extract("i16"));
def("i16x8_extract_lane_u", extract("u16"));
def("i32x4_extract_lane", extract("i32"));
def("f32x4_extract_lane", extract("i32"));
function extract64(m: Machine, code: Int32Array, at: number, fp: number): void {
  const s = fp + code[at + 1] + 2 * code[at + 2];
  const d = fp + code[at];
  m.i32[d] = m.i32[s];
  m.i32[d + 1] = m.i32[s + 1];
}
def("i64x2_extract_lane", extract64);
def("f64x2_extract_lane", extract64);

function replace(k: Kind): Handler {
  const per = BYTES[k];
  return (m, code, at, fp) => {
    const d = fp + code[at];
    const a = fp + code[at + 1];
    const x = m.i32[fp + code[at + 2]];
    for (let i = 0; i < 4; i++) m.i32[d + i] = m.i32[a + i];
    viewOf(m, k)[(d * 4) / per + code[at + 3]] = x;
  };
}
def("i8x16_replace_lane", replace("i8"));
def("i16x8_replace_lane", replace("i16"));
def("i32x4_replace_lane", replace("i32"));
def("f32x4_replace_lane", replace("i32"));
function replace64(m: Machine, code: Int32Array, at: number, fp: number): void {
  const d = fp + code[at];
  const a = fp + code[at + 1];
  const s = fp + code[at + 2];
  const lo = m.i32[s];
  const hi = m.i32[s + 1];
  for (let i = 0; i < 4; i++) m.i32[d + i] = m.i32[a + i];
  const l = d + 2 * code[at + 3];
  m.i32[l] = lo;
  m.i32[l + 1] = hi;
}
def("i64x2_replace_lane", replace64);
def("f64x2_replace_lane", replace64);

/**
 * SIMD handlers that compute: comparisons, bitwise operations, integer and
 * floating-point arithmetic, conversions, and hand-written forms of the
 * commonest operations.
 *
 * @module
 */

import { nearest, quiet64, truncSatI32S, truncSatI32U } from "./numeric.ts";
import {
  bin,
  bin64,
  BYTES,
  cmp,
  cmp64,
  def,
  type Handler,
  type Kind,
  mixed,
  pick,
  sat,
  scratchBuf,
  shift,
  T32,
  TVIEWS,
  un,
  un64,
  viewOf,
} from "./simd_shapes.ts";
import type { OpKey } from "../opcodes.ts";

// ---- comparisons -------------------------------------------------------------------

const CMPS: [string, (a: number, b: number) => boolean][] = [
  ["eq", (a, b) => a === b],
  ["ne", (a, b) => a !== b],
  ["lt", (a, b) => a < b],
  ["gt", (a, b) => a > b],
  ["le", (a, b) => a <= b],
  ["ge", (a, b) => a >= b],
];
for (
  const [shape, s, u] of [["i8x16", "i8", "u8"], ["i16x8", "i16", "u16"], [
    "i32x4",
    "i32",
    "u32",
  ]] as const
) {
  for (const [name, fn] of CMPS) {
    if (name === "eq" || name === "ne") {
      def(`${shape}_${name}` as OpKey, cmp(s, fn));
    } else {
      def(`${shape}_${name}_s` as OpKey, cmp(s, fn));
      def(`${shape}_${name}_u` as OpKey, cmp(u, fn));
    }
  }
}
for (const [shape, k] of [["f32x4", "f32"], ["f64x2", "f64"]] as const) {
  for (const [name, fn] of CMPS) def(`${shape}_${name}` as OpKey, cmp(k, fn));
}
def("i64x2_eq", cmp64((a, b) => a === b));
def("i64x2_ne", cmp64((a, b) => a !== b));
def("i64x2_lt_s", cmp64((a, b) => a < b));
def("i64x2_gt_s", cmp64((a, b) => a > b));
def("i64x2_le_s", cmp64((a, b) => a <= b));
def("i64x2_ge_s", cmp64((a, b) => a >= b));

// ---- bitwise -------------------------------------------------------------------------

def("v128_not", un("i32", (a) => ~a));
def("v128_and", bin("i32", (a, b) => a & b));
def("v128_andnot", bin("i32", (a, b) => a & ~b));
def("v128_or", bin("i32", (a, b) => a | b));
def("v128_xor", bin("i32", (a, b) => a ^ b));
def("v128_bitselect", (m, code, at, fp) => {
  const I32 = m.i32;
  const d = fp + code[at];
  const a = fp + code[at + 1];
  const b = fp + code[at + 2];
  const c = fp + code[at + 3];
  for (let i = 0; i < 4; i++) I32[d + i] = (I32[a + i] & I32[c + i]) | (I32[b + i] & ~I32[c + i]);
});
def("v128_any_true", (m, code, at, fp) => {
  const a = fp + code[at + 1];
  const I32 = m.i32;
  m.i32[fp + code[at]] = (I32[a] | I32[a + 1] | I32[a + 2] | I32[a + 3]) !== 0 ? 1 : 0;
});

function allTrue(k: Kind): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const a = ((fp + code[at + 1]) * 4) / per;
    let r = 1;
    for (let i = 0; i < lanes; i++) if (v[a + i] === 0) r = 0;
    m.i32[fp + code[at]] = r;
  };
}
def("i8x16_all_true", allTrue("u8"));
def("i16x8_all_true", allTrue("u16"));
def("i32x4_all_true", allTrue("i32"));
def("i64x2_all_true", (m, code, at, fp) => {
  const a = fp + code[at + 1];
  const I32 = m.i32;
  const r = (I32[a] | I32[a + 1]) !== 0 && (I32[a + 2] | I32[a + 3]) !== 0;
  m.i32[fp + code[at]] = r ? 1 : 0;
});

function bitmask(k: Kind): Handler {
  const per = BYTES[k];
  const lanes = 16 / per;
  return (m, code, at, fp) => {
    const v = viewOf(m, k);
    const a = ((fp + code[at + 1]) * 4) / per;
    let r = 0;
    for (let i = 0; i < lanes; i++) if (v[a + i] < 0) r |= 1 << i;
    m.i32[fp + code[at]] = r;
  };
}
def("i8x16_bitmask", bitmask("i8"));
def("i16x8_bitmask", bitmask("i16"));
def("i32x4_bitmask", bitmask("i32"));
def("i64x2_bitmask", (m, code, at, fp) => {
  const a = fp + code[at + 1];
  m.i32[fp + code[at]] = (m.i32[a + 1] >>> 31) | ((m.i32[a + 3] >>> 31) << 1);
});

// ---- integer arithmetic --------------------------------------------------------------

const POPCNT8 = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let x = i; x !== 0; x &= x - 1) n++;
  return n;
});

for (
  const [shape, s, u, bits] of [
    ["i8x16", "i8", "u8", 8],
    ["i16x8", "i16", "u16", 16],
    ["i32x4", "i32", "u32", 32],
  ] as const
) {
  const key = (op: string) => `${shape}_${op}` as OpKey;
  def(key("add"), bin(s, (a, b) => a + b));
  def(key("sub"), bin(s, (a, b) => a - b));
  def(key("neg"), un(s, (a) => -a));
  def(key("abs"), un(s, (a) => (a < 0 ? -a : a)));
  def(key("min_s"), bin(s, (a, b) => (a < b ? a : b)));
  def(key("min_u"), bin(u, (a, b) => (a < b ? a : b)));
  def(key("max_s"), bin(s, (a, b) => (a > b ? a : b)));
  def(key("max_u"), bin(u, (a, b) => (a > b ? a : b)));
  def(key("shl"), shift(s, (a, n) => a << n));
  def(key("shr_s"), shift(s, (a, n) => a >> n));
  def(key("shr_u"), shift(u, (a, n) => a >>> n));
  if (bits < 32) {
    const smax = (1 << (bits - 1)) - 1;
    const umax = (1 << bits) - 1;
    def(key("add_sat_s"), bin(s, (a, b) => sat(a + b, -smax - 1, smax)));
    def(key("add_sat_u"), bin(u, (a, b) => sat(a + b, 0, umax)));
    def(key("sub_sat_s"), bin(s, (a, b) => sat(a - b, -smax - 1, smax)));
    def(key("sub_sat_u"), bin(u, (a, b) => sat(a - b, 0, umax)));
    def(key("avgr_u"), bin(u, (a, b) => (a + b + 1) >>> 1));
  }
}
def("i8x16_popcnt", un("u8", (a) => POPCNT8[a]));
def("i16x8_mul", bin("i16", (a, b) => Math.imul(a, b)));
def("i32x4_mul", bin("i32", (a, b) => Math.imul(a, b)));
def("i16x8_q15mulr_sat_s", bin("i16", (a, b) => sat((a * b + 0x4000) >> 15, -32768, 32767)));

def("i64x2_add", bin64((a, b) => a + b));
def("i64x2_sub", bin64((a, b) => a - b));
def("i64x2_mul", bin64((a, b) => a * b));
def("i64x2_neg", un64((a) => -a));
def("i64x2_abs", un64((a) => (a < 0n ? -a : a)));
function shift64(fn: (a: bigint, n: bigint) => bigint): Handler {
  return (m, code, at, fp) => {
    const v = m.i64;
    const d = (fp + code[at]) >> 1;
    const a = (fp + code[at + 1]) >> 1;
    const n = BigInt(m.i32[fp + code[at + 2]] & 63);
    v[d] = fn(v[a], n);
    v[d + 1] = fn(v[a + 1], n);
  };
}
def("i64x2_shl", shift64((a, n) => a << n));
def("i64x2_shr_s", shift64((a, n) => a >> n));
def("i64x2_shr_u", shift64((a, n) => BigInt.asUintN(64, a) >> n));

/** Narrows the lanes of a then b (of kind `from`) with saturation into `to` lanes. */
function narrow(from: Kind, to: Kind, lo: number, hi: number): Handler {
  const per = BYTES[from];
  const lanes = 16 / per;
  return mixed((m, a, b) => {
    const v = viewOf(m, from);
    const t = TVIEWS[to];
    const ai = (a * 4) / per;
    const bi = (b * 4) / per;
    for (let i = 0; i < lanes; i++) {
      t[i] = sat(v[ai + i], lo, hi);
      t[lanes + i] = sat(v[bi + i], lo, hi);
    }
  });
}
def("i8x16_narrow_i16x8_s", narrow("i16", "i8", -128, 127));
def("i8x16_narrow_i16x8_u", narrow("i16", "u8", 0, 255));
def("i16x8_narrow_i32x4_s", narrow("i32", "i16", -32768, 32767));
def("i16x8_narrow_i32x4_u", narrow("i32", "u16", 0, 65535));

/** Widens the low or high half of a's `from` lanes into `to` lanes. */
function extend(from: Kind, to: Kind, high: boolean): Handler {
  const per = BYTES[from];
  const lanes = 8 / per;
  return mixed((m, a) => {
    const v = viewOf(m, from);
    const ai = (a * 4) / per + (high ? lanes : 0);
    if (to === "i32" && per === 4) {
      // i64 lanes as two words.
      for (let i = 0; i < lanes; i++) {
        const x = v[ai + i];
        T32[2 * i] = x;
        T32[2 * i + 1] = from === "i32" ? x >> 31 : 0;
      }
    } else {
      const t = TVIEWS[to];
      for (let i = 0; i < lanes; i++) t[i] = v[ai + i];
    }
  });
}
for (
  const [name, from, to] of [
    ["i16x8_extend_%_i8x16_s", "i8", "i16"],
    ["i16x8_extend_%_i8x16_u", "u8", "i16"],
    ["i32x4_extend_%_i16x8_s", "i16", "i32"],
    ["i32x4_extend_%_i16x8_u", "u16", "i32"],
    ["i64x2_extend_%_i32x4_s", "i32", "i32"],
    ["i64x2_extend_%_i32x4_u", "u32", "i32"],
  ] as const
) {
  def(name.replace("%", "low") as OpKey, extend(from, to, false));
  def(name.replace("%", "high") as OpKey, extend(from, to, true));
}

/** Multiplies the low or high halves of a and b, widened. */
function extmul(from: Kind, to: Kind, high: boolean): Handler {
  const per = BYTES[from];
  const lanes = 8 / per;
  return mixed((m, a, b) => {
    const v = viewOf(m, from);
    const ai = (a * 4) / per + (high ? lanes : 0);
    const bi = (b * 4) / per + (high ? lanes : 0);
    if (per === 4) {
      const t = new BigInt64Array(scratchBuf);
      for (let i = 0; i < lanes; i++) t[i] = BigInt(v[ai + i]) * BigInt(v[bi + i]);
    } else {
      const t = TVIEWS[to];
      for (let i = 0; i < lanes; i++) t[i] = Math.imul(v[ai + i], v[bi + i]);
    }
  });
}
for (
  const [name, from, to] of [
    ["i16x8_extmul_%_i8x16_s", "i8", "i16"],
    ["i16x8_extmul_%_i8x16_u", "u8", "i16"],
    ["i32x4_extmul_%_i16x8_s", "i16", "i32"],
    ["i32x4_extmul_%_i16x8_u", "u16", "i32"],
    ["i64x2_extmul_%_i32x4_s", "i32", "i32"],
    ["i64x2_extmul_%_i32x4_u", "u32", "i32"],
  ] as const
) {
  def(name.replace("%", "low") as OpKey, extmul(from, to, false));
  def(name.replace("%", "high") as OpKey, extmul(from, to, true));
}

function pairwise(from: Kind, to: Kind): Handler {
  const per = BYTES[from];
  const lanes = 8 / per;
  return mixed((m, a) => {
    const v = viewOf(m, from);
    const t = TVIEWS[to];
    const ai = (a * 4) / per;
    for (let i = 0; i < lanes; i++) t[i] = v[ai + 2 * i] + v[ai + 2 * i + 1];
  });
}
def("i16x8_extadd_pairwise_i8x16_s", pairwise("i8", "i16"));
def("i16x8_extadd_pairwise_i8x16_u", pairwise("u8", "i16"));
def("i32x4_extadd_pairwise_i16x8_s", pairwise("i16", "i32"));
def("i32x4_extadd_pairwise_i16x8_u", pairwise("u16", "i32"));

def(
  "i32x4_dot_i16x8_s",
  mixed((m, a, b) => {
    const v = m.i16;
    for (let i = 0; i < 4; i++) {
      const x = 2 * a + 2 * i;
      const y = 2 * b + 2 * i;
      T32[i] = (v[x] * v[y] + v[x + 1] * v[y + 1]) | 0;
    }
  }),
);

// ---- floating point --------------------------------------------------------------

for (const [shape, k] of [["f32x4", "f32"], ["f64x2", "f64"]] as const) {
  const key = (op: string) => `${shape}_${op}` as OpKey;
  def(key("add"), bin(k, (a, b) => a + b));
  def(key("sub"), bin(k, (a, b) => a - b));
  def(key("mul"), bin(k, (a, b) => a * b));
  def(key("div"), bin(k, (a, b) => a / b));
  // quiet64: optimized Math.min/max may return a NaN with payload bits set.
  def(key("min"), bin(k, (a, b) => quiet64(Math.min(a, b))));
  def(key("max"), bin(k, (a, b) => quiet64(Math.max(a, b))));

  def(key("sqrt"), un(k, Math.sqrt));
  def(key("ceil"), un(k, (a) => quiet64(Math.ceil(a))));
  def(key("floor"), un(k, (a) => quiet64(Math.floor(a))));
  def(key("trunc"), un(k, (a) => quiet64(Math.trunc(a))));
  def(key("nearest"), un(k, (a) => quiet64(nearest(a))));
}
// pmin and pmax pick one operand's bits as they are (no NaN quieting).
def("f32x4_pmin", pick("f32", (a, b) => b < a));
def("f32x4_pmax", pick("f32", (a, b) => a < b));
def("f64x2_pmin", pick("f64", (a, b) => b < a));
def("f64x2_pmax", pick("f64", (a, b) => a < b));
// abs and neg change the sign bit only (NaN payloads are kept).
def("f32x4_abs", un("i32", (a) => a & 0x7fffffff));
def("f32x4_neg", un("i32", (a) => a ^ -0x80000000));
def("f64x2_abs", (m, code, at, fp) => {
  const d = fp + code[at];
  const a = fp + code[at + 1];
  for (let i = 0; i < 4; i++) {
    m.i32[d + i] = (i & 1) === 1 ? m.i32[a + i] & 0x7fffffff : m.i32[a + i];
  }
});
def("f64x2_neg", (m, code, at, fp) => {
  const d = fp + code[at];
  const a = fp + code[at + 1];
  for (let i = 0; i < 4; i++) {
    m.i32[d + i] = (i & 1) === 1 ? m.i32[a + i] ^ -0x80000000 : m.i32[a + i];
  }
});

def(
  "i32x4_trunc_sat_f32x4_s",
  mixed((m, a) => {
    for (let i = 0; i < 4; i++) T32[i] = truncSatI32S(m.f32[a + i]);
  }),
);
def(
  "i32x4_trunc_sat_f32x4_u",
  mixed((m, a) => {
    for (let i = 0; i < 4; i++) T32[i] = truncSatI32U(m.f32[a + i]);
  }),
);
def(
  "i32x4_trunc_sat_f64x2_s_zero",
  mixed((m, a) => {
    T32[0] = truncSatI32S(m.f64[a >> 1]);
    T32[1] = truncSatI32S(m.f64[(a >> 1) + 1]);
    T32[2] = T32[3] = 0;
  }),
);
def(
  "i32x4_trunc_sat_f64x2_u_zero",
  mixed((m, a) => {
    T32[0] = truncSatI32U(m.f64[a >> 1]);
    T32[1] = truncSatI32U(m.f64[(a >> 1) + 1]);
    T32[2] = T32[3] = 0;
  }),
);
def(
  "f32x4_convert_i32x4_s",
  mixed((m, a) => {
    for (let i = 0; i < 4; i++) TVIEWS.f32[i] = m.i32[a + i];
  }),
);
def(
  "f32x4_convert_i32x4_u",
  mixed((m, a) => {
    for (let i = 0; i < 4; i++) TVIEWS.f32[i] = m.u32[a + i];
  }),
);
def(
  "f64x2_convert_low_i32x4_s",
  mixed((m, a) => {
    const x = m.i32[a];
    const y = m.i32[a + 1];
    TVIEWS.f64[0] = x;
    TVIEWS.f64[1] = y;
  }),
);
def(
  "f64x2_convert_low_i32x4_u",
  mixed((m, a) => {
    const x = m.u32[a];
    const y = m.u32[a + 1];
    TVIEWS.f64[0] = x;
    TVIEWS.f64[1] = y;
  }),
);
def(
  "f32x4_demote_f64x2_zero",
  mixed((m, a) => {
    const x = m.f64[a >> 1];
    const y = m.f64[(a >> 1) + 1];
    TVIEWS.f32[0] = x;
    TVIEWS.f32[1] = y;
    T32[2] = T32[3] = 0;
  }),
);
def(
  "f64x2_promote_low_f32x4",
  mixed((m, a) => {
    const x = m.f32[a];
    const y = m.f32[a + 1];
    TVIEWS.f64[0] = x;
    TVIEWS.f64[1] = y;
  }),
);

// ---- hand-specialised forms of the commonest operations -----------------------
// The generic shapes above call a lane function per lane; these are the same
// operations written out, for the instructions compiled vector loops use most.

def("v128_and", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = I[a] & I[b];
  I[d + 1] = I[a + 1] & I[b + 1];
  I[d + 2] = I[a + 2] & I[b + 2];
  I[d + 3] = I[a + 3] & I[b + 3];
});
def("v128_or", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = I[a] | I[b];
  I[d + 1] = I[a + 1] | I[b + 1];
  I[d + 2] = I[a + 2] | I[b + 2];
  I[d + 3] = I[a + 3] | I[b + 3];
});
def("v128_xor", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = I[a] ^ I[b];
  I[d + 1] = I[a + 1] ^ I[b + 1];
  I[d + 2] = I[a + 2] ^ I[b + 2];
  I[d + 3] = I[a + 3] ^ I[b + 3];
});
def("i32x4_add", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = I[a] + I[b];
  I[d + 1] = I[a + 1] + I[b + 1];
  I[d + 2] = I[a + 2] + I[b + 2];
  I[d + 3] = I[a + 3] + I[b + 3];
});
def("i32x4_sub", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = I[a] - I[b];
  I[d + 1] = I[a + 1] - I[b + 1];
  I[d + 2] = I[a + 2] - I[b + 2];
  I[d + 3] = I[a + 3] - I[b + 3];
});
def("i32x4_mul", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  I[d] = Math.imul(I[a], I[b]);
  I[d + 1] = Math.imul(I[a + 1], I[b + 1]);
  I[d + 2] = Math.imul(I[a + 2], I[b + 2]);
  I[d + 3] = Math.imul(I[a + 3], I[b + 3]);
});
def("i32x4_shl", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], s = I[fp + code[at + 2]] & 31;
  I[d] = I[a] << s;
  I[d + 1] = I[a + 1] << s;
  I[d + 2] = I[a + 2] << s;
  I[d + 3] = I[a + 3] << s;
});
def("i32x4_shr_s", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], s = I[fp + code[at + 2]] & 31;
  I[d] = I[a] >> s;
  I[d + 1] = I[a + 1] >> s;
  I[d + 2] = I[a + 2] >> s;
  I[d + 3] = I[a + 3] >> s;
});
def("i32x4_shr_u", (m, code, at, fp) => {
  const I = m.i32, d = fp + code[at], a = fp + code[at + 1], s = I[fp + code[at + 2]] & 31;
  I[d] = I[a] >>> s;
  I[d + 1] = I[a + 1] >>> s;
  I[d + 2] = I[a + 2] >>> s;
  I[d + 3] = I[a + 3] >>> s;
});
def("f32x4_add", (m, code, at, fp) => {
  const F = m.f32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  F[d] = F[a] + F[b];
  F[d + 1] = F[a + 1] + F[b + 1];
  F[d + 2] = F[a + 2] + F[b + 2];
  F[d + 3] = F[a + 3] + F[b + 3];
});
def("f32x4_sub", (m, code, at, fp) => {
  const F = m.f32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  F[d] = F[a] - F[b];
  F[d + 1] = F[a + 1] - F[b + 1];
  F[d + 2] = F[a + 2] - F[b + 2];
  F[d + 3] = F[a + 3] - F[b + 3];
});
def("f32x4_mul", (m, code, at, fp) => {
  const F = m.f32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  F[d] = F[a] * F[b];
  F[d + 1] = F[a + 1] * F[b + 1];
  F[d + 2] = F[a + 2] * F[b + 2];
  F[d + 3] = F[a + 3] * F[b + 3];
});
def("f32x4_div", (m, code, at, fp) => {
  const F = m.f32, d = fp + code[at], a = fp + code[at + 1], b = fp + code[at + 2];
  F[d] = F[a] / F[b];
  F[d + 1] = F[a + 1] / F[b + 1];
  F[d + 2] = F[a + 2] / F[b + 2];
  F[d + 3] = F[a + 3] / F[b + 3];
});
def("f64x2_add", (m, code, at, fp) => {
  const F = m.f64, d = (fp + code[at]) >> 1, a = (fp + code[at + 1]) >> 1;
  const b = (fp + code[at + 2]) >> 1;
  F[d] = F[a] + F[b];
  F[d + 1] = F[a + 1] + F[b + 1];
});
def("f64x2_sub", (m, code, at, fp) => {
  const F = m.f64, d = (fp + code[at]) >> 1, a = (fp + code[at + 1]) >> 1;
  const b = (fp + code[at + 2]) >> 1;
  F[d] = F[a] - F[b];
  F[d + 1] = F[a + 1] - F[b + 1];
});
def("f64x2_mul", (m, code, at, fp) => {
  const F = m.f64, d = (fp + code[at]) >> 1, a = (fp + code[at + 1]) >> 1;
  const b = (fp + code[at + 2]) >> 1;
  F[d] = F[a] * F[b];
  F[d + 1] = F[a + 1] * F[b + 1];
});
def("f64x2_div", (m, code, at, fp) => {
  const F = m.f64, d = (fp + code[at]) >> 1, a = (fp + code[at + 1]) >> 1;
  const b = (fp + code[at + 2]) >> 1;
  F[d] = F[a] / F[b];
  F[d + 1] = F[a + 1] / F[b + 1];
});

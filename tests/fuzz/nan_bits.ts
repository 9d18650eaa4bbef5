/**
 * Differences the spec allows in the bits of NaNs. A float result that is a
 * NaN compares equal to any NaN already; but its bits also reach memory
 * (stores), integers (reinterpretation, lane extraction) and v128 lanes,
 * where they differ between engines: V8 keeps an operand's sign and payload
 * where the interpreter canonicalises, and the two may propagate different
 * operands' payloads.
 *
 * Two bit patterns are "NaN-equivalent" when both are NaNs of the same width
 * and at least one is a canonical NaN (quiet bit only, either sign), or when
 * they are the same NaN but for the sign. Requiring a canonical side keeps
 * integer bugs visible: an i32 -1 and -2 are both f32 NaN patterns, but
 * neither is canonical, so they still disagree.
 *
 * @module
 */

/** Why a disagreement found NaN-equivalent is allowed. */
export const NAN_BITS: string = "NaN bits: everything that differs is a NaN on both sides, one " +
  "of them canonical (a NaN result's sign and payload are nondeterministic)";

const F32 = { exp: 0x7f800000n, frac: 0x7fffffn, sign: 0x80000000n } as const;
const F64 = {
  exp: 0x7ff0000000000000n,
  frac: 0xfffffffffffffn,
  sign: 0x8000000000000000n,
} as const;

/** Whether bit patterns `a` and `b` (unsigned, 4 or 8 bytes wide) are NaN-equivalent. */
export function nanEquivalent(a: bigint, b: bigint, size: 4 | 8): boolean {
  const f = size === 4 ? F32 : F64;
  const nan = (x: bigint) => (x & f.exp) === f.exp && (x & f.frac) !== 0n;
  const canonical = (x: bigint) => (x & f.frac) === (f.frac + 1n) >> 1n;
  if (!nan(a) || !nan(b)) return false;
  return canonical(a) || canonical(b) || (a & ~f.sign) === (b & ~f.sign);
}

/**
 * Whether memories `a` and `b` (same length) differ only inside floats that
 * are NaN-equivalent: every differing byte lies in some 4- or 8-byte window
 * (stores need not be aligned) holding NaN-equivalent patterns.
 */
export function nanOnlyMemory(a: Uint8Array, b: Uint8Array): boolean {
  const va = new DataView(a.buffer, a.byteOffset, a.length);
  const vb = new DataView(b.buffer, b.byteOffset, b.length);
  const window = (at: number, size: 4 | 8) =>
    at >= 0 && at + size <= a.length && nanEquivalent(
      size === 4 ? BigInt(va.getUint32(at, true)) : va.getBigUint64(at, true),
      size === 4 ? BigInt(vb.getUint32(at, true)) : vb.getBigUint64(at, true),
      size,
    );
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    let covered = false;
    for (let at = i - 7; at <= i && !covered; at++) {
      covered = window(at, 8) || (at > i - 4 && window(at, 4));
    }
    if (!covered) return false;
  }
  return true;
}

/** A shown value's elements: `"[1,2n]"` → `["1", "2n"]`, `"5"` → `["5"]`. */
function elements(text: string): string[] {
  return text.startsWith("[") ? text.slice(1, -1).split(",") : [text];
}

/** The bits of a shown i32 (a JS number) or i64 (a bigint), with its width; null otherwise. */
function bitsOf(s: string): [bigint, 4 | 8] | null {
  if (/^-?\d+n$/.test(s)) return [BigInt.asUintN(64, BigInt(s.slice(0, -1))), 8];
  const n = Number(s);
  return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 32 ? [BigInt(n >>> 0), 4] : null;
}

/**
 * Whether two values as `show` writes them (a result, a multi-value array,
 * v128 lanes, a logged value) differ only in NaN-equivalent integers: an
 * i32 (as an f32), an i64 (as an f64), or two consecutive i32 lanes (as an
 * f64 lane of an `f64x2`).
 */
export function nanOnlyValues(a: string, b: string): boolean {
  const xa = elements(a), xb = elements(b);
  if (xa.length !== xb.length) return false;
  for (let i = 0; i < xa.length; i++) {
    if (xa[i] === xb[i]) continue;
    const ba = bitsOf(xa[i]), bb = bitsOf(xb[i]);
    if (ba === null || bb === null || ba[1] !== bb[1]) return false;
    if (nanEquivalent(ba[0], bb[0], ba[1])) continue;
    // An i32 lane may be half of an f64: try the pair it belongs to (lanes 0-1, 2-3).
    const lo = i & ~1;
    const pair = (xs: string[]) => {
      const l = bitsOf(xs[lo] ?? ""), h = bitsOf(xs[lo + 1] ?? "");
      return l && h && l[1] === 4 && h[1] === 4 ? (h[0] << 32n) | l[0] : null;
    };
    const pa = pair(xa), pb = pair(xb);
    if (pa === null || pb === null || !nanEquivalent(pa, pb, 8)) return false;
  }
  return true;
}

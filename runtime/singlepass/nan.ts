/**
 * Which float-to-integer truncations need no NaN check.
 *
 * V8 traps a truncation of NaN and one out of range with the same message,
 * and the spec tells them apart ("invalid conversion to integer" against
 * "integer overflow"), so the guard pass tests the operand for NaN before
 * each truncation (`guard.ts`). C compilers never let a conversion trap:
 * clang range-checks the value first and branches around the instruction,
 *
 *     local.tee $x  f64.abs  f64.const 0x1p+31  f64.lt  i32.eqz  br_if 0
 *     local.get $x  i32.trunc_f64_s
 *
 * and for unsigned targets `(x < 0x1p+32) & (x >= 0)`. An ordered compare
 * is false for NaN, so on the fall-through path `$x` is not NaN and the test
 * would be dead code. In the 4,700-function `large` fixture that is 2,910
 * checks, a sixth of what the guards add to V8's baseline (Liftoff) code.
 *
 * {@linkcode NotNaN} recognizes exactly these shapes, with a window over the
 * last few instructions of the straight line; anything else keeps its check.
 * It is sound without a data-flow analysis because the window holds no label
 * (nothing can branch into it) and no write to `$x` after the compare.
 *
 * @module
 */

import { Op } from "../opcodes.ts";

/** Compares that are false when an operand is NaN. */
const ORDERED: ReadonlySet<number> = new Set([
  Op.f32_eq,
  Op.f32_lt,
  Op.f32_gt,
  Op.f32_le,
  Op.f32_ge,
  Op.f64_eq,
  Op.f64_lt,
  Op.f64_gt,
  Op.f64_le,
  Op.f64_ge,
]);

/** Instructions that keep whether their operand is NaN. */
const NAN_PRESERVING: ReadonlySet<number> = new Set([
  Op.f32_abs,
  Op.f32_neg,
  Op.f64_abs,
  Op.f64_neg,
]);

/** Instructions after which a local holds the value they leave on the stack. */
const LOCAL_READS: ReadonlySet<number> = new Set([Op.local_get, Op.local_tee]);

/** How many instructions the window holds (a power of 2): the shape, and a few `local.get`s. */
const WINDOW = 16;

/**
 * Follows one function body's instructions in order and answers, at a
 * truncation, whether its operand is a local proven not NaN. Recording costs
 * one store per instruction; the shapes are matched only at truncations.
 */
export class NotNaN {
  /** Positions in `ops` of the last {@linkcode WINDOW} instructions, a ring. */
  readonly #pcs = new Int32Array(WINDOW);
  /** Instructions recorded since the body started. */
  #count = 0;

  /** Forgets everything: a new body starts. */
  reset(): void {
    this.#count = 0;
  }

  /** Records the instruction at `ops[pc]`. Call it for every instruction of the body, in order. */
  record(pc: number): void {
    this.#pcs[this.#count++ & (WINDOW - 1)] = pc;
  }

  /**
   * Whether the operand of the truncation just recorded is a local proven
   * not NaN, from the instructions of `ops` recorded before it: `local.get
   * x` is the one before, only `local.get`s go back to a `br_if`, and that
   * one falls through only if `x` compared as ordered.
   */
  proven(ops: Int32Array): boolean {
    const n = this.#count;
    const at = (back: number) =>
      back <= n && back <= WINDOW ? this.#pcs[(n - back) & (WINDOW - 1)] : -1;
    let pc = at(2);
    if (pc < 0 || ops[pc] !== Op.local_get) return false;
    const x = ops[pc + 1];
    let back = 3;
    while ((pc = at(back)) >= 0 && ops[pc] === Op.local_get) back++;
    if (pc < 0 || ops[pc] !== Op.br_if) return false;
    return this.#comparedBefore(ops, at, back + 1) === x;
  }

  /**
   * The local that the `br_if` just before instruction `back` (counting
   * back) proves not NaN when it falls through, or -1. Falling through
   * means `i32.eqz c` was 0, so `c` — an ordered compare of the local, or an
   * `i32.and` whose second operand is one — was 1.
   */
  #comparedBefore(ops: Int32Array, at: (back: number) => number, back: number): number {
    const op = (b: number) => {
      const pc = at(b);
      return pc < 0 ? -1 : ops[pc];
    };
    if (op(back) !== Op.i32_eqz) return -1;
    let n = back + 1;
    if (op(n) === Op.i32_and) n++; // (x < hi) & (x >= 0): the second compare suffices
    if (!ORDERED.has(op(n++))) return -1;
    const c = op(n++);
    if (c !== Op.f32_const && c !== Op.f64_const) return -1;
    if (NAN_PRESERVING.has(op(n))) n++;
    return LOCAL_READS.has(op(n)) ? ops[at(n) + 1] : -1;
  }
}

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

/** How many instructions the window holds: the longest shape is 6 before the `br_if`. */
const WINDOW = 8;

/**
 * Follows one function body's instructions in order and answers, at a
 * truncation, whether its operand is a local proven not NaN.
 */
export class NotNaN {
  /** Opcode ids of the last {@linkcode WINDOW} instructions, a ring. */
  readonly #ids = new Int32Array(WINDOW);
  /** Their first immediate word (a local index for `local.*`). */
  readonly #imms = new Int32Array(WINDOW);
  /** Ring position of the next instruction. */
  #next = 0;
  /** The local proven not NaN since the last `br_if` (only `local.get`s since), or -1. */
  #local = -1;

  /** Forgets everything: a new body starts. */
  reset(): void {
    this.#ids.fill(-1);
    this.#next = 0;
    this.#local = -1;
  }

  /**
   * Records instruction `id` (its first immediate word `imm`) and returns
   * whether the value on top of the stack before it is a local proven not
   * NaN. Call it for every instruction of the body, in order.
   */
  step(id: number, imm: number): boolean {
    const proven = this.#local >= 0 && this.#back(1) === Op.local_get &&
      this.#imms[(this.#next + WINDOW - 1) % WINDOW] === this.#local;
    if (id === Op.br_if) this.#local = this.#provenByBranch();
    else if (id !== Op.local_get) this.#local = -1;
    this.#ids[this.#next] = id;
    this.#imms[this.#next] = imm;
    this.#next = (this.#next + 1) % WINDOW;
    return proven;
  }

  /** Opcode id of the instruction `n` back (1 = the last one recorded). */
  #back(n: number): number {
    return this.#ids[(this.#next + WINDOW - n) % WINDOW];
  }

  /** Local index of the instruction `n` back. */
  #imm(n: number): number {
    return this.#imms[(this.#next + WINDOW - n) % WINDOW];
  }

  /**
   * At a `br_if`: the local that is not NaN when it falls through, or -1.
   * Falling through means `i32.eqz c` was 0, so `c` — an ordered compare of
   * the local, or an `i32.and` whose second operand is one — was 1.
   */
  #provenByBranch(): number {
    if (this.#back(1) !== Op.i32_eqz) return -1;
    let n = 2;
    if (this.#back(n) === Op.i32_and) n++; // (x < hi) & (x >= 0): the second compare suffices
    if (!ORDERED.has(this.#back(n++))) return -1;
    const c = this.#back(n++);
    if (c !== Op.f32_const && c !== Op.f64_const) return -1;
    if (NAN_PRESERVING.has(this.#back(n))) n++;
    return LOCAL_READS.has(this.#back(n)) ? this.#imm(n) : -1;
  }
}

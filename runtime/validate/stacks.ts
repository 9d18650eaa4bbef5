/**
 * The two stacks of the spec appendix's validation algorithm and its
 * primitives, name for name: `pushOperand`/`popOperand`/`popExpect`
 * (`push_val`/`pop_val`), `pushCtrl`/`popCtrl`, `labelTypes` (as
 * {@linkcode Stacks.labelArity} and {@linkcode Stacks.labelType}), and
 * `unreachable`.
 *
 * Both stacks are typed arrays reused across every function of a module, and
 * a control frame keeps its block type (an integer) rather than lists of
 * types, so nothing is allocated per instruction. The operand stack holds
 * packed value types; {@linkcode UNKNOWN} (0, never a value type) is the
 * spec's `Unknown`, the bottom type produced by popping past the height of an
 * unreachable frame (stack polymorphism).
 *
 * @module
 */

import { Op } from "../opcodes.ts";
import { BLOCK_EMPTY, valTypeName } from "../types.ts";
import { type Context, invalid } from "./context.ts";

/** The spec's `Unknown` operand type (never a real value type). */
export const UNKNOWN = 0;

/** Frame kind of the function body's own frame (an opcode id otherwise). */
export const FUNC_FRAME = -1;

const LOOP = Op.loop;
const EMPTY: readonly number[] = [];

/** A type as the spec's messages print it. */
export function typeName(t: number): string {
  return t === UNKNOWN ? "unknown" : valTypeName(t);
}

/** Throws "type mismatch: expected …, got …". */
export function mismatch(expected: number, actual: number): never {
  invalid(`type mismatch: expected ${typeName(expected)}, got ${typeName(actual)}`);
}

/** A copy of `a` with room for at least `need` entries. */
export function grown(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  let len = a.length * 2;
  while (len < need) len *= 2;
  const b = new Int32Array(len);
  b.set(a);
  return b;
}

/**
 * The operand and control stacks with the appendix's primitives; the
 * instruction cases live in the subclass `FuncValidator` (`func.ts`), whose
 * hot loop also reads and writes these fields directly.
 */
export class Stacks {
  /** The module's context. */
  protected readonly ctx: Context;
  /** Operand stack (packed value types or UNKNOWN). */
  protected vals: Int32Array<ArrayBuffer> = new Int32Array(1024);
  /** Operand stack size. */
  protected sp = 0;
  /** Control frames' kinds: an opcode id (`block`, `loop`, `if`, `else`) or FUNC_FRAME. */
  protected ctrlKind: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Control frames' block types (a function type index for the function's frame). */
  protected ctrlType: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Control frames' operand stack heights. */
  protected ctrlHeight: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Control frames' unreachable flags. */
  protected ctrlUnreachable: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  /** Control stack size. */
  protected csp = 0;
  /** The innermost frame's height, cached out of `ctrlHeight`. */
  protected height = 0;
  /** The innermost frame's unreachable flag, cached out of `ctrlUnreachable`. */
  protected unreach = false;

  /** Stacks for validating bodies under `ctx`. */
  constructor(ctx: Context) {
    this.ctx = ctx;
  }

  /** Empties both stacks and pushes the frame of a function of type `type`. */
  protected reset(type: number): void {
    this.sp = 0;
    this.csp = 0;
    this.pushCtrl(FUNC_FRAME, type);
  }

  /** `push_val`. */
  protected pushOperand(t: number): void {
    if (this.sp === this.vals.length) this.vals = grown(this.vals, this.sp + 1);
    this.vals[this.sp++] = t;
  }

  /** `pop_val()`: any operand, or UNKNOWN past the height of an unreachable frame. */
  protected popOperand(): number {
    if (this.sp === this.height) {
      if (this.unreach) return UNKNOWN;
      invalid("type mismatch: expected a value, got nothing");
    }
    return this.vals[--this.sp];
  }

  /** `pop_val(expect)`. */
  protected popExpect(expect: number): number {
    if (this.sp === this.height) {
      if (this.unreach) return UNKNOWN;
      invalid(`type mismatch: expected ${typeName(expect)}, got nothing`);
    }
    const actual = this.vals[--this.sp];
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN) mismatch(expect, actual);
    return actual;
  }

  /** `pop_vals(types)`. */
  protected popTypes(types: readonly number[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popExpect(types[i]);
  }

  /** `push_vals(types)`. */
  protected pushTypes(types: readonly number[]): void {
    for (let i = 0; i < types.length; i++) this.pushOperand(types[i]);
  }

  /** `push_ctrl`: a frame of kind `kind` and block type `bt`; pushes its start types. */
  protected pushCtrl(kind: number, bt: number): void {
    const c = this.csp;
    if (c === this.ctrlKind.length) this.growCtrl();
    this.ctrlKind[c] = kind;
    this.ctrlType[c] = bt;
    this.ctrlHeight[c] = this.sp;
    this.ctrlUnreachable[c] = 0;
    this.csp = c + 1;
    this.height = this.sp;
    this.unreach = false;
    // The function's parameters are locals, not operands.
    if (kind !== FUNC_FRAME) this.pushTypes(this.startTypes(bt));
  }

  /** `pop_ctrl`: checks the frame's end types are exactly what is left, and pops it. */
  protected popCtrl(): void {
    const c = this.csp - 1;
    this.popResults(this.ctrlType[c]);
    if (this.sp !== this.height) {
      invalid(`type mismatch: ${this.sp - this.height} extra value(s) at end of block`);
    }
    this.csp = c;
    if (c > 0) {
      this.height = this.ctrlHeight[c - 1];
      this.unreach = this.ctrlUnreachable[c - 1] === 1;
    }
  }

  /** `unreachable()`: the rest of the frame is stack-polymorphic. */
  protected unreachable(): void {
    this.sp = this.height;
    this.unreach = true;
    this.ctrlUnreachable[this.csp - 1] = 1;
  }

  protected growCtrl(): void {
    const n = this.ctrlKind.length * 2;
    this.ctrlKind = grown(this.ctrlKind, n);
    this.ctrlType = grown(this.ctrlType, n);
    this.ctrlHeight = grown(this.ctrlHeight, n);
    const u = new Uint8Array(n);
    u.set(this.ctrlUnreachable);
    this.ctrlUnreachable = u;
  }

  // ---- block types -----------------------------------------------------------

  protected startTypes(bt: number): readonly number[] {
    return bt >= 0 ? this.ctx.typeParams[bt] : EMPTY;
  }

  /** Pops the end types of block type `bt` (a value block type has one, without a list). */
  protected popResults(bt: number): void {
    if (bt >= 0) this.popTypes(this.ctx.typeResults[bt]);
    else if (bt !== BLOCK_EMPTY) this.popExpect(~bt);
  }

  protected pushResults(bt: number): void {
    if (bt >= 0) this.pushTypes(this.ctx.typeResults[bt]);
    else if (bt !== BLOCK_EMPTY) this.pushOperand(~bt);
  }

  protected checkBlockType(bt: number): void {
    if (bt >= 0) this.checkFuncTypeIndex(bt);
  }

  /** A type index (unsigned, as `call_indirect` has it) naming a function type. */
  protected checkFuncTypeIndex(t: number): void {
    if (t >>> 0 >= this.ctx.isFuncType.length || this.ctx.isFuncType[t] === 0) {
      invalid(`unknown type ${t >>> 0}`);
    }
  }

  // ---- labels ----------------------------------------------------------------

  /** Control stack index of label `depth`, or an "unknown label" error. */
  protected label(depth: number): number {
    if (depth >>> 0 >= this.csp) invalid(`unknown label ${depth >>> 0}`);
    return this.csp - 1 - depth;
  }

  /**
   * `label_types(frame)` — a loop's start types, any other frame's end types —
   * read as an arity and the i-th type, so value block types need no list.
   */
  protected labelArity(frame: number): number {
    const bt = this.ctrlType[frame];
    if (this.ctrlKind[frame] === LOOP) return this.startTypes(bt).length;
    if (bt >= 0) return this.ctx.typeResults[bt].length;
    return bt === BLOCK_EMPTY ? 0 : 1;
  }

  /** The i-th of `label_types(frame)`. */
  protected labelType(frame: number, i: number): number {
    const bt = this.ctrlType[frame];
    if (this.ctrlKind[frame] === LOOP) return this.startTypes(bt)[i];
    return bt >= 0 ? this.ctx.typeResults[bt][i] : ~bt;
  }

  /** `pop_vals(label_types(frame))`, without building the list for value block types. */
  protected popLabel(frame: number): void {
    if (this.ctrlKind[frame] === LOOP) this.popTypes(this.startTypes(this.ctrlType[frame]));
    else this.popResults(this.ctrlType[frame]);
  }

  protected pushLabel(frame: number): void {
    if (this.ctrlKind[frame] === LOOP) this.pushTypes(this.startTypes(this.ctrlType[frame]));
    else this.pushResults(this.ctrlType[frame]);
  }

  /**
   * `push_vals(pop_vals(label_types(frame)))` of `br_table`, done in place:
   * each real operand popped is pushed straight back, and operands missing
   * under an unreachable frame pop and push as UNKNOWN, which reads the same
   * as popping past the height later — so checking without moving suffices.
   */
  protected peekLabel(frame: number): void {
    for (let i = this.labelArity(frame) - 1, p = this.sp - 1; i >= 0; i--, p--) {
      const expect = this.labelType(frame, i);
      if (p < this.height) {
        if (this.unreach) return;
        invalid(`type mismatch: expected ${typeName(expect)}, got nothing`);
      }
      const actual = this.vals[p];
      if (actual !== expect && actual !== UNKNOWN) mismatch(expect, actual);
    }
  }
}

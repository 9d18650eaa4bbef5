/**
 * Unrolling of small loops, so that the guard pass's loop-header test of the
 * interrupt flag runs once per `factor` iterations instead of every one.
 *
 * A loop qualifies when it calls nothing (no `call`, no `call_indirect`, not
 * even in a loop inside: so nothing but the loop itself, and the loops in it,
 * which test the flag themselves, can run long between two header tests);
 * the caller's `factor(size, innermost)` then says how many copies it gets.
 * An unrolled loop's copies hold the loops inside it as they are. With
 * factor 2, `loop L (bt) BODY end` becomes
 *
 * ```text
 * block $exit (bt)             ;; the loop's type: its params come in, its results leave
 *   loop $L (bt)               ;; the guard pass tests the flag here, once per 2 rounds
 *     block $B ([p] -> [p])    ;; p: the loop's params
 *       BODY                   ;; `br L` reaches B (same index), going on to the second copy
 *       br $exit               ;; BODY fell through: its results leave the loop
 *     end
 *     BODY                     ;; as is: `br L` goes round
 *   end
 * end
 * ```
 *
 * and with factor k, copies 1 … k-1 sit each in its own block `B_j`, nested
 * so that the end of `B_j` starts copy j+1. A branch out of the loop from
 * copy j crosses k - j + 1 more labels than before (the blocks around it, L
 * and $exit), so its index grows by that; a branch to L keeps its index,
 * which now names the next copy (or L, from the last copy). `br_table`
 * entries alike.
 *
 * Every copied instruction keeps the byte offset of the original it stands
 * for, so a trap in either copy reports the original's offset; the added
 * blocks and branches carry the loop's and its `end`'s offsets.
 *
 * What it pays (guard.ts's policy; CPU time against the untouched module,
 * medians of 42 rounds interleaved in one process, V8 15.0): 4 copies of
 * innermost bodies up to 20 instructions took sieve from 1.057× to 1.027×
 * (1.058× → 1.015× in a second run), and no other kernel moved; codegen of
 * the 4,700-function `large` fixture −7% (38.3 → 35.8 MB/s, it has 10 such
 * loops: +0.06% bytes), qsort +7% bytes. Measured and left alone: 4 copies up
 * to 64 took matmul (body 40) from 1.050× to 0.986× but hash64 (body 38, a
 * chain of i64 multiplies the header test is not on) from 0.983× to 1.009×,
 * that one loop alone (a run unrolling only it), and cost `large` +13% bytes
 * and −36% codegen MB/s; 3 copies from 21 to 48, matmul −2% and hash64 +1%;
 * 2 copies up to 64 paid on no kernel (+4% bytes, −22% MB/s); 4 copies of
 * outer loops up to 64 as well, sieve a further −1.8% but hash64 +0.5–1.2%;
 * loops that call (the header test then runs once per k calls), qsort −2%,
 * within the noise.
 *
 * @module
 */

import type { Code } from "../module.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { CodeArena } from "./arena.ts";

/** How {@linkcode LoopUnroller} unrolls. */
export interface UnrollOptions {
  /**
   * Copies per round of the emitted loop for a qualifying loop whose body
   * (the instructions between `loop` and its `end`) has `size` instructions;
   * below 2, the loop stays as it is.
   */
  factor(size: number, innermost: boolean): number;
  /**
   * The block type `[p] -> [p]` for a loop of block type `bt` whose params
   * are `p` (`BLOCK_EMPTY` when it has none), as a block type of the output.
   */
  selfBlockType(bt: number): number;
}

/**
 * Unrolls the qualifying loops of function bodies (see the module docs).
 * One unroller serves a whole module: its scratch arrays and output arena
 * are reused from body to body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LoopUnroller } from "./unroll.ts";
 * import { Op } from "../opcodes.ts";
 * import { BLOCK_EMPTY } from "../types.ts";
 * const u = new LoopUnroller({ factor: () => 2, selfBlockType: () => BLOCK_EMPTY });
 * // loop  local.get 0  br_if 0  end  end
 * const ops = Int32Array.of(Op.loop, BLOCK_EMPTY, Op.local_get, 0, Op.br_if, 0, Op.end, Op.end);
 * const out = u.unroll({ ops, offsets: Uint32Array.of(1, 2, 3, 4, 5) });
 * // block, loop, block, get, br_if 0, br 2, end, get, br_if 0, end, end, end
 * assert.equal(out.offsets.length, 12);
 * ```
 */
export class LoopUnroller {
  readonly #factor: (size: number, innermost: boolean) => number;
  readonly #selfBlockType: (bt: number) => number;
  readonly #out = new CodeArena();
  // Open blocks of the first walk, by nesting level: the loop's pc (or -1 for a block or
  // an if), the index of its first instruction, and what it holds (CALLS, HAS_LOOP).
  #openPc = new Int32Array(64);
  #openIndex = new Int32Array(64);
  #openFlags = new Uint8Array(64);
  /** Loops to unroll in the current body: pc of each `loop`, in order. */
  #loops = new Int32Array(16);
  /** The factor of each of `#loops`. */
  #factors = new Int32Array(16);

  /** An unroller with `options`. */
  constructor(options: UnrollOptions) {
    this.#factor = options.factor;
    this.#selfBlockType = options.selfBlockType;
  }

  /**
   * `code` with its qualifying loops unrolled, or `code` itself when none
   * qualifies. The result is a view of the unroller's arena, valid until
   * the arena is dropped (later bodies do not overwrite it).
   */
  unroll(code: Code): Code {
    const n = this.#findLoops(code.ops);
    return n === 0 ? code : this.#rewrite(code, n);
  }

  /** Finds the loops of `ops` to unroll; returns how many (their pcs in `#loops`). */
  #findLoops(ops: Int32Array): number {
    let level = 0, found = 0;
    let loop = -1; // level of the innermost open loop, -1 if none
    for (let pc = 0, index = 0; pc < ops.length; index++) {
      const id = ops[pc];
      if (id === Op.block || id === Op.if || id === Op.loop) {
        if (++level === this.#openPc.length) this.#growOpen();
        this.#openIndex[level] = index;
        if (id === Op.loop) {
          if (loop >= 0) this.#openFlags[loop] |= HAS_LOOP;
          this.#openPc[level] = pc;
          this.#openFlags[level] = 0;
          loop = level;
        } else {
          this.#openPc[level] = -1;
        }
      } else if (id === Op.end) {
        if (level > 0 && this.#openPc[level] >= 0) {
          const flags = this.#openFlags[level], loopPc = this.#openPc[level];
          const size = index - this.#openIndex[level] - 1;
          const k = flags & CALLS ? 1 : this.#factor(size, (flags & HAS_LOOP) === 0);
          if (k >= 2) {
            // Unrolled loops inside this one are copied as they are.
            while (found > 0 && this.#loops[found - 1] > loopPc) found--;
            if (found === this.#loops.length) {
              this.#loops = grow(this.#loops);
              this.#factors = grow(this.#factors);
            }
            this.#factors[found] = k;
            this.#loops[found++] = loopPc;
          }
          loop = -1;
          for (let l = level - 1; l > 0; l--) {
            if (this.#openPc[l] >= 0) {
              loop = l;
              this.#openFlags[l] |= flags & CALLS;
              break;
            }
          }
        }
        level--;
      } else if ((id === Op.call || id === Op.call_indirect) && loop >= 0) {
        this.#openFlags[loop] |= CALLS;
      }
      const w = IMM[id];
      pc += w >= 0 ? 1 + w : instrWords(ops, pc);
    }
    // The loops left do not nest, so they are in order.
    return found;
  }

  /** Copies `code`, unrolling the `n` loops found. */
  #rewrite(code: Code, n: number): Code {
    const { ops, offsets } = code;
    const out = this.#out;
    let pc = 0, index = 0;
    for (let l = 0; l < n; l++) {
      const loopPc = this.#loops[l], k = this.#factors[l];
      for (; pc < loopPc; index++) pc = copy(ops, pc, out, offsets[index]);
      const bt = ops[pc + 1];
      const at = offsets[index];
      const bodyPc = pc + 2, bodyIndex = index + 1;
      // Where the body ends: the loop's `end`.
      let endPc = bodyPc, endIndex = bodyIndex;
      for (let depth = 0;; endIndex++) {
        const id = ops[endPc];
        if (id === Op.end && depth-- === 0) break;
        if (id === Op.block || id === Op.if || id === Op.loop) depth++;
        endPc += instrWords(ops, endPc);
      }
      const endAt = offsets[endIndex];
      out.op(Op.block, at);
      out.word(bt);
      out.op(Op.loop, at);
      out.word(bt);
      const self = this.#selfBlockType(bt);
      for (let j = 1; j < k; j++) {
        out.op(Op.block, at);
        out.word(self);
      }
      for (let j = 1; j <= k; j++) {
        const shift = k - j + 1;
        copyBody(ops, offsets, bodyPc, bodyIndex, endPc, shift, out);
        if (j < k) {
          out.op(Op.br, endAt); // the body fell through: leave with its results
          out.word(shift);
          out.op(Op.end, endAt);
        }
      }
      out.op(Op.end, endAt); // L
      out.op(Op.end, endAt); // $exit
      pc = endPc + 1;
      index = endIndex + 1;
    }
    for (; pc < ops.length; index++) pc = copy(ops, pc, out, offsets[index]);
    return out.finish();
  }

  #growOpen(): void {
    this.#openPc = grow(this.#openPc);
    this.#openIndex = grow(this.#openIndex);
    const flags = new Uint8Array(this.#openFlags.length * 2);
    flags.set(this.#openFlags);
    this.#openFlags = flags;
  }
}

/**
 * Words of each opcode's immediates, -1 for a count-prefixed list: the first
 * walk reads this instead of `instrWords`' table of objects (it walks every
 * body of the module, and this way costs half as much).
 */
const IMM = Int8Array.from(OPS, (op) => op.immWords);

/** A loop holds a call or `call_indirect` (maybe in a loop inside). */
const CALLS = 1;
/** A loop holds a loop. */
const HAS_LOOP = 2;

/** `a` in an array twice as long. */
function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Copies the instruction at `ops[pc]` as is; returns the next pc. */
function copy(ops: Int32Array, pc: number, out: CodeArena, at: number): number {
  const end = pc + instrWords(ops, pc);
  out.op(ops[pc], at);
  for (pc++; pc < end; pc++) out.word(ops[pc]);
  return end;
}

/**
 * Copies a loop's body `ops[pc … endPc)` (its first instruction the
 * `index`-th of the function), adding `shift` to every branch label that
 * leaves the loop (see the module docs).
 */
function copyBody(
  ops: Int32Array,
  offsets: Uint32Array,
  pc: number,
  index: number,
  endPc: number,
  shift: number,
  out: CodeArena,
): void {
  let depth = 0; // blocks open inside the body: a label > depth leaves the loop
  for (; pc < endPc; index++) {
    const id = ops[pc];
    const at = offsets[index];
    if (id === Op.br || id === Op.br_if) {
      const label = ops[pc + 1];
      out.op(id, at);
      out.word(label > depth ? label + shift : label);
      pc += 2;
      continue;
    }
    if (id === Op.br_table) {
      const count = ops[pc + 1];
      out.op(id, at);
      out.word(count);
      for (let i = 0; i <= count; i++) {
        const label = ops[pc + 2 + i];
        out.word(label > depth ? label + shift : label);
      }
      pc += 3 + count;
      continue;
    }
    if (id === Op.block || id === Op.if || id === Op.loop) depth++;
    else if (id === Op.end) depth--;
    pc = copy(ops, pc, out, at);
  }
}

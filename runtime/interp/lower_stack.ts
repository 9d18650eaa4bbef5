/**
 * The lowering's emitter and virtual stack (see `lower.ts`): where each
 * operand-stack value lives at compile time — in its own frame slot
 * (`STACK`), or still deferred as a slot to read (`LOCAL`: a local or a
 * constant-pool slot) or an i32 constant (`CONST`) — and the peephole state
 * that lets the next instruction rewrite the last one (retargeting a
 * result, fusing a comparison or an address computation).
 *
 * @module
 */

import { isRef, type ValType, ValType as VT } from "../types.ts";
import { IOP } from "./ops.ts";

/** Words of a value of type `t` in a frame: 2 (one 8-byte slot), 4 for v128. */
export function slotWords(t: ValType): number {
  return t === VT.v128 ? 4 : 2;
}

/** Virtual stack entry kinds. */
export const STACK = 0;
/** A deferred read of a slot (a local, or a constant-pool slot). */
export const LOCAL = 1;
/** A deferred i32 constant. */
export const CONST = 2;

/** A growable Int32Array. */
export class Words {
  /** The words (capacity may exceed `n`). */
  a: Int32Array = new Int32Array(1024);
  /** Words written. */
  n = 0;
  /** Appends a word. */
  push(w: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = w;
  }
  /** The words written, exactly. */
  finish(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** Emission and the virtual stack, for one function at a time. */
export class StackLowerer {
  /** Internal code being written. */
  readonly out: Words;
  /** (position, wasm byte offset) pairs. */
  readonly pcMap: Words;
  /** Words of params and locals. */
  localWords = 0;
  /** First word of the operand stack: after the locals and the constant pool. */
  stackBase = 0;
  /** Constant pool of the function: value key → word offset. */
  pool: Map<string, number> = new Map();
  /** Offsets of pool entries read by the code, with their word counts. */
  poolUsed: Map<number, number> = new Map();
  /** Highest word used by the operand stack. */
  maxOff = 0;
  /** Virtual stack: entry kinds. */
  vKind: number[] = [];
  /** Virtual stack: entry types. */
  vType: ValType[] = [];
  /** Virtual stack: each entry's own slot. */
  vOff: number[] = [];
  /** Virtual stack: the slot read (LOCAL) or the constant (CONST). */
  vVal: number[] = [];
  /** Virtual stack height (entries). */
  sp = 0;
  /** Word offset of the next free slot. */
  topOff = 0;
  /** Number of LOCAL entries (to skip scans when there are none). */
  deferredLocals = 0;
  /** Position of the last instruction, or -1 after a label. */
  lastPos = -1;
  /** Position of the last instruction's destination word, if its result is the top STACK entry. */
  lastDst = -1;
  /** Position of the last instruction if it is an i32 comparison producing the top entry. */
  lastCmp = -1;
  /**
   * Virtual stack index of the last instruction's result, or -1; the
   * peephole rewrites above apply only while that entry is still there.
   */
  lastEntry = -1;
  /** The wasm offset of the last pcMap entry. */
  lastPcMap = -1;
  /** Byte offset of the wasm instruction being lowered. */
  wasmOffset = 0;

  /** Creates the emitter over `out` and `pcMap`. */
  constructor(out: Words, pcMap: Words) {
    this.out = out;
    this.pcMap = pcMap;
  }

  // ---- emission ----------------------------------------------------------

  /** Starts an instruction; returns its position. Forgets peephole state. */
  emit(...words: number[]): number {
    const pos = this.out.n;
    if (this.lastPcMap !== this.wasmOffset || this.pcMap.n === 0) {
      this.pcMap.push(pos);
      this.pcMap.push(this.wasmOffset);
      this.lastPcMap = this.wasmOffset;
    }
    for (const w of words) this.out.push(w);
    this.lastPos = pos;
    this.lastDst = -1;
    this.lastCmp = -1;
    this.lastEntry = -1;
    return pos;
  }

  /** Marks the current position as a jump target: no peephole across it. */
  label(): number {
    this.lastPos = -1;
    this.lastDst = -1;
    this.lastCmp = -1;
    this.lastEntry = -1;
    return this.out.n;
  }

  /** Drops the last instruction (a comparison being fused into a branch). */
  unemit(pos: number): void {
    this.out.n = pos;
    const pm = this.pcMap;
    if (pm.n >= 2 && pm.a[pm.n - 2] === pos) {
      pm.n -= 2;
      this.lastPcMap = pm.n >= 2 ? pm.a[pm.n - 1] : -1;
    }
    this.lastPos =
      this.lastDst =
      this.lastCmp =
      this.lastEntry =
        -1;
  }

  /** Writes jump target `target` into the word at `at`. */
  patch(at: number, target: number): void {
    this.out.a[at] = target;
  }

  // ---- virtual stack -----------------------------------------------------

  /** Pushes an entry of `kind` (`val`: the slot read or the constant); returns its own slot. */
  push(kind: number, type: ValType, val = 0): number {
    const i = this.sp++;
    const off = this.topOff;
    this.vKind[i] = kind;
    this.vType[i] = type;
    this.vOff[i] = off;
    this.vVal[i] = val;
    this.topOff = off + slotWords(type);
    if (this.topOff > this.maxOff) this.maxOff = this.topOff;
    if (kind === LOCAL) this.deferredLocals++;
    return off;
  }

  /** Pops the top entry; returns the slot holding its value (materialising a constant). */
  popSrc(): number {
    const i = --this.sp;
    this.topOff = this.vOff[i];
    return this.srcOf(i);
  }

  /**
   * The slot to read entry i's value from, for an instruction consuming it:
   * the local or pool slot of a deferred read, a pool slot for a pooled
   * constant, else its own slot (after writing a constant there).
   */
  srcOf(i: number): number {
    switch (this.vKind[i]) {
      case LOCAL:
        this.deferredLocals--;
        this.vKind[i] = STACK;
        return this.vVal[i];
      case CONST: {
        this.vKind[i] = STACK;
        const slot = this.pool.get(`1:${this.vVal[i]}`);
        if (slot !== undefined) {
          this.poolUsed.set(slot, 1);
          return slot;
        }
        this.emit(IOP.const32, this.vOff[i], this.vVal[i]);
        return this.vOff[i];
      }
      default:
        return this.vOff[i];
    }
  }

  /** Writes entry i's value into its own slot if it is deferred. */
  materialize(i: number): void {
    const k = this.vKind[i];
    if (k === STACK) return;
    if (k === LOCAL) {
      this.deferredLocals--;
      this.emit(this.movOp(this.vType[i]), this.vOff[i], this.vVal[i]);
    } else {
      this.emit(IOP.const32, this.vOff[i], this.vVal[i]);
    }
    this.vKind[i] = STACK;
  }

  /** Materialises every entry from `from` up (before blocks, calls, branches). */
  materializeAll(from = 0): void {
    for (let i = from; i < this.sp; i++) this.materialize(i);
  }

  /** Materialises deferred reads of the local at word offset `off` (before it is written). */
  flushLocal(off: number, below = this.sp): void {
    if (this.deferredLocals === 0) return;
    for (let i = 0; i < below; i++) {
      if (this.vKind[i] === LOCAL && this.vVal[i] === off) this.materialize(i);
    }
  }

  /** Pushes the result of the instruction just emitted, whose destination word is at `dstAt`. */
  pushResult(type: ValType, dstAt: number): void {
    this.push(STACK, type);
    this.lastDst = dstAt;
    this.lastEntry = this.sp - 1;
  }

  /** The move instruction for a value of type `t`. */
  movOp(t: ValType): number {
    if (isRef(t)) return IOP.movref;
    if (t === VT.v128) return IOP.mov128;
    return t === VT.i64 || t === VT.f64 ? IOP.mov64 : IOP.mov32;
  }

  /** Drops entries down to `height`. */
  truncate(height: number): void {
    // A dropped result can no longer be retargeted or fused.
    if (this.lastEntry >= height) this.lastDst = this.lastCmp = this.lastEntry = -1;
    for (let i = height; i < this.sp; i++) if (this.vKind[i] === LOCAL) this.deferredLocals--;
    this.sp = height;
    this.topOff = height > 0
      ? this.vOff[height - 1] + slotWords(this.vType[height - 1])
      : this.stackBase;
  }

  /** True when an entry below `below` is a deferred read of the slot at `off`. */
  hasDeferred(off: number, below: number): boolean {
    if (this.deferredLocals === 0) return false;
    for (let i = 0; i < below; i++) {
      if (this.vKind[i] === LOCAL && this.vVal[i] === off) return true;
    }
    return false;
  }

  /** Emits `extra handler length ...operands`. */
  emitExtra(handler: number, operands: number[]): number {
    return this.emit(IOP.extra, handler, 3 + operands.length, ...operands);
  }
}

/**
 * Lowering: one pass over a validated function body that emits the
 * interpreter's internal code (see `ops.ts` and README.md).
 *
 * The wasm operand stack becomes fixed frame slots: the value at stack
 * height h lives at a word offset known at compile time, so internal
 * instructions name their operands as slots (`i32.add d a b`) and nothing is
 * pushed or popped at run time. The compiler keeps a *virtual* stack whose
 * entries are either materialised in their slot (`STACK`), or deferred:
 * a `local.get` (`LOCAL`, read straight from the local's slot) or an i32
 * constant (`CONST`, folded into an `_i` form where one exists). So
 * `local.get a; local.get b; i32.add; local.set c` becomes one
 * `i32.add c a b`: the result of the last instruction is *retargeted* to
 * the local instead of being moved there.
 *
 * Branches move their values to the target's slots (nothing to do when they
 * are already there, which is the common case), loops start with a `check`
 * (fuel, interrupt), and an i32 comparison or `eqz` feeding `br_if` or `if`
 * fuses with it into one compare-and-branch.
 *
 * @module
 */

import type { Code, FuncType, Module } from "../module.ts";
import { funcTypeAt, funcTypeIndices, globalTypes } from "../module.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { BLOCK_EMPTY, isRef, type ValType, ValType as VT, valTypeOfBlock } from "../types.ts";
import { sigId } from "../instance/func_ref.ts";
import { EXTRA_PSEUDO, extraLayout } from "./extra_layout.ts";
import { CONST, LOCAL, slotWords, STACK, StackLowerer, Words } from "./lower_stack.ts";
import { IOP } from "./ops.ts";

/** Fields of {@linkcode LoweredModule.meta}, per defined function. */
export const META = {
  /** Position of the first instruction. */
  entry: 0,
  /** Words the frame needs: locals plus the deepest operand stack (and results). */
  frame: 1,
  /** Words of the parameters (set by the caller). */
  params: 2,
  /** Words of parameters and locals; [params, locals) is zeroed on entry. */
  locals: 3,
  /** Fuel charged per call: instructions outside loops. */
  cost: 4,
  /** Words per function. */
  size: 5,
} as const;

/** The internal code of a whole module. */
export interface LoweredModule {
  /** Internal code of every defined function, concatenated. */
  code: Int32Array;
  /** {@linkcode META} fields of each defined function. */
  meta: Int32Array;
  /** Pairs (code position, byte offset of the wasm instruction), by position. */
  pcMap: Int32Array;
}

const BLOCK = 0;
const LOOP = 1;
const IF = 2;
const ELSE = 3;
const FUNC = 4;

interface Ctrl {
  kind: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Virtual stack length below the block's params. */
  height: number;
  /** Word offset of the first param's slot. */
  base: number;
  /** Target of branches to a loop. */
  loopPc: number;
  /** Positions of jump-target words to patch with the end position. */
  patches: number[];
  /** Position of the `if`'s false-branch target word, or -1. */
  elsePatch: number;
  /** The rest of the block is dead code. */
  dead: boolean;
  /** Position of a loop's `check` cost word. */
  costAt: number;
  /** Wasm instructions counted so far for the enclosing check (loop or function). */
  cost: number;
}

const CMP_NEG: Record<string, string> = {
  eq: "ne",
  ne: "eq",
  lt_s: "ge_s",
  ge_s: "lt_s",
  lt_u: "ge_u",
  ge_u: "lt_u",
  gt_s: "le_s",
  le_s: "gt_s",
  gt_u: "le_u",
  le_u: "gt_u",
};
const CMP_SWAP: Record<string, string> = {
  eq: "eq",
  ne: "ne",
  lt_s: "gt_s",
  gt_s: "lt_s",
  lt_u: "gt_u",
  gt_u: "lt_u",
  le_s: "ge_s",
  ge_s: "le_s",
  le_u: "ge_u",
  ge_u: "le_u",
};
const COMMUTATIVE = new Set(["add", "mul", "and", "or", "xor", "eq", "ne"]);

/** For each wasm opcode id: the internal opcode of a plain slot instruction, or -1. */
const SIMPLE = new Int16Array(OPS.length).fill(-1);
/** For i32 compares (internal opcode): the comparison's name (`lt_s`), else undefined. */
const CMP_OF = new Map<number, string>();
{
  for (const op of OPS) {
    if (op.params === null || op.prefix === 0xfd) continue;
    const iop = IOP[op.name];
    if (iop !== undefined) SIMPLE[op.id] = iop;
  }
  SIMPLE[Op.f32_load] = IOP["i32.load"];
  SIMPLE[Op.f64_load] = IOP["i64.load"];
  SIMPLE[Op.f32_store] = IOP["i32.store"];
  SIMPLE[Op.f64_store] = IOP["i64.store"];
  SIMPLE[Op.i32_reinterpret_f32] = IOP.mov32;
  SIMPLE[Op.f32_reinterpret_i32] = IOP.mov32;
  SIMPLE[Op.i64_reinterpret_f64] = IOP.mov64;
  SIMPLE[Op.f64_reinterpret_i64] = IOP.mov64;
  for (const c of Object.keys(CMP_NEG)) {
    CMP_OF.set(IOP[`i32.${c}`], c);
    CMP_OF.set(IOP[`i32.${c}_i`], c);
  }
}

/** At most this many words of constant pool per function (it is copied on every call). */
const MAX_POOL_WORDS = 64;

/** A constant's pool key: its type and bits. */
function poolKey(id: number, ops: Int32Array, pc: number): string {
  const n = id === Op.v128_const ? 4 : id === Op.i64_const || id === Op.f64_const ? 2 : 1;
  // i32 and f32 constants with the same bits may share a slot; so may i64 and f64.
  let key = `${n}`;
  for (let k = 1; k <= n; k++) key += `:${ops[pc + k]}`;
  return key;
}

export { slotWords };

/** Lowers every defined function of a validated module. */
export function lowerModule(m: Module): LoweredModule {
  const out = new Words();
  const pcMap = new Words();
  const meta = new Int32Array(m.funcs.length * META.size);
  const l = new Lowerer(m, out, pcMap);
  m.funcs.forEach((f, i) => {
    const ft = funcTypeAt(m, f.type)!;
    const locals: ValType[] = [...ft.params];
    for (const g of f.locals) for (let k = 0; k < g.count; k++) locals.push(g.type);
    l.lowerFunc(ft, locals, f.body, meta, i * META.size);
  });
  return { code: out.finish(), meta, pcMap: pcMap.finish() };
}

/** Lowers the functions of one module, one at a time. */
class Lowerer extends StackLowerer {
  readonly m: Module;
  readonly funcTypes: number[];
  readonly globals: ValType[];
  readonly importedFuncs: number;

  // Per function.
  localOff: number[] = [];
  localType: ValType[] = [];
  results: readonly ValType[] = [];
  ctrl: Ctrl[] = [];

  constructor(m: Module, out: Words, pcMap: Words) {
    super(out, pcMap);
    this.m = m;
    this.funcTypes = funcTypeIndices(m);
    this.globals = globalTypes(m).map((g) => g.type);
    this.importedFuncs = m.imports.filter((i) => i.desc.kind === "func").length;
  }

  // ---- functions ---------------------------------------------------------

  lowerFunc(ft: FuncType, locals: ValType[], body: Code, meta: Int32Array, at: number): void {
    this.localOff = [];
    this.localType = locals;
    let w = 0;
    let paramWords = 0;
    let firstRef = -1;
    let lastRef = -1;
    locals.forEach((t, i) => {
      this.localOff.push(w);
      if (i >= ft.params.length && isRef(t)) {
        if (firstRef < 0) firstRef = w;
        lastRef = w + 2;
      }
      w += slotWords(t);
      if (i === ft.params.length - 1) paramWords = w;
    });
    this.localWords = w;
    const poolWords = this.scanPool(body.ops, w);
    this.stackBase = w + poolWords.length;
    this.topOff = this.stackBase;
    this.maxOff = this.stackBase;
    let resultWords = 0;
    for (const t of ft.results) resultWords += slotWords(t);
    this.results = ft.results;
    this.sp = 0;
    this.deferredLocals = 0;
    this.ctrl = [];
    this.label();
    const entry = this.out.n;
    if (firstRef >= 0) this.emitExtra(EXTRA_PSEUDO.clear_refs, [firstRef, lastRef]);
    // The pool's fill instruction is sized for every candidate and patched at
    // the end with the constants actually read from the pool.
    const constsAt = poolWords.length > 0
      ? this.emit(
        IOP.consts,
        0,
        3 + 2 * poolWords.length,
        ...new Array(2 * poolWords.length).fill(0),
      )
      : -1;
    this.poolUsed.clear();
    this.ctrl.push({
      kind: FUNC,
      params: [],
      results: ft.results,
      height: 0,
      base: this.stackBase,
      loopPc: -1,
      patches: [],
      elsePatch: -1,
      dead: false,
      costAt: -1,
      cost: 0,
    });
    const funcCost = this.lowerBody(body);
    let start = entry;
    if (constsAt >= 0 && this.patchPool(constsAt, w, poolWords) === 0) {
      // No constant was read from the pool: skip the fill instruction.
      const after = constsAt + this.out.a[constsAt + 2];
      if (constsAt === entry) start = after;
      else this.out.a.set([IOP.jmp, after], constsAt);
    }
    meta[at + META.entry] = start;
    meta[at + META.frame] = Math.max(this.maxOff, resultWords) + 4;
    meta[at + META.params] = paramWords;
    meta[at + META.locals] = this.localWords;
    meta[at + META.cost] = Math.max(1, funcCost);
  }

  /**
   * Finds the constants used inside loops and gives each distinct one a
   * word offset from `base` in the frame (the constant pool, filled once on
   * entry by a `consts` instruction). Inside a loop, an operand that is a
   * constant is then read from its pool slot instead of being rebuilt by an
   * instruction on every iteration. Returns the pool's words.
   */
  scanPool(ops: Int32Array, base: number): number[] {
    this.pool.clear();
    const words: number[] = [];
    const loops: boolean[] = [];
    let inLoop = 0;
    for (let pc = 0; pc < ops.length && words.length < MAX_POOL_WORDS; pc += instrWords(ops, pc)) {
      const id = ops[pc];
      if (id === Op.block || id === Op.if || id === Op.loop) {
        loops.push(id === Op.loop);
        if (id === Op.loop) inLoop++;
      } else if (id === Op.end) {
        if (loops.pop()) inLoop--;
      } else if (inLoop > 0) {
        const n = id === Op.i32_const || id === Op.f32_const
          ? 1
          : id === Op.i64_const || id === Op.f64_const
          ? 2
          : id === Op.v128_const
          ? 4
          : 0;
        if (n === 0) continue;
        const key = poolKey(id, ops, pc);
        if (this.pool.has(key)) continue;
        this.pool.set(key, base + words.length);
        for (let k = 0; k < n; k++) words.push(ops[pc + 1 + k]);
        // Slots are 2 words (4 for v128).
        if (n === 1) words.push(0);
      }
    }
    return words;
  }

  /**
   * Writes the (offset, word) pairs of the pool entries that were read into
   * `consts` at `at`; returns how many.
   */
  patchPool(at: number, base: number, words: number[]): number {
    const code = this.out.a;
    let n = 0;
    for (const [off, size] of this.poolUsed) {
      for (let k = 0; k < size; k++, n++) {
        code[at + 3 + 2 * n] = off + k;
        code[at + 4 + 2 * n] = words[off - base + k];
      }
    }
    code[at + 1] = n;
    return n;
  }

  /** Lowers the body; returns the fuel cost of the function's straight-line part. */
  lowerBody(body: Code): number {
    const ops = body.ops;
    const offsets = body.offsets;
    let instr = 0;
    let deadDepth = 0;
    let funcCost = 0;
    for (let pc = 0; pc < ops.length; instr++) {
      const id = ops[pc];
      const info = OPS[id];
      const words = info.immWords >= 0
        ? 1 + info.immWords
        : info.imm === "br_table"
        ? 3 + ops[pc + 1]
        : 2 + ops[pc + 1];
      this.wasmOffset = instr < offsets.length ? offsets[instr] : 0;
      const c = this.ctrl[this.ctrl.length - 1];
      if (c.dead) {
        if (id === Op.block || id === Op.loop || id === Op.if) deadDepth++;
        else if (id === Op.end && deadDepth > 0) deadDepth--;
        else if ((id === Op.end || id === Op.else) && deadDepth === 0) {
          const cost = this.lowerControl(id, ops, pc);
          if (cost >= 0) funcCost = cost;
        }
        pc += words;
        continue;
      }
      c.cost++;
      const cost = this.lowerInstr(id, ops, pc);
      if (cost >= 0) funcCost = cost;
      pc += words;
    }
    return funcCost;
  }

  // ---- instructions ------------------------------------------------------

  /** Lowers one live instruction. Returns the function's cost at its final `end`, else -1. */
  lowerInstr(id: number, ops: Int32Array, pc: number): number {
    const a = ops[pc + 1];
    switch (id) {
      case Op.nop:
        return -1;
      case Op.unreachable:
        this.emit(IOP.unreachable);
        this.setDead();
        return -1;
      case Op.block:
      case Op.loop:
      case Op.if:
      case Op.else:
      case Op.end:
      case Op.br:
      case Op.br_if:
      case Op.br_table:
      case Op.return:
        return this.lowerControl(id, ops, pc);
      case Op.call:
        this.lowerCall(a);
        return -1;
      case Op.call_indirect: {
        const idx = this.popSrc();
        const ft = funcTypeAt(this.m, a)!;
        this.emitCall(ft, (h) => [IOP.call_indirect, ops[pc + 2], sigId(ft), h, idx]);
        return -1;
      }
      case Op.drop:
        this.truncate(this.sp - 1);
        return -1;
      case Op.select:
      case Op.select_t:
        this.lowerSelect();
        return -1;
      case Op.local_get:
        this.push(LOCAL, this.localType[a], this.localOff[a]);
        return -1;
      case Op.local_set:
      case Op.local_tee:
        this.lowerLocalSet(a, id === Op.local_tee);
        return -1;
      case Op.global_get:
        this.lowerGlobalGet(a);
        return -1;
      case Op.global_set:
        this.lowerGlobalSet(a);
        return -1;
      case Op.i32_const:
        this.push(CONST, VT.i32, a);
        return -1;
      case Op.i64_const:
      case Op.f64_const:
      case Op.f32_const:
      case Op.v128_const:
        this.lowerConst(id, ops, pc);
        return -1;
    }
    const simple = SIMPLE[id];
    if (simple >= 0) {
      this.lowerSimple(id, simple, ops, pc);
      return -1;
    }
    this.lowerExtra(id, ops, pc);
    return -1;
  }

  /** A non-i32 constant: a pool slot read, or an instruction writing the next slot. */
  lowerConst(id: number, ops: Int32Array, pc: number): void {
    const type = id === Op.i64_const
      ? VT.i64
      : id === Op.f64_const
      ? VT.f64
      : id === Op.f32_const
      ? VT.f32
      : VT.v128;
    const slot = this.pool.get(poolKey(id, ops, pc));
    if (slot !== undefined) {
      // A read-only slot behaves like a local that is never written.
      this.poolUsed.set(slot, type === VT.v128 ? 4 : type === VT.f32 ? 1 : 2);
      this.push(LOCAL, type, slot);
      return;
    }
    const d = this.topOff;
    const a = ops[pc + 1];
    const pos = type === VT.f32
      ? this.emit(IOP.const32, d, a)
      : type === VT.v128
      ? this.emit(IOP.const128, d, a, ops[pc + 2], ops[pc + 3], ops[pc + 4])
      : this.emit(IOP.const64, d, a, ops[pc + 2]);
    this.pushResult(type, pos + 1);
  }

  setDead(): void {
    const c = this.ctrl[this.ctrl.length - 1];
    this.truncate(c.height);
    c.dead = true;
  }

  lowerSimple(id: number, iop: number, ops: Int32Array, pc: number): void {
    const info = OPS[id];
    const params = info.params!;
    const results = info.results!;
    const name = info.name;
    const memOffset = info.imm === "memarg" ? ops[pc + 3] : null;
    if (
      params.length === 2 && results.length === 1 && memOffset === null && name.startsWith("i32.")
    ) {
      // i32 binary: fold a constant operand into the `_i` form.
      const bi = this.sp - 1;
      const ai = this.sp - 2;
      const op = name.slice(4);
      if (this.vKind[bi] === CONST) {
        const k = this.vVal[bi];
        const imm = op === "sub" ? IOP["i32.add_i"] : IOP[`i32.${op}_i`];
        if (imm !== undefined) {
          this.sp--;
          this.topOff = this.vOff[bi];
          const s = this.popSrc();
          this.emitResult(VT.i32, imm, s, op === "sub" ? (-k) | 0 : k);
          return;
        }
      } else if (this.vKind[ai] === CONST) {
        const swapped = COMMUTATIVE.has(op) ? op : CMP_SWAP[op];
        if (swapped !== undefined) {
          const k = this.vVal[ai];
          const s = this.popSrc();
          this.sp--;
          this.topOff = this.vOff[ai];
          this.emitResult(VT.i32, IOP[`i32.${swapped}_i`], s, k);
          return;
        }
      }
    }
    if (iop === IOP.mov32 || iop === IOP.mov64) {
      // A reinterpretation: the same bits with a new type, so no code.
      this.vType[this.sp - 1] = results[0];
      return;
    }
    if (memOffset !== null) {
      this.lowerMemory(iop, params.length, results.length === 1 ? results[0] : null, memOffset);
      return;
    }
    const srcs: number[] = new Array(params.length);
    for (let k = params.length - 1; k >= 0; k--) srcs[k] = this.popSrc();
    // memory.size and memory.grow have the address type (ADDR): i32 in 2.0.
    if (results.length === 1) this.emitResult(results[0] < 0 ? VT.i32 : results[0], iop, ...srcs);
    else this.emit(iop, ...srcs);
  }

  /**
   * A load (`d a addend offset`) or store (`a v addend offset`). When the
   * address was just computed by `i32.add_i x k`, that instruction is
   * dropped and the load adds k itself (modulo 2^32, as the add would).
   */
  lowerMemory(iop: number, nparams: number, result: ValType | null, offset: number): void {
    const [base, addend] = this.takeAddend(this.sp - nparams);
    const v = nparams === 2 ? this.popSrc() : -1;
    const a = this.popSrc();
    const addr = base >= 0 ? base : a;
    if (result !== null) this.emitResult(result, iop, addr, addend, offset);
    else this.emit(iop, addr, v, addend, offset);
  }

  /**
   * When the address (entry `ai`, the first operand of a memory access) was
   * computed by the last instruction, `i32.add_i x k`, and the other
   * operands need no code, drops that instruction and returns [x, k];
   * else [-1, 0].
   */
  takeAddend(ai: number): [number, number] {
    const pos = this.lastPos;
    const code = this.out.a;
    if (pos < 0 || code[pos] !== IOP["i32.add_i"] || this.lastEntry !== ai) return [-1, 0];
    if (code[pos + 1] !== this.vOff[ai]) return [-1, 0];
    for (let i = ai + 1; i < this.sp; i++) if (this.vKind[i] === STACK) return [-1, 0];
    const fused: [number, number] = [code[pos + 2], code[pos + 3]];
    this.unemit(pos);
    return fused;
  }

  /** Emits `iop d ...operands` with d the next stack slot, and pushes the result. */
  emitResult(type: ValType, iop: number, ...operands: number[]): void {
    const pos = this.emit(iop, this.topOff, ...operands);
    this.pushResult(type, pos + 1);
    if (CMP_OF.has(iop) || iop === IOP["i32.eqz"]) this.lastCmp = pos;
  }

  lowerSelect(): void {
    const c = this.popSrc();
    const b = this.popSrc();
    const t = this.vType[this.sp - 1];
    const a = this.popSrc();
    const op = isRef(t)
      ? IOP.selectref
      : t === VT.v128
      ? IOP.select128
      : t === VT.i64 || t === VT.f64
      ? IOP.select64
      : IOP.select32;
    this.emitResult(t, op, a, b, c);
  }

  lowerLocalSet(x: number, tee: boolean): void {
    const off = this.localOff[x];
    const t = this.localType[x];
    const top = this.sp - 1;
    const kind = this.vKind[top];
    if (this.lastDst >= 0 && this.lastEntry === top && !this.hasDeferred(off, top)) {
      // Retarget the producer of the top value to write the local directly.
      this.out.a[this.lastDst] = off;
      this.lastDst = -1;
      this.lastCmp = -1;
      this.truncate(top);
      if (tee) this.push(LOCAL, t, off);
      return;
    }
    if (kind === LOCAL && this.vVal[top] === off) {
      // local.set x of local.get x: the value does not change.
      if (!tee) this.truncate(top);
      return;
    }
    this.flushLocal(off, top);
    if (kind === CONST) this.emit(IOP.const32, off, this.vVal[top]);
    else this.emit(this.movOp(t), off, kind === LOCAL ? this.vVal[top] : this.vOff[top]);
    this.truncate(top);
    if (tee) this.push(LOCAL, t, off);
  }

  lowerGlobalGet(g: number): void {
    const t = this.globals[g];
    if (isRef(t) || t === VT.v128) {
      const d = this.topOff;
      const pseudo = isRef(t) ? EXTRA_PSEUDO.global_get_ref : EXTRA_PSEUDO.global_get128;
      this.emitExtra(pseudo, [d, g]);
      this.push(STACK, t);
      return;
    }
    const wide = t === VT.i64 || t === VT.f64;
    this.emitResult(t, wide ? IOP.global_get64 : IOP.global_get32, g);
  }

  lowerGlobalSet(g: number): void {
    const t = this.globals[g];
    const s = this.popSrc();
    if (isRef(t) || t === VT.v128) {
      const pseudo = isRef(t) ? EXTRA_PSEUDO.global_set_ref : EXTRA_PSEUDO.global_set128;
      this.emitExtra(pseudo, [g, s]);
      return;
    }
    const wide = t === VT.i64 || t === VT.f64;
    this.emit(wide ? IOP.global_set64 : IOP.global_set32, g, s);
  }

  /** Lowers an instruction run by `exec_extra.ts`: operands per `extraLayout`. */
  lowerExtra(id: number, ops: Int32Array, pc: number): void {
    const lay = extraLayout(id, ops, pc, this.m);
    const n = lay.params.length;
    let base = -1;
    if (lay.memory) [base, lay.imms[0]] = this.takeAddend(this.sp - n);
    const srcs: number[] = new Array(n);
    for (let k = n - 1; k >= 0; k--) srcs[k] = this.popSrc();
    if (base >= 0) srcs[0] = base;
    const d = this.topOff;
    const operands = lay.result !== null ? [d, ...srcs, ...lay.imms] : [...srcs, ...lay.imms];
    const pos = this.emitExtra(id, operands);
    // Every extra handler reads its operands before it writes its result.
    if (lay.result !== null) this.pushResult(lay.result, pos + 3);
  }

  // ---- calls -------------------------------------------------------------

  lowerCall(f: number): void {
    const ft = funcTypeAt(this.m, this.funcTypes[f])!;
    if (f < this.importedFuncs) this.emitCall(ft, (h) => [IOP.call_import, f, h]);
    else this.emitCall(ft, (h) => [IOP.call, f - this.importedFuncs, h]);
  }

  /** Materialises the arguments, emits the call built by `make(h)`, pushes the results. */
  emitCall(ft: FuncType, make: (h: number) => number[]): void {
    const n = ft.params.length;
    this.materializeAll(this.sp - n);
    const h = n > 0 ? this.vOff[this.sp - n] : this.topOff;
    this.truncate(this.sp - n);
    this.emit(...make(h));
    for (const t of ft.results) this.push(STACK, t);
  }

  // ---- control -----------------------------------------------------------

  blockType(bt: number): [readonly ValType[], readonly ValType[]] {
    if (bt === BLOCK_EMPTY) return [[], []];
    if (bt < 0) return [[], [valTypeOfBlock(bt)]];
    const ft = funcTypeAt(this.m, bt)!;
    return [ft.params, ft.results];
  }

  /** Lowers control instructions; returns the function's cost at its final `end`, else -1. */
  lowerControl(id: number, ops: Int32Array, pc: number): number {
    const a = ops[pc + 1];
    switch (id) {
      case Op.block:
      case Op.loop: {
        const [params, results] = this.blockType(a);
        this.materializeAll();
        const height = this.sp - params.length;
        const c = this.newCtrl(id === Op.loop ? LOOP : BLOCK, params, results, height);
        if (id === Op.loop) {
          c.loopPc = this.label();
          c.costAt = this.emit(IOP.check, 1) + 1;
          this.label();
        }
        return -1;
      }
      case Op.if: {
        const [params, results] = this.blockType(a);
        const cond = this.popCond();
        this.materializeAll();
        const c = this.newCtrl(IF, params, results, this.sp - params.length);
        c.elsePatch = this.emitBranch(cond, false);
        return -1;
      }
      case Op.else: {
        const c = this.ctrl[this.ctrl.length - 1];
        if (!c.dead) {
          this.materializeAll(c.height);
          c.patches.push(this.emit(IOP.jmp, 0) + 1);
        }
        this.patch(c.elsePatch, this.label());
        c.elsePatch = -1;
        c.kind = ELSE;
        c.dead = false;
        this.truncate(c.height);
        for (const t of c.params) this.push(STACK, t);
        return -1;
      }
      case Op.end:
        return this.lowerEnd();
      case Op.br:
        this.branchTo(a);
        this.setDead();
        return -1;
      case Op.br_if:
        this.lowerBrIf(a);
        return -1;
      case Op.br_table:
        this.lowerBrTable(ops, pc);
        this.setDead();
        return -1;
      case Op.return:
        this.emitReturn();
        this.setDead();
        return -1;
    }
    return -1;
  }

  newCtrl(
    kind: number,
    params: readonly ValType[],
    results: readonly ValType[],
    height: number,
  ): Ctrl {
    const c: Ctrl = {
      kind,
      params,
      results,
      height,
      base: height > 0 ? this.vOff[height - 1] + slotWords(this.vType[height - 1]) : this.stackBase,
      loopPc: -1,
      patches: [],
      elsePatch: -1,
      dead: false,
      costAt: -1,
      cost: 0,
    };
    this.ctrl.push(c);
    return c;
  }

  lowerEnd(): number {
    const c = this.ctrl[this.ctrl.length - 1];
    if (c.kind === FUNC) {
      if (!c.dead) this.emitReturn();
      this.ctrl.pop();
      return c.cost;
    }
    if (!c.dead) this.materializeAll(c.height);
    this.ctrl.pop();
    const parent = this.ctrl[this.ctrl.length - 1];
    if (c.kind === LOOP) {
      this.patch(c.costAt, Math.max(1, c.cost));
    } else {
      parent.cost += c.cost;
    }
    if (c.patches.length > 0 || c.elsePatch >= 0) {
      const here = this.label();
      for (const p of c.patches) this.patch(p, here);
      if (c.elsePatch >= 0) this.patch(c.elsePatch, here);
    }
    this.truncate(c.height);
    for (const t of c.results) this.push(STACK, t);
    return -1;
  }

  /**
   * Pops an i32 condition. Returns it as [kind, a, b]: kind is the internal
   * comparison name when the previous instruction was a comparison producing
   * it (which is then removed, to be fused into the branch), "nz" for a
   * plain value in slot a, "z" for `i32.eqz a`.
   */
  popCond(): [string, number, number, boolean] {
    const i = this.sp - 1;
    const cmpPos = this.lastCmp;
    if (cmpPos >= 0 && this.lastEntry === i && this.lastPos === cmpPos) {
      const code = this.out.a;
      const iop = code[cmpPos];
      const x = code[cmpPos + 2];
      const y = code[cmpPos + 3];
      this.unemit(cmpPos);
      this.truncate(i);
      if (iop === IOP["i32.eqz"]) return ["z", x, 0, false];
      const imm = iop >= IOP["i32.add_i"] && iop <= IOP["i32.ge_u_i"];
      return [CMP_OF.get(iop)!, x, y, imm];
    }
    return ["nz", this.popSrc(), 0, false];
  }

  /**
   * Emits a branch on a condition from {@linkcode popCond}, taken when the
   * condition is `when`. Returns the position of its target word.
   */
  emitBranch(cond: [string, number, number, boolean], when: boolean): number {
    const [kind, x, y, imm] = cond;
    if (kind === "nz" || kind === "z") {
      const onNonZero = (kind === "nz") === when;
      return this.emit(onNonZero ? IOP.br_if : IOP.br_unless, x, 0) + 2;
    }
    const cmp = when ? kind : CMP_NEG[kind];
    return this.emit(IOP[`br_${cmp}${imm ? "_i" : ""}`], x, y, 0) + 3;
  }

  /** The types a branch to label `depth` carries. */
  labelTypes(c: Ctrl): readonly ValType[] {
    return c.kind === LOOP ? c.params : c.results;
  }

  /** True when the values for label `c` are already in its slots. */
  inPlace(c: Ctrl): boolean {
    const n = this.labelTypes(c).length;
    if (c.kind === FUNC) return n === 0;
    let dst = c.base;
    for (let i = this.sp - n; i < this.sp; i++) {
      if (this.vKind[i] !== STACK || this.vOff[i] !== dst) return false;
      dst += slotWords(this.vType[i]);
    }
    return true;
  }

  /** Moves the label's values into its slots (or the results' slots for the function label). */
  emitLabelMoves(c: Ctrl): void {
    const types = this.labelTypes(c);
    const n = types.length;
    const first = this.sp - n;
    if (c.kind === FUNC) {
      // Results go to words 0.. of the frame, which may hold locals that
      // later moves read: materialise those reads first.
      let dst = 0;
      for (let i = first; i < this.sp; i++) {
        if (this.vKind[i] === LOCAL && i > first && this.vVal[i] < dst) this.materialize(i);
        dst += slotWords(this.vType[i]);
      }
    }
    let dst = c.kind === FUNC ? 0 : c.base;
    for (let i = first; i < this.sp; i++) {
      const t = this.vType[i];
      const k = this.vKind[i];
      if (k === CONST) {
        this.emit(IOP.const32, dst, this.vVal[i]);
      } else {
        const s = k === LOCAL ? this.vVal[i] : this.vOff[i];
        if (s !== dst) this.emit(this.movOp(t), dst, s);
      }
      dst += slotWords(t);
    }
  }

  /** An unconditional branch to relative label `depth`. */
  branchTo(depth: number): void {
    const c = this.ctrl[this.ctrl.length - 1 - depth];
    if (c.kind === FUNC) {
      this.emitReturn();
      return;
    }
    this.emitLabelMoves(c);
    this.emitJump(c, IOP.jmp);
  }

  emitJump(c: Ctrl, iop: number, ...operands: number[]): void {
    const pos = this.emit(iop, ...operands, c.kind === LOOP ? c.loopPc : 0);
    if (c.kind !== LOOP) c.patches.push(pos + 1 + operands.length);
  }

  emitReturn(): void {
    const top = this.sp - 1;
    if (this.results.length === 1 && this.lastDst >= 0 && this.lastEntry === top) {
      // The single result was just computed: compute it into the result slot.
      this.out.a[this.lastDst] = 0;
    } else {
      this.emitLabelMoves(this.ctrl[0]);
    }
    this.emit(IOP.ret);
  }

  lowerBrIf(depth: number): void {
    const cond = this.popCond();
    const c = this.ctrl[this.ctrl.length - 1 - depth];
    if (c.kind !== FUNC && this.inPlace(c)) {
      const at = this.emitBranch(cond, true);
      if (c.kind === LOOP) this.patch(at, c.loopPc);
      else c.patches.push(at);
      return;
    }
    // Values must move first: branch around the moves when not taken.
    const skip = this.emitBranch(cond, false);
    this.branchTo(depth);
    this.patch(skip, this.label());
  }

  lowerBrTable(ops: Int32Array, pc: number): void {
    const n = ops[pc + 1];
    const idx = this.popSrc();
    // The n + 1 target words are pushed one by one: spreading them into emit()
    // overflows the JS stack for a br_table of ~100k targets or more.
    const pos = this.emit(IOP.br_table, idx, n);
    for (let k = 0; k <= n; k++) this.out.push(0);
    const trampolines = new Map<number, number[]>();
    for (let k = 0; k <= n; k++) {
      const depth = ops[pc + 2 + k];
      const at = pos + 3 + k;
      const c = this.ctrl[this.ctrl.length - 1 - depth];
      if (c.kind !== FUNC && this.inPlace(c)) {
        if (c.kind === LOOP) this.patch(at, c.loopPc);
        else c.patches.push(at);
      } else {
        const list = trampolines.get(depth) ?? [];
        list.push(at);
        trampolines.set(depth, list);
      }
    }
    for (const [depth, ats] of trampolines) {
      const here = this.label();
      for (const at of ats) this.patch(at, here);
      this.branchTo(depth);
    }
  }
}

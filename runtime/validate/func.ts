/**
 * Function body validation: the instruction cases of the spec appendix's
 * validation algorithm over a decoded `Code` stream, on the stacks
 * and primitives of `stacks.ts`.
 *
 * Three layers, fastest first:
 *
 * - an inline loop in {@linkcode FuncValidator.validateFunc} that handles
 *   the commonest shapes (locals, constants, unary and binary operators,
 *   loads, stores, calls, value-typed blocks and branches) when their
 *   operands are exactly in place, keeping the stack pointer in a local;
 * - one generic path for every instruction with a fixed signature in the
 *   opcode table (check immediates, pop params, push results);
 * - a hand-written case each for the rest (control, variables, references,
 *   tables, calls, `select`).
 *
 * Anything unusual on the inline loop (an error, an `Unknown` operand, a
 * multi-value block) falls through to the exact paths, so every error comes
 * from them. `fast_path_test.ts` checks both agree.
 *
 * @module
 */

import { InvalidError } from "../errors.ts";
import type { Func } from "../module.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { BLOCK_EMPTY, isRef, refType, ValType, valTypeName } from "../types.ts";
import { type Context, invalid } from "./context.ts";
import {
  ADDR_TYPE,
  CHECK,
  Check,
  FAST,
  Fast,
  LANES,
  NATURAL_ALIGN,
  PARAM0,
  PARAM1,
  PARAM_COUNT,
  RESULT0,
  RESULT_COUNT,
  SIG,
  SIG_START,
  WORDS,
} from "./op_table.ts";
import { grown, mismatch, Stacks, typeName, UNKNOWN } from "./stacks.ts";

/** Most locals a function may declare (params included), as engines limit it. */
export const MAX_LOCALS = 50_000;

const I32: number = ValType.i32;
const I64: number = ValType.i64;
const NO_FAST = new Uint8Array(FAST.length);

// Opcode ids as module constants, for the switch in `special`.
const UNREACHABLE = Op.unreachable;
const BLOCK = Op.block;
const LOOP = Op.loop;
const IF = Op.if;
const ELSE = Op.else;
const END = Op.end;
const BR = Op.br;
const BR_IF = Op.br_if;
const BR_TABLE = Op.br_table;
const RETURN = Op.return;
const CALL = Op.call;
const CALL_INDIRECT = Op.call_indirect;
const DROP = Op.drop;
const SELECT = Op.select;
const SELECT_T = Op.select_t;
const LOCAL_GET = Op.local_get;
const LOCAL_SET = Op.local_set;
const LOCAL_TEE = Op.local_tee;
const GLOBAL_GET = Op.global_get;
const GLOBAL_SET = Op.global_set;
const TABLE_GET = Op.table_get;
const TABLE_SET = Op.table_set;
const REF_NULL = Op.ref_null;
const REF_IS_NULL = Op.ref_is_null;
const REF_FUNC = Op.ref_func;
const MEMORY_COPY = Op.memory_copy;
const TABLE_INIT = Op.table_init;
const TABLE_COPY = Op.table_copy;
const TABLE_GROW = Op.table_grow;
const TABLE_SIZE = Op.table_size;
const TABLE_FILL = Op.table_fill;

/** Index of the instruction starting at word `pc` (errors only: a walk from the start). */
function instrIndex(ops: Int32Array, pc: number): number {
  let i = 0;
  for (let p = 0; p < pc; p += instrWords(ops, p)) i++;
  return i;
}

/**
 * Validates function bodies of one module. Create one per module and call
 * {@linkcode FuncValidator.validateFunc} for each function: the stacks are
 * kept between calls.
 */
export class FuncValidator extends Stacks {
  /** Fast-path shape by opcode id: `FAST`, or all `SLOW`. */
  private readonly fast: Uint8Array;
  /** Types of the current function's locals, params first. */
  private locals = new Int32Array(256);
  private nlocals = 0;

  /**
   * Prepares to validate the bodies of the module described by `ctx`. With
   * `exactOnly`, every instruction takes the exact path (the inline fast
   * paths are off): for tests that check both paths agree.
   */
  constructor(ctx: Context, exactOnly = false) {
    super(ctx);
    this.fast = exactOnly ? NO_FAST : FAST;
  }

  /**
   * Validates the body of function `f` (whose type index the module
   * validator has checked). Throws {@linkcode InvalidError} carrying the byte
   * offset of the offending instruction.
   */
  validateFunc(f: Func): void {
    const ops = f.body.ops;
    const end = ops.length;
    let pc = 0;
    try {
      this.setupLocals(f);
      this.reset(f.type);
      // The hot loop keeps the operand stack in locals and handles the common
      // shapes inline, only when their operands are exactly there; anything
      // else (errors, UNKNOWN operands, multi-value blocks, …) takes the
      // exact path with the state written back. Each inline case advances pc
      // by its own constant where it can, off the critical load chain.
      let vals = this.vals;
      let sp = this.sp;
      let height = this.height;
      const locals = this.locals;
      const nlocals = this.nlocals;
      const { globalType: globals, funcTypes, typeParams, typeResults } = this.ctx;
      const fast = this.fast;
      // Module-level tables as locals: their loads then hoist out of the loop.
      const words = WORDS, param0 = PARAM0, param1 = PARAM1, result0 = RESULT0;
      while (pc < end) {
        const id = ops[pc];
        switch (fast[id]) {
          case Fast.LOCAL_GET: {
            const x = ops[pc + 1] >>> 0;
            if (x >= nlocals || sp === vals.length) break;
            vals[sp++] = locals[x];
            pc += 2;
            continue;
          }
          case Fast.PUSH:
            if (sp === vals.length) break;
            vals[sp++] = result0[id];
            pc += words[id];
            continue;
          case Fast.BINARY: {
            const t = param0[id];
            if (sp - 2 < height || vals[sp - 1] !== t || vals[sp - 2] !== t) break;
            vals[--sp - 1] = result0[id];
            pc++;
            continue;
          }
          case Fast.UNARY:
            if (sp === height || vals[sp - 1] !== param0[id]) break;
            vals[sp - 1] = result0[id];
            pc++;
            continue;
          case Fast.LOCAL_SET: {
            const x = ops[pc + 1] >>> 0;
            if (x >= nlocals || sp === height || vals[sp - 1] !== locals[x]) break;
            sp--;
            pc += 2;
            continue;
          }
          case Fast.LOCAL_TEE: {
            const x = ops[pc + 1] >>> 0;
            if (x >= nlocals || sp === height || vals[sp - 1] !== locals[x]) break;
            pc += 2;
            continue;
          }
          case Fast.LOAD:
            if (sp === height || vals[sp - 1] !== this.memarg(ops, pc, id)) break;
            vals[sp - 1] = result0[id];
            pc += 5;
            continue;
          case Fast.STORE:
            if (
              sp - 2 < height || vals[sp - 1] !== param1[id] ||
              vals[sp - 2] !== this.memarg(ops, pc, id)
            ) break;
            sp -= 2;
            pc += 5;
            continue;
          case Fast.GLOBAL_GET: {
            const x = ops[pc + 1] >>> 0;
            if (x >= globals.length || sp === vals.length) break;
            vals[sp++] = globals[x];
            pc += 2;
            continue;
          }
          case Fast.CALL: {
            const x = ops[pc + 1] >>> 0;
            if (x >= funcTypes.length) break;
            const params = typeParams[funcTypes[x]];
            const results = typeResults[funcTypes[x]];
            const base = sp - params.length;
            if (base < height || base + results.length > vals.length) break;
            let i = 0;
            while (i < params.length && vals[base + i] === params[i]) i++;
            if (i < params.length) break;
            for (i = 0; i < results.length; i++) vals[base + i] = results[i];
            sp = base + results.length;
            pc += 2;
            continue;
          }
          case Fast.BLOCK: {
            // Value block types have no params: the frame starts at sp.
            const bt = ops[pc + 1];
            const c = this.csp;
            if (bt >= 0 || c === this.ctrlKind.length) break;
            this.ctrlKind[c] = id;
            this.ctrlType[c] = bt;
            this.ctrlHeight[c] = sp;
            this.ctrlUnreachable[c] = 0;
            this.csp = c + 1;
            this.unreach = false;
            this.height = height = sp;
            pc += 2;
            continue;
          }
          case Fast.END: {
            // pop_ctrl of a block (not the function, not an `if` that needs its
            // implicit else) when exactly its end types are left.
            const c = this.csp - 1;
            const bt = this.ctrlType[c];
            if (this.ctrlKind[c] === IF || bt >= 0) break;
            if (bt === BLOCK_EMPTY ? sp !== height : sp !== height + 1 || vals[sp - 1] !== ~bt) {
              break;
            }
            this.csp = c;
            this.height = height = this.ctrlHeight[c - 1];
            this.unreach = this.ctrlUnreachable[c - 1] === 1;
            pc++;
            continue;
          }
          case Fast.BR_IF: {
            // To a label of a value block type: none for a loop, else 0 or 1 value.
            const depth = ops[pc + 1] >>> 0;
            if (depth >= this.csp || sp === height || vals[sp - 1] !== I32) break;
            const frame = this.csp - 1 - depth;
            const bt = this.ctrlType[frame];
            if (bt >= 0) break;
            if (this.ctrlKind[frame] !== LOOP && bt !== BLOCK_EMPTY) {
              if (sp - 1 === height || vals[sp - 2] !== ~bt) break;
            }
            sp--;
            pc += 2;
            continue;
          }
          case Fast.BR: {
            const depth = ops[pc + 1] >>> 0;
            if (depth >= this.csp) break;
            const frame = this.csp - 1 - depth;
            const bt = this.ctrlType[frame];
            if (bt >= 0) break;
            if (this.ctrlKind[frame] !== LOOP && bt !== BLOCK_EMPTY) {
              if (sp === height || vals[sp - 1] !== ~bt) break;
            }
            sp = height; // unreachable()
            this.unreach = true;
            this.ctrlUnreachable[this.csp - 1] = 1;
            pc += 2;
            continue;
          }
        }
        // The exact path.
        this.sp = sp;
        pc = CHECK[id] !== Check.SPECIAL ? this.generic(ops, pc, id) : this.special(ops, pc, id);
        if (this.csp === 0) break; // the function's own `end`
        vals = this.vals;
        sp = this.sp;
        height = this.height;
      }
      if (this.csp !== 0) invalid("unexpected end of function body");
      if (pc !== end) invalid("operators remaining after end of function");
    } catch (e) {
      // Helpers throw without an offset; the instruction at pc has one.
      if (e instanceof InvalidError && e.offset < 0) {
        const offsets = f.body.offsets;
        const instr = instrIndex(ops, pc);
        // Offset 0 means unknown (code built from text): no instruction of a
        // binary starts at byte 0, where the magic number is.
        const at = instr < offsets.length && offsets[instr] > 0 ? offsets[instr] : -1;
        throw new InvalidError(e.message, at);
      }
      throw e;
    }
  }

  private setupLocals(f: Func): void {
    const params = this.ctx.typeParams[f.type];
    let n = params.length;
    for (const g of f.locals) n += g.count;
    if (n > MAX_LOCALS) invalid("too many locals");
    if (n > this.locals.length) this.locals = grown(this.locals, n);
    const locals = this.locals;
    let i = 0;
    for (; i < params.length; i++) locals[i] = params[i];
    for (const g of f.locals) {
      locals.fill(g.type, i, i + g.count);
      i += g.count;
    }
    this.nlocals = n;
  }

  // ---- index spaces ----------------------------------------------------------

  private memory(index: number): number {
    const mems = this.ctx.memAddr;
    if (index >>> 0 >= mems.length) invalid(`unknown memory ${index >>> 0}`);
    return mems[index];
  }

  private table(index: number): number {
    if (index >>> 0 >= this.ctx.tableElem.length) invalid(`unknown table ${index >>> 0}`);
    return index;
  }

  private funcType(index: number): number {
    if (index >>> 0 >= this.ctx.funcTypes.length) invalid(`unknown function ${index >>> 0}`);
    return this.ctx.funcTypes[index];
  }

  private localType(index: number): number {
    if (index >>> 0 >= this.nlocals) invalid(`unknown local ${index >>> 0}`);
    return this.locals[index];
  }

  private globalType(index: number): number {
    if (index >>> 0 >= this.ctx.globalType.length) invalid(`unknown global ${index >>> 0}`);
    return this.ctx.globalType[index];
  }

  private data(index: number): void {
    if (index >>> 0 >= this.ctx.dataCount) invalid(`unknown data segment ${index >>> 0}`);
  }

  private elem(index: number): number {
    if (index >>> 0 >= this.ctx.elemType.length) invalid(`unknown elem segment ${index >>> 0}`);
    return this.ctx.elemType[index];
  }

  /** Checks a memarg (memory, alignment, offset range); returns the address type. */
  private memarg(ops: Int32Array, pc: number, id: number): number {
    const addr = this.memory(ops[pc + 2]);
    if (ops[pc + 1] >>> 0 > NATURAL_ALIGN[id]) {
      invalid("alignment must not be larger than natural");
    }
    if (addr === I32 && ops[pc + 4] !== 0) invalid("offset out of range");
    return addr;
  }

  // ---- instructions ----------------------------------------------------------

  /** Instructions with a signature in the opcode table: immediates, then pop and push. */
  private generic(ops: Int32Array, pc: number, id: number): number {
    let addr = I32;
    switch (CHECK[id]) {
      case Check.NONE:
        break;
      case Check.MEMARG:
        addr = this.memarg(ops, pc, id);
        break;
      case Check.MEMARG_LANE:
        addr = this.memarg(ops, pc, id);
        if (ops[pc + 5] >>> 0 >= LANES[id]) invalid("invalid lane index");
        break;
      case Check.LANE:
        if (ops[pc + 1] >>> 0 >= LANES[id]) invalid("invalid lane index");
        break;
      case Check.SHUFFLE:
        // 16 lane bytes packed four to a word; each must be below 32.
        for (let k = 1; k <= 4; k++) {
          if ((ops[pc + k] & 0xe0e0e0e0) !== 0) invalid("invalid lane index");
        }
        break;
      case Check.MEMORY:
        addr = this.memory(ops[pc + 1]);
        break;
      case Check.MEMORY_INIT:
        addr = this.memory(ops[pc + 2]);
        this.data(ops[pc + 1]);
        break;
      case Check.DATA:
        this.data(ops[pc + 1]);
        break;
      case Check.ELEM:
        this.elem(ops[pc + 1]);
        break;
    }
    const start = SIG_START[id];
    const mid = start + PARAM_COUNT[id];
    for (let k = mid - 1; k >= start; k--) {
      const t = SIG[k];
      this.popExpect(t === ADDR_TYPE ? addr : t);
    }
    const stop = mid + RESULT_COUNT[id];
    for (let k = mid; k < stop; k++) {
      const t = SIG[k];
      this.pushOperand(t === ADDR_TYPE ? addr : t);
    }
    return pc + WORDS[id];
  }

  /** The hand-typed instructions; returns the next pc. */
  private special(ops: Int32Array, pc: number, id: number): number {
    const ctx = this.ctx;
    switch (id) {
      case LOCAL_GET:
        this.pushOperand(this.localType(ops[pc + 1]));
        return pc + 2;
      case LOCAL_SET:
        this.popExpect(this.localType(ops[pc + 1]));
        return pc + 2;
      case LOCAL_TEE: {
        const t = this.localType(ops[pc + 1]);
        this.popExpect(t);
        this.pushOperand(t);
        return pc + 2;
      }
      case GLOBAL_GET:
        this.pushOperand(this.globalType(ops[pc + 1]));
        return pc + 2;
      case GLOBAL_SET: {
        const t = this.globalType(ops[pc + 1]);
        if (ctx.globalMut[ops[pc + 1]] === 0) invalid("global is immutable");
        this.popExpect(t);
        return pc + 2;
      }
      case END: {
        const c = this.csp - 1;
        const kind = this.ctrlKind[c];
        const bt = this.ctrlType[c];
        this.popCtrl();
        // An `if` without `else` has an empty else branch, typed like one.
        if (kind === IF) {
          this.pushCtrl(ELSE, bt);
          this.popCtrl();
        }
        this.pushResults(bt);
        return pc + 1;
      }
      case BLOCK:
      case LOOP: {
        const bt = ops[pc + 1];
        this.checkBlockType(bt);
        this.popTypes(this.startTypes(bt));
        this.pushCtrl(id, bt);
        return pc + 2;
      }
      case IF: {
        const bt = ops[pc + 1];
        this.checkBlockType(bt);
        this.popExpect(I32);
        this.popTypes(this.startTypes(bt));
        this.pushCtrl(IF, bt);
        return pc + 2;
      }
      case ELSE: {
        const c = this.csp - 1;
        if (this.ctrlKind[c] !== IF) invalid("else without matching if");
        const bt = this.ctrlType[c];
        this.popCtrl();
        this.pushCtrl(ELSE, bt);
        return pc + 1;
      }
      case BR:
        this.popLabel(this.label(ops[pc + 1]));
        this.unreachable();
        return pc + 2;
      case BR_IF: {
        const frame = this.label(ops[pc + 1]);
        this.popExpect(I32);
        this.popLabel(frame);
        this.pushLabel(frame);
        return pc + 2;
      }
      case BR_TABLE:
        return this.brTable(ops, pc);
      case RETURN:
        this.popResults(this.ctrlType[0]);
        this.unreachable();
        return pc + 1;
      case CALL: {
        const t = this.funcType(ops[pc + 1]);
        this.popTypes(ctx.typeParams[t]);
        this.pushTypes(ctx.typeResults[t]);
        return pc + 2;
      }
      case CALL_INDIRECT: {
        const t = ops[pc + 1];
        const table = this.table(ops[pc + 2]);
        this.checkFuncTypeIndex(t);
        if (ctx.tableElem[table] !== ValType.funcref) {
          invalid(`type mismatch: call_indirect on table of ${valTypeName(ctx.tableElem[table])}`);
        }
        this.popExpect(ctx.tableAddr[table]);
        this.popTypes(ctx.typeParams[t]);
        this.pushTypes(ctx.typeResults[t]);
        return pc + 3;
      }
      case DROP:
        this.popOperand();
        return pc + 1;
      case SELECT:
        this.select();
        return pc + 1;
      case SELECT_T: {
        if (ops[pc + 1] !== 1) invalid("invalid result arity");
        const t = ops[pc + 2];
        this.popExpect(I32);
        this.popExpect(t);
        this.popExpect(t);
        this.pushOperand(t);
        return pc + 3;
      }
      case UNREACHABLE:
        this.unreachable();
        return pc + 1;
      case REF_NULL: {
        const ht = ops[pc + 1];
        if (ht >= ctx.isFuncType.length) invalid(`unknown type ${ht}`);
        this.pushOperand(refType(ht, true));
        return pc + 2;
      }
      case REF_IS_NULL: {
        const t = this.popOperand();
        if (t !== UNKNOWN && !isRef(t)) {
          invalid(`type mismatch: expected a reference, got ${typeName(t)}`);
        }
        this.pushOperand(I32);
        return pc + 1;
      }
      case REF_FUNC: {
        const f = ops[pc + 1];
        this.funcType(f);
        if (ctx.refs[f] === 0) invalid(`undeclared function reference ${f}`);
        this.pushOperand(ValType.funcref);
        return pc + 2;
      }
      case TABLE_GET: {
        const x = this.table(ops[pc + 1]);
        this.popExpect(ctx.tableAddr[x]);
        this.pushOperand(ctx.tableElem[x]);
        return pc + 2;
      }
      case TABLE_SET: {
        const x = this.table(ops[pc + 1]);
        this.popExpect(ctx.tableElem[x]);
        this.popExpect(ctx.tableAddr[x]);
        return pc + 2;
      }
      case TABLE_SIZE:
        this.pushOperand(ctx.tableAddr[this.table(ops[pc + 1])]);
        return pc + 2;
      case TABLE_GROW: {
        const x = this.table(ops[pc + 1]);
        this.popExpect(ctx.tableAddr[x]);
        this.popExpect(ctx.tableElem[x]);
        this.pushOperand(ctx.tableAddr[x]);
        return pc + 2;
      }
      case TABLE_FILL: {
        const x = this.table(ops[pc + 1]);
        this.popExpect(ctx.tableAddr[x]);
        this.popExpect(ctx.tableElem[x]);
        this.popExpect(ctx.tableAddr[x]);
        return pc + 2;
      }
      case TABLE_COPY: {
        const dst = this.table(ops[pc + 1]);
        const src = this.table(ops[pc + 2]);
        if (ctx.tableElem[src] !== ctx.tableElem[dst]) {
          invalid("type mismatch: table.copy between tables of different types");
        }
        const dstAddr = ctx.tableAddr[dst];
        const srcAddr = ctx.tableAddr[src];
        this.popExpect(dstAddr === I64 && srcAddr === I64 ? I64 : I32);
        this.popExpect(srcAddr);
        this.popExpect(dstAddr);
        return pc + 3;
      }
      case TABLE_INIT: {
        const x = this.table(ops[pc + 2]);
        const t = this.elem(ops[pc + 1]);
        if (t !== ctx.tableElem[x]) {
          invalid("type mismatch: table.init of a segment of another type");
        }
        this.popExpect(I32);
        this.popExpect(I32);
        this.popExpect(ctx.tableAddr[x]);
        return pc + 3;
      }
      case MEMORY_COPY: {
        const dstAddr = this.memory(ops[pc + 1]);
        const srcAddr = this.memory(ops[pc + 2]);
        this.popExpect(dstAddr === I64 && srcAddr === I64 ? I64 : I32);
        this.popExpect(srcAddr);
        this.popExpect(dstAddr);
        return pc + 3;
      }
    }
    return invalid(`unsupported instruction ${OPS[id].name}`);
  }

  /** Untyped `select`: both operands numeric or vector, and of one type. */
  private select(): void {
    this.popExpect(I32);
    const t1 = this.popOperand();
    const t2 = this.popOperand();
    if (isRef(t1) || isRef(t2)) invalid("type mismatch: select without a type on references");
    if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) mismatch(t1, t2);
    this.pushOperand(t1 === UNKNOWN ? t2 : t1);
  }

  private brTable(ops: Int32Array, pc: number): number {
    const n = ops[pc + 1];
    this.popExpect(I32);
    const dflt = this.label(ops[pc + 2 + n]);
    const arity = this.labelArity(dflt);
    for (let k = 0; k < n; k++) {
      const frame = this.label(ops[pc + 2 + k]);
      if (this.labelArity(frame) !== arity) {
        invalid("type mismatch: br_table targets of different arity");
      }
      this.peekLabel(frame);
    }
    this.popLabel(dflt);
    this.unreachable();
    return pc + 3 + n;
  }
}

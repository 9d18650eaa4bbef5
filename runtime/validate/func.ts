/**
 * Function body validation: the instruction cases of the spec appendix's
 * validation algorithm over a decoded `Code` stream, on the stacks
 * and primitives of `stacks.ts`.
 *
 * Three layers, fastest first:
 *
 * - an inline loop in {@linkcode FuncValidator.validateFunc} that handles
 *   the commonest shapes (locals, constants, unary and binary operators,
 *   loads, stores, `select`; then calls, value-typed blocks, branches,
 *   `return`, the function's `end`) when their operands are exactly in
 *   place, keeping both stacks' state in locals — over 99% of the
 *   instructions of compiled code;
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
  INLINE,
  LANES,
  NATURAL_ALIGN,
  PARAM_COUNT,
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
const V128: number = ValType.v128;
const NO_INLINE = new Int32Array(INLINE.length);

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
  /** The inline loop's view of each opcode: `INLINE`, or all `Fast.SLOW`. */
  private readonly inline: Int32Array;
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
    this.inline = exactOnly ? NO_INLINE : INLINE;
  }

  /**
   * Validates the body of function `f` (whose type index the module
   * validator has checked). Throws {@linkcode InvalidError} carrying the byte
   * offset of the offending instruction.
   */
  validateFunc(f: Func): void {
    const ops = f.body.ops;
    const end = ops.length | 0;
    let pc = 0;
    try {
      this.setupLocals(f);
      this.reset(f.type);
      // The hot loop keeps the stacks' state in locals and handles the common
      // shapes inline, only when their operands are exactly there; anything
      // else (errors, UNKNOWN operands, multi-value blocks, …) takes the
      // exact path with the state written back. Each inline case advances pc
      // by its own constant where it can, off the critical load chain.
      //
      // Written for V8's optimizing compiler, as measured: integers read from
      // fields or returned by calls are `| 0`'d so that the loop variables
      // stay untagged int32s; module-level constants used in the loops are
      // copied to locals (each use of one is otherwise a memory load and a
      // type check); shapes are matched as literals, so the switches compile
      // to jump tables rather than chains of such loads.
      let vals = this.vals;
      let sp = this.sp | 0;
      let height = this.height | 0;
      let csp = this.csp | 0;
      let ctrlKind = this.ctrlKind;
      let ctrlType = this.ctrlType;
      let ctrlHeight = this.ctrlHeight;
      let ctrlUnreachable = this.ctrlUnreachable;
      const locals = this.locals;
      const nlocals = this.nlocals | 0;
      const { globalType: globals, funcTypes, typeParams, typeResults, memAddr } = this.ctx;
      // Inline loads and stores are those on memory 0 (of this address type;
      // -1, which no operand has, when there is none). A 32-bit memory needs
      // the offset's high word zero.
      const mem0 = memAddr.length > 0 ? memAddr[0] : -1;
      const offsetHigh = mem0 === I32 ? -1 : 0;
      const inline = this.inline;
      const i32 = I32, v128 = V128, ifOp = IF, loopOp = LOOP, blockEmpty = BLOCK_EMPTY;
      body: for (;;) {
        let id = 0;
        // Straight-line instructions in a loop of their own, kept small (no
        // calls, no control) and reading one packed word of `INLINE` per
        // instruction; control instructions below, then the exact path.
        straight: while (pc < end) {
          id = ops[pc];
          const info = inline[id];
          const shape = info & 31;
          // The three commonest shapes (seven instructions in ten) are
          // tested first: measurably faster than letting the switch dispatch
          // them.
          if (shape === 4 /* Fast.LOCAL_GET */) {
            const x = ops[pc + 1] >>> 0;
            if (x >= nlocals || sp === vals.length) break;
            vals[sp++] = locals[x];
            pc += 2;
            continue;
          }
          if (shape === 1 /* Fast.PUSH */) {
            if (sp === vals.length) break;
            vals[sp++] = info >> 21;
            pc += (info >> 5) & 15;
            continue;
          }
          if (shape === 3 /* Fast.BINARY */) {
            const t = (info >> 13) & 0xff;
            if (sp - 2 < height || vals[sp - 1] !== t || vals[sp - 2] !== t) break;
            vals[--sp - 1] = info >> 21;
            pc++;
            continue;
          }
          switch (shape) {
            case 2 /* Fast.UNARY */:
              if (sp === height || vals[sp - 1] !== ((info >> 13) & 0xff)) break;
              vals[sp - 1] = info >> 21;
              pc++;
              continue straight;
            case 5 /* Fast.LOCAL_SET */: {
              const x = ops[pc + 1] >>> 0;
              if (x >= nlocals || sp === height || vals[sp - 1] !== locals[x]) break;
              sp--;
              pc += 2;
              continue straight;
            }
            case 6 /* Fast.LOCAL_TEE */: {
              const x = ops[pc + 1] >>> 0;
              if (x >= nlocals || sp === height || vals[sp - 1] !== locals[x]) break;
              pc += 2;
              continue straight;
            }
            case 7 /* Fast.LOAD */:
              // memarg: memory 0, alignment at most natural, offset in range.
              if (
                ops[pc + 2] !== 0 || ops[pc + 1] >>> 0 > ((info >> 9) & 15) ||
                (ops[pc + 4] & offsetHigh) !== 0 || sp === height || vals[sp - 1] !== mem0
              ) break;
              vals[sp - 1] = info >> 21;
              pc += 5;
              continue straight;
            case 8 /* Fast.STORE */:
              if (
                ops[pc + 2] !== 0 || ops[pc + 1] >>> 0 > ((info >> 9) & 15) ||
                (ops[pc + 4] & offsetHigh) !== 0 || sp - 2 < height ||
                vals[sp - 1] !== ((info >> 13) & 0xff) || vals[sp - 2] !== mem0
              ) break;
              sp -= 2;
              pc += 5;
              continue straight;
            case 15 /* Fast.SELECT */: {
              // Two operands of one numeric or vector type, then an i32; the
              // first operand stays as the result.
              const t = vals[sp - 2];
              if (sp - 3 < height || vals[sp - 1] !== i32 || vals[sp - 3] !== t) break;
              if (t < v128 || t > i32) break;
              sp -= 2;
              pc++;
              continue straight;
            }
          }
          break;
        }
        if (pc >= end) break;
        switch (inline[id] & 31) {
          case 14 /* Fast.GLOBAL_GET */: {
            const x = ops[pc + 1] >>> 0;
            if (x >= globals.length || sp === vals.length) break;
            vals[sp++] = globals[x];
            pc += 2;
            continue;
          }
          case 13 /* Fast.CALL */: {
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
          case 10 /* Fast.BLOCK */: {
            // Value block types have no params: the frame starts at sp.
            const bt = ops[pc + 1];
            if (bt >= 0 || csp === ctrlKind.length) break;
            ctrlKind[csp] = id;
            ctrlType[csp] = bt;
            ctrlHeight[csp] = sp;
            ctrlUnreachable[csp] = 0;
            csp++;
            height = sp;
            pc += 2;
            continue;
          }
          case 9 /* Fast.END */: {
            // pop_ctrl when exactly the frame's end types are left: of the
            // function (then done), or of a block of a value block type that
            // is not an `if` (which needs its implicit else).
            const c = csp - 1;
            const bt = ctrlType[c];
            if (c === 0) {
              const results = typeResults[bt];
              if (sp - height !== results.length) break;
              let i = 0;
              while (i < results.length && vals[height + i] === results[i]) i++;
              if (i < results.length) break;
              csp = 0;
              pc++;
              break body;
            }
            if (ctrlKind[c] === ifOp || bt >= 0) break;
            if (bt === blockEmpty ? sp !== height : sp !== height + 1 || vals[sp - 1] !== ~bt) {
              break;
            }
            csp = c;
            height = ctrlHeight[c - 1];
            pc++;
            continue;
          }
          case 12 /* Fast.BR_IF */: {
            // To a label of a value block type: none for a loop, else 0 or 1 value.
            const depth = ops[pc + 1] >>> 0;
            if (depth >= csp || sp === height || vals[sp - 1] !== i32) break;
            const frame = csp - 1 - depth;
            const bt = ctrlType[frame];
            if (bt >= 0) break;
            if (ctrlKind[frame] !== loopOp && bt !== blockEmpty) {
              if (sp - 1 === height || vals[sp - 2] !== ~bt) break;
            }
            sp--;
            pc += 2;
            continue;
          }
          case 16 /* Fast.RETURN */: {
            // The function's results on top of the stack.
            const results = typeResults[ctrlType[0]];
            const base = sp - results.length;
            if (base < height) break;
            let i = 0;
            while (i < results.length && vals[base + i] === results[i]) i++;
            if (i < results.length) break;
            sp = height; // unreachable()
            ctrlUnreachable[csp - 1] = 1;
            pc++;
            continue;
          }
          case 11 /* Fast.BR */: {
            const depth = ops[pc + 1] >>> 0;
            if (depth >= csp) break;
            const frame = csp - 1 - depth;
            const bt = ctrlType[frame];
            if (bt >= 0) break;
            if (ctrlKind[frame] !== loopOp && bt !== blockEmpty) {
              if (sp === height || vals[sp - 1] !== ~bt) break;
            }
            sp = height; // unreachable()
            ctrlUnreachable[csp - 1] = 1;
            pc += 2;
            continue;
          }
        }
        // The exact path, with the state written back. (`unreach` caches the
        // innermost frame's flag, which the inline cases keep up to date.)
        this.sp = sp;
        this.csp = csp;
        this.height = height;
        this.unreach = ctrlUnreachable[csp - 1] === 1;
        pc = (CHECK[id] !== Check.SPECIAL ? this.generic(ops, pc, id) : this.special(ops, pc, id)) |
          0;
        csp = this.csp | 0;
        if (csp === 0) break; // the function's own `end`
        vals = this.vals;
        sp = this.sp | 0;
        height = this.height | 0;
        ctrlKind = this.ctrlKind;
        ctrlType = this.ctrlType;
        ctrlHeight = this.ctrlHeight;
        ctrlUnreachable = this.ctrlUnreachable;
      }
      this.csp = csp;
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
    // Plain indexed loops: this runs once per function, and `for … of` or
    // `fill` calls cost more than the few locals most functions declare.
    const params = this.ctx.typeParams[f.type];
    const groups = f.locals;
    const np = params.length;
    let n = np;
    for (let g = 0; g < groups.length; g++) n += groups[g].count;
    if (n > MAX_LOCALS) invalid("too many locals");
    if (n > this.locals.length) this.locals = grown(this.locals, n);
    const locals = this.locals;
    let i = 0;
    for (; i < np; i++) locals[i] = params[i];
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      const t = group.type;
      for (const stop = i + group.count; i < stop; i++) locals[i] = t;
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

/**
 * Instructions: plain (`i32.add`, `block … end`) and folded
 * (`(i32.add (local.get 0) (i32.const 1))`, `(if (then …) (else …))`), into
 * a {@linkcode Code} stream.
 *
 * Table-driven: a mnemonic token already carries its opcode id (keywords
 * share ids with `runtime/opcodes.ts`), and the immediates are read per
 * immediate *shape* (`OpInfo.imm`), never per opcode. Immediates go to a
 * small stack first and are written after the operands, because a folded
 * instruction's immediates precede its operands in the text but follow them
 * in the stream; plain instructions take the same path.
 *
 * Labels are a stack of symbols (innermost last), locals a symbol map reset
 * per function.
 *
 * @module
 */

import { CodeBuilder } from "../code.ts";
import type { Code } from "../module.ts";
import { Op, OPS } from "../opcodes.ts";
import { type Cursor, memargValueStart } from "./cursor.ts";
import { KW } from "./keywords.ts";
import { Tok } from "./lexer.ts";
import { nat32, numShape, Shape } from "./literals.ts";
import { blockType, heapType, type ModuleContext, typeUse, valType } from "./resolve.ts";
import { countNumbers, v128Literal } from "./v128.ts";

// Immediate shapes as small integers, so the hot switch compares Smis.
const IMM = {
  none: 0,
  block: 1,
  label: 2,
  br_table: 3,
  func: 4,
  call_indirect: 5,
  local: 6,
  global: 7,
  table: 8,
  memory: 9,
  memarg: 10,
  memarg_lane: 11,
  i32: 12,
  i64: 13,
  f32: 14,
  f64: 15,
  v128: 16,
  shuffle: 17,
  lane: 18,
  select_t: 19,
  heaptype: 20,
  memory_init: 21,
  data: 22,
  memory_copy: 23,
  table_init: 24,
  elem: 25,
  table_copy: 26,
} as const;
const IMM_OF = new Uint8Array(OPS.length);
for (const op of OPS) IMM_OF[op.id] = IMM[op.imm === "" ? "none" : op.imm];

/**
 * log2 of the natural alignment of each memory instruction, from its
 * mnemonic: `v128.load8x8_s` reads 8×8 bits, `i64.load32_u` 32 bits,
 * `v128.load16_lane` 16 bits, plain loads and stores their type's width.
 */
const NATURAL_ALIGN = new Uint8Array(OPS.length);
for (const op of OPS) {
  if (op.imm !== "memarg" && op.imm !== "memarg_lane") continue;
  const packed = /(?:load|store)(\d+)(?:x(\d+))?/.exec(op.name);
  const bits = packed
    ? Number(packed[1]) * (packed[2] ? Number(packed[2]) : 1)
    : { i32: 32, f32: 32, i64: 64, f64: 64, v128: 128 }[op.name.slice(0, op.name.indexOf("."))]!;
  NATURAL_ALIGN[op.id] = Math.log2(bits / 8);
}

// Frames of open constructs (see `#seq`).
/** `block`/`loop` … `end` */
const F_PLAIN = 0;
/** `if` … before `else` */
const F_PLAIN_IF = 1;
/** `if` … after `else` */
const F_PLAIN_ELSE = 2;
/** `(op imm* folded*)`: a = opcode, b = its immediates' mark on the stack */
const F_OP = 3;
/** `(block …)`, `(loop …)` */
const F_BLOCK = 4;
/** `(if label bt folded*` before `(then`: a = label, b = block type */
const F_IF_COND = 5;
/** inside `(then …)` */
const F_THEN = 6;
/** after `(then …)`: `(else …)` or `)` next */
const F_IF_ARMS = 7;
/** inside `(else …)` */
const F_ELSE = 8;
/** after `(else …)`: `)` next */
const F_IF_DONE = 9;

/** Parses instruction sequences of one module, reusing its buffers across functions. */
export class BodyParser {
  readonly #c: Cursor;
  readonly #ctx: ModuleContext;
  readonly #b = new CodeBuilder(256);
  readonly #locals = new Map<number, number>();
  #localCount = 0;
  #labels = new Int32Array(32);
  #depth = 0;
  #imm = new Int32Array(64);
  #immTop = 0;
  readonly #v128 = new DataView(new ArrayBuffer(16));
  // Open constructs: kind (F_*), and two words whose meaning depends on it.
  #fk = new Int32Array(32);
  #fa = new Int32Array(32);
  #fb = new Int32Array(32);
  #top = 0;
  /** Set once a body uses `memory.init` or `data.drop`: the binary then needs a data count. */
  usesDataCount = false;

  /** A parser reading from `c` and resolving names in `ctx`. */
  constructor(c: Cursor, ctx: ModuleContext) {
    this.#c = c;
    this.#ctx = ctx;
  }

  /** Starts a function: forgets the previous one's locals. */
  beginFunc(): void {
    this.#locals.clear();
    this.#localCount = 0;
  }

  /** Declares the next local (parameters first); `sym` -1 when unnamed. */
  addLocal(sym: number, tok: number): number {
    const index = this.#localCount++;
    if (sym >= 0) {
      if (this.#locals.has(sym)) {
        this.#c.fail(`duplicate local ${this.#c.toks.symbols.text(sym)}`, tok);
      }
      this.#locals.set(sym, index);
    }
    return index;
  }

  /** Parses a function body up to its `)`, adding the final `end`. */
  body(): Code {
    this.#begin();
    this.#seq(false);
    if (!this.#c.atRParen()) this.#c.unexpected();
    this.#b.op(Op.end);
    return this.#b.finish();
  }

  /** Parses a constant expression (instructions up to `)`), adding `end`. */
  expr(): Code {
    this.beginFunc();
    return this.body();
  }

  /** Parses a single folded instruction as an expression (`(i32.const 0)` as an offset). */
  foldedExpr(): Code {
    this.beginFunc();
    this.#begin();
    if (!this.#c.atLParen()) this.#c.unexpected();
    this.#seq(true);
    this.#b.op(Op.end);
    return this.#b.finish();
  }

  #begin(): void {
    this.#b.reset();
    this.#depth = 0;
    this.#top = 0;
    this.#pushLabel(-1); // the function's own label
  }

  // ---- sequences and blocks ---------------------------------------------------
  //
  // One loop with an explicit stack of open constructs (frames), rather than
  // recursion, so that nesting depth is bounded by memory, not by the JS
  // stack: machine-written text nests thousands of blocks (a large `switch`).

  /**
   * Instructions until a `)`, `end` or `else` that closes nothing opened
   * here (left for the caller); with `single`, exactly one folded
   * instruction.
   */
  #seq(single: boolean): void {
    const c = this.#c;
    const count = c.toks.count;
    const base = this.#top;
    for (;;) {
      const top = this.#top > base ? this.#fk[this.#top - 1] : -1;
      const p = c.pos;
      if (p >= count) {
        if (top < 0) return;
        c.unexpected(p);
      }
      const k = c.kind[p];
      if (k === Tok.lparen) {
        if (top === F_IF_COND && c.isKw(p + 1, KW.then)) {
          c.pos = p + 2;
          this.#b.op(Op.if);
          this.#b.word(this.#fb[this.#top - 1]);
          this.#pushLabel(this.#fa[this.#top - 1]);
          this.#fk[this.#top - 1] = F_THEN;
        } else if (top === F_IF_ARMS) {
          if (!c.isKw(p + 1, Op.else)) c.unexpected(p);
          c.pos = p + 2;
          this.#b.op(Op.else);
          this.#fk[this.#top - 1] = F_ELSE;
        } else {
          if (top === F_IF_DONE) c.unexpected(p);
          this.#openFolded();
        }
        continue;
      }
      if (k === Tok.rparen) {
        if (top < 0) return;
        switch (top) {
          case F_OP:
            this.#emit(this.#fa[this.#top - 1], this.#fb[this.#top - 1]);
            break;
          case F_BLOCK:
          case F_IF_ARMS:
          case F_IF_DONE:
            this.#b.op(Op.end);
            this.#depth--;
            break;
          case F_THEN:
            c.pos = p + 1;
            this.#fk[this.#top - 1] = F_IF_ARMS;
            continue;
          case F_ELSE:
            c.pos = p + 1;
            this.#fk[this.#top - 1] = F_IF_DONE;
            continue;
          default: // a plain block without `end`, or an `if` without `then`
            c.unexpected(p);
        }
        c.pos = p + 1;
        this.#top--;
        if (single && this.#top === base) return;
        continue;
      }
      // A plain instruction, or `end`/`else` of a plain block.
      if (top >= F_OP && top !== F_BLOCK && top !== F_THEN && top !== F_ELSE) c.unexpected(p);
      if (k !== Tok.atom) {
        if (top < 0) return;
        c.unexpected(p);
      }
      const id = c.value[p];
      if (id === Op.end || id === Op.else) {
        if (top !== F_PLAIN && top !== F_PLAIN_IF && top !== F_PLAIN_ELSE) {
          if (top < 0) return;
          c.unexpected(p);
        }
        if (id === Op.else && top !== F_PLAIN_IF) c.unexpected(p);
        c.pos = p + 1;
        this.#closingLabel(this.#labels[this.#depth - 1]);
        this.#b.op(id);
        if (id === Op.else) {
          this.#fk[this.#top - 1] = F_PLAIN_ELSE;
        } else {
          this.#depth--;
          this.#top--;
        }
        continue;
      }
      if (id < 0 || id >= OPS.length) c.unexpected(p);
      c.pos = p + 1;
      if (id === Op.block || id === Op.loop || id === Op.if) {
        // `block|loop|if label? bt instr* (else id? instr*)? end id?`
        const label = c.optId();
        this.#b.op(id);
        this.#b.word(blockType(c, this.#ctx));
        this.#pushLabel(label);
        this.#pushFrame(id === Op.if ? F_PLAIN_IF : F_PLAIN, 0, 0);
        continue;
      }
      const mark = this.#immTop;
      this.#emit(this.#immediates(id), mark);
    }
  }

  /**
   * Opens a folded instruction at `(`: `(block|loop label? bt …)`,
   * `(if label? bt folded* (then …) (else …)?)`, or `(op imm* folded*)`,
   * whose immediates wait on the stack until its operands are written.
   */
  #openFolded(): void {
    const c = this.#c;
    const p = c.pos;
    const id = c.kwAt(p + 1);
    if (id < 0 || id >= OPS.length || id === Op.end || id === Op.else) c.unexpected(p + 1);
    c.pos = p + 2;
    if (id === Op.block || id === Op.loop) {
      const label = c.optId();
      this.#b.op(id);
      this.#b.word(blockType(c, this.#ctx));
      this.#pushLabel(label);
      this.#pushFrame(F_BLOCK, 0, 0);
    } else if (id === Op.if) {
      // The label is bound from `(then` on: the condition is outside the `if`.
      const label = c.optId();
      this.#pushFrame(F_IF_COND, label, blockType(c, this.#ctx));
    } else {
      const mark = this.#immTop;
      this.#pushFrame(F_OP, this.#immediates(id), mark);
    }
  }

  #pushFrame(kind: number, a: number, b: number): void {
    if (this.#top === this.#fk.length) {
      const n = this.#top * 2;
      const grow = (x: Int32Array) => {
        const g = new Int32Array(n);
        g.set(x);
        return g;
      };
      this.#fk = grow(this.#fk);
      this.#fa = grow(this.#fa);
      this.#fb = grow(this.#fb);
    }
    this.#fk[this.#top] = kind;
    this.#fa[this.#top] = a;
    this.#fb[this.#top++] = b;
  }

  /** An optional `$id` after `end`/`else` must repeat the block's label. */
  #closingLabel(label: number): void {
    const c = this.#c;
    if (!c.atId()) return;
    if (c.value[c.pos] !== label) c.fail("mismatching label");
    c.pos++;
  }

  #pushLabel(sym: number): void {
    if (this.#depth === this.#labels.length) {
      const grown = new Int32Array(this.#depth * 2);
      grown.set(this.#labels);
      this.#labels = grown;
    }
    this.#labels[this.#depth++] = sym;
  }

  /** Writes `op` and the immediates pushed since `mark`. */
  #emit(op: number, mark: number): void {
    const b = this.#b;
    b.op(op);
    const imm = this.#imm;
    for (let i = mark; i < this.#immTop; i++) b.word(imm[i]);
    this.#immTop = mark;
  }

  #push(w: number): void {
    if (this.#immTop === this.#imm.length) {
      const grown = new Int32Array(this.#imm.length * 2);
      grown.set(this.#imm);
      this.#imm = grown;
    }
    this.#imm[this.#immTop++] = w;
  }

  // ---- immediates -------------------------------------------------------------

  /** Reads the immediates of opcode `id` onto the stack; returns the opcode to emit. */
  #immediates(id: number): number {
    const c = this.#c;
    const ctx = this.#ctx;
    switch (IMM_OF[id]) {
      case IMM.none:
        // `select (result t*)*` is the typed row.
        if (id === Op.select && c.atParenKw(KW.result)) return this.#selectTypes();
        return id;
      case IMM.label:
        this.#push(this.#label());
        return id;
      case IMM.br_table: {
        const at = this.#immTop;
        this.#push(0);
        let n = 0;
        while (c.atIndex()) {
          this.#push(this.#label());
          n++;
        }
        if (n === 0) c.unexpected();
        this.#imm[at] = n - 1; // the last label is the default
        return id;
      }
      case IMM.func:
        this.#push(ctx.funcs.index(c));
        return id;
      case IMM.call_indirect: { // table? typeuse
        const table = ctx.tables.optIndex(c);
        this.#push(typeUse(c, ctx, null).index);
        this.#push(table);
        return id;
      }
      case IMM.local:
        this.#push(this.#local());
        return id;
      case IMM.global:
        this.#push(ctx.globals.index(c));
        return id;
      case IMM.table: // (optional, default 0)
        this.#push(ctx.tables.optIndex(c));
        return id;
      case IMM.memory: // (optional, default 0)
        this.#push(ctx.memories.optIndex(c));
        return id;
      case IMM.memarg:
        this.#memarg(id);
        return id;
      case IMM.memarg_lane:
        this.#memarg(id);
        this.#push(this.#laneIndex(false));
        return id;
      case IMM.i32:
        this.#push(c.int());
        return id;
      case IMM.i64: {
        const pair = c.int64();
        this.#push(pair[0]);
        this.#push(pair[1]);
        return id;
      }
      case IMM.f32:
        this.#push(c.f32());
        return id;
      case IMM.f64: {
        const pair = c.f64();
        this.#push(pair[0]);
        this.#push(pair[1]);
        return id;
      }
      case IMM.v128: {
        const v = this.#v128;
        v128Literal(c, v);
        for (let i = 0; i < 16; i += 4) this.#push(v.getInt32(i, true));
        return id;
      }
      case IMM.shuffle: { // exactly 16 lane indices
        const v = this.#v128;
        if (countNumbers(c) !== 16) c.fail("invalid lane length");
        for (let i = 0; i < 16; i++) v.setUint8(i, this.#laneIndex(true));
        for (let i = 0; i < 16; i += 4) this.#push(v.getInt32(i, true));
        return id;
      }
      case IMM.lane:
        this.#push(this.#laneIndex(false));
        return id;
      case IMM.heaptype:
        this.#push(heapType(c));
        return id;
      case IMM.memory_init: { // memory? data
        const mem = this.#twoIndices() ? ctx.memories.index(c) : 0;
        this.#push(ctx.datas.index(c));
        this.#push(mem);
        this.usesDataCount = true;
        return id;
      }
      case IMM.data:
        this.#push(ctx.datas.index(c));
        this.usesDataCount = true;
        return id;
      case IMM.memory_copy: { // (dst src)?
        const dst = ctx.memories.optIndex(c);
        this.#push(dst);
        this.#push(ctx.memories.optIndex(c));
        return id;
      }
      case IMM.table_init: { // table? elem
        const table = this.#twoIndices() ? ctx.tables.index(c) : 0;
        this.#push(ctx.elems.index(c));
        this.#push(table);
        return id;
      }
      case IMM.elem:
        this.#push(ctx.elems.index(c));
        return id;
      case IMM.table_copy: { // (dst src)?
        const dst = ctx.tables.optIndex(c);
        this.#push(dst);
        this.#push(ctx.tables.optIndex(c));
        return id;
      }
      default:
        return id;
    }
  }

  /** `(result t*)*` after `select`: pushes n and the types; returns the typed opcode. */
  #selectTypes(): number {
    const c = this.#c;
    const at = this.#immTop;
    this.#push(0);
    let n = 0;
    while (c.openIf(KW.result)) {
      while (!c.atRParen()) {
        this.#push(valType(c));
        n++;
      }
      c.rparen();
    }
    this.#imm[at] = n;
    return Op.select_t;
  }

  /** True when two indices follow (`table.init $t $e`), not one. */
  #twoIndices(): boolean {
    const c = this.#c;
    if (!c.atIndex()) return false;
    c.pos++;
    const two = c.atIndex();
    c.pos--;
    return two;
  }

  /** A label: an identifier (innermost binding) or a relative depth. */
  #label(): number {
    const c = this.#c;
    if (c.kind[c.pos] === Tok.id) {
      const sym = c.value[c.pos];
      for (let i = this.#depth - 1; i >= 0; i--) {
        if (this.#labels[i] === sym) {
          c.pos++;
          return this.#depth - 1 - i;
        }
      }
      c.fail(`unknown label ${c.toks.symbols.text(sym)}`);
    }
    return c.nat32();
  }

  /** A local: an identifier bound in this function, or an index. */
  #local(): number {
    const c = this.#c;
    if (c.kind[c.pos] === Tok.id) {
      const sym = c.value[c.pos];
      const i = this.#locals.get(sym);
      if (i === undefined) return c.fail(`unknown local ${c.toks.symbols.text(sym)}`);
      c.pos++;
      return i;
    }
    return c.nat32();
  }

  /**
   * A lane index: a natural number below 256 ("malformed lane index" above).
   * Any other token is "unexpected token", except in a shuffle, whose lane
   * list the spec reads as numbers first: there any number that is no lane
   * index is "malformed lane index".
   */
  #laneIndex(shuffle: boolean): number {
    const c = this.#c;
    const p = c.pos;
    const shape = c.kind[p] === Tok.atom && c.value[p] < 0
      ? numShape(c.src, c.start[p], c.end[p])
      : Shape.none;
    if (shape !== Shape.nat && !(shuffle && shape !== Shape.none)) c.unexpected();
    const v = shape === Shape.nat ? nat32(c.src, c.start[p], c.end[p]) : -1;
    if (v < 0 || v > 255) c.fail("malformed lane index");
    c.pos++;
    return v;
  }

  /** `offset=N? align=N?`: pushes align (log2), memory 0, offset low, offset high. */
  #memarg(id: number): void {
    const c = this.#c;
    let offset = 0;
    let align = NATURAL_ALIGN[id];
    let v = this.#memargValue("offset=".length);
    if (v >= 0) offset = v;
    v = this.#memargValue("align=".length);
    if (v >= 0) {
      if (v === 0 || (v & (v - 1)) !== 0) c.fail("alignment must be a power of two", c.pos - 1);
      align = Math.log2(v);
    }
    this.#push(align);
    this.#push(0);
    this.#push(offset | 0);
    this.#push(0);
  }

  /**
   * Consumes `offset=N` (prefix length 7) or `align=N` (6) when next: N, or
   * -1 when absent.
   */
  #memargValue(prefix: number): number {
    const c = this.#c;
    const p = c.pos;
    if (c.kind[p] !== Tok.atom || c.value[p] >= 0) return -1;
    const s = c.start[p];
    const e = c.end[p];
    if (memargValueStart(c.src, s, e) !== s + prefix) return -1;
    if (numShape(c.src, s + prefix, e) !== Shape.nat) c.unexpected();
    const v = nat32(c.src, s + prefix, e);
    if (v < 0) c.fail("i32 constant out of range");
    c.pos++;
    return v;
  }
}

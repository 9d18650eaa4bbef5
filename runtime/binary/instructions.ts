/**
 * Decoding of instruction sequences (function bodies and constant
 * expressions) into {@linkcode Code} streams.
 *
 * Table-driven from `runtime/opcodes.ts`: the opcode byte (and, after a
 * 0xFC/0xFD prefix, the LEB128 sub-opcode) indexes `BYTE_OPS` / `FC_OPS` /
 * `FD_OPS` for the opcode id, and the id's immediate shape — precomputed
 * into a small integer per id — selects one of about twenty ways to read
 * immediates. No per-opcode code, and no allocation per instruction or per
 * body: every sequence of a module is written into one pair of buffers (in
 * the layout `runtime/code.ts` builds and reads), and each {@linkcode Code}
 * is a view of its stretch of them.
 *
 * The decoder also checks what the binary format itself requires of block
 * structure: every `block`/`loop`/`if` is closed by `end`, `else` appears
 * only once inside an `if`, and the sequence ends at the `end` that closes
 * it. Everything else about instructions is the validator's job.
 *
 * @module
 */

import type { Code } from "../module.ts";
import { BYTE_OPS, FC_OPS, FD_OPS, type Imm, Op, OPS } from "../opcodes.ts";
import { readBlockType, readHeapType, readValType } from "./read_types.ts";
import { type Reader, UNEXPECTED_END } from "./reader.ts";

// How to read an opcode's immediates: one small integer per opcode id. The
// fast loop of `read` matches the commonest kinds as literals (`case 5 /*
// K_U32 */`): in optimized code a module-level constant is a memory load
// and a type check on every use, a literal costs nothing.
const K_NONE = 0;
const K_BLOCK = 1; // block, loop
const K_IF = 2;
const K_ELSE = 3;
const K_END = 4;
const K_U32 = 5; // one index
const K_MEMORY = 6; // a memory index (a zero byte in 2.0)
const K_BR_TABLE = 7;
const K_TWO_U32 = 8; // call_indirect, table.init, table.copy
const K_MEMARG = 9;
const K_MEMARG_LANE = 10;
const K_I32 = 11;
const K_I64 = 12;
const K_F32 = 13;
const K_F64 = 14;
const K_V128 = 15; // v128.const, i8x16.shuffle
const K_LANE = 16;
const K_SELECT_T = 17;
const K_HEAPTYPE = 18;
const K_MEMORY_INIT = 19;
const K_DATA = 20;
const K_MEMORY_COPY = 21;

const KIND_OF_IMM: Readonly<Record<Imm, number>> = {
  "": K_NONE,
  block: K_BLOCK,
  label: K_U32,
  br_table: K_BR_TABLE,
  func: K_U32,
  call_indirect: K_TWO_U32,
  local: K_U32,
  global: K_U32,
  table: K_U32,
  memory: K_MEMORY,
  memarg: K_MEMARG,
  memarg_lane: K_MEMARG_LANE,
  i32: K_I32,
  i64: K_I64,
  f32: K_F32,
  f64: K_F64,
  v128: K_V128,
  shuffle: K_V128,
  lane: K_LANE,
  select_t: K_SELECT_T,
  heaptype: K_HEAPTYPE,
  memory_init: K_MEMORY_INIT,
  data: K_DATA,
  memory_copy: K_MEMORY_COPY,
  table_init: K_TWO_U32,
  elem: K_U32,
  table_copy: K_TWO_U32,
};

/** Immediate-reading kind of every opcode id. */
const KIND: Uint8Array = (() => {
  const kind = new Uint8Array(OPS.length);
  for (const op of OPS) kind[op.id] = KIND_OF_IMM[op.imm];
  kind[Op.if] = K_IF;
  kind[Op.else] = K_ELSE;
  kind[Op.end] = K_END;
  return kind;
})();

/**
 * Opcode id and immediate kind of each one-byte opcode, packed as
 * `id | kind << 10` so that one load yields both; -1 for the prefixes and
 * illegal bytes.
 */
const BYTE_INFO: Int32Array = Int32Array.from(
  BYTE_OPS,
  (id) => id < 0 ? -1 : id | (KIND[id] << 10),
);

// Control stack entries: what kind of block is open.
const CTL_BLOCK = 0; // block, loop, or if after its else
const CTL_IF = 1; // if before any else

const INITIAL_WORDS = 1024;
const NO_OPS = new Int32Array(0);
const NO_OFFSETS = new Uint32Array(0);

/** Most words one instruction with fixed-size immediates takes (opcode + memarg + lane). */
const MAX_FIXED_WORDS = 6;
/** Most words an instruction of the fast loop writes (opcode + memarg). */
const MAX_FAST_WORDS = 5;
/** Bytes the fast loop may read past the start of an instruction (f64.const). */
const FAST_LOOKAHEAD = 9;

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/**
 * Decodes the instruction sequences of one module.
 *
 * All sequences are written one after another into one growing pair of
 * buffers (sized up front from the code section's size); then
 * {@linkcode CodeDecoder.finish} points each {@linkcode Code} at its stretch
 * of them. Copying each body out into typed arrays of its own cost two
 * allocations with off-heap backing stores per function, which measured as
 * much as the decoding itself. So the `ops` (and `offsets`) of all codes of
 * a module share one `ArrayBuffer`.
 *
 * The loop keeps the buffers and their lengths in local variables. An inner
 * loop without calls decodes the commonest instructions (nearly all of
 * compiled code) with their immediates read inline, bounded so that it needs
 * neither room nor end-of-input checks per instruction; the rest go one at a
 * time through the general path, which makes room for the longest
 * fixed-size instruction (and `br_table` and typed `select` for their lists)
 * and reads immediates with the {@linkcode Reader}.
 *
 * @example
 * ```ts
 * import { CodeDecoder } from "./instructions.ts";
 * import { Reader } from "./reader.ts";
 * import { Op } from "../opcodes.ts";
 * const dec = new CodeDecoder();
 * // i32.const 42, end
 * const code = dec.read(new Reader(new Uint8Array([0x41, 42, 0x0b])));
 * dec.finish();
 * console.assert(code.ops[0] === Op.i32_const && code.ops[1] === 42);
 * ```
 */
export class CodeDecoder {
  #ops: Int32Array = new Int32Array(INITIAL_WORDS);
  #offsets: Uint32Array = new Uint32Array(INITIAL_WORDS >> 1);
  #len = 0; // words used in #ops
  #count = 0; // instructions (entries used in #offsets)
  #ctl: Uint8Array = new Uint8Array(64);
  // Sequences read so far, with where each starts in #ops and #offsets.
  #codes: Code[] = [];
  #opsStart: number[] = [];
  #offsetsStart: number[] = [];
  /**
   * Byte offset of the first `memory.init` or `data.drop` decoded, or -1:
   * those need a data count section (`"data count section required"`).
   */
  dataUse: number = -1;

  /**
   * Reads instructions up to and including the `end` that closes the
   * sequence (a function body after its locals, or a constant expression).
   * The returned {@linkcode Code} is empty until {@linkcode CodeDecoder.finish}.
   */
  read(r: Reader): Code {
    const bytes = r.bytes;
    const end = r.end;
    const byteInfo = BYTE_INFO;
    let ops = this.#ops;
    let offsets = this.#offsets;
    let len = this.#len;
    let count = this.#count;
    let ctl = this.#ctl;
    let depth = 0;
    this.#opsStart.push(len);
    this.#offsetsStart.push(count);
    // The position lives in a local through the fast loop and is handed to
    // the reader only for the other immediates. (`| 0` on integers from
    // fields and calls keeps the loop variables untagged int32s in V8.)
    let pos = r.pos | 0;
    for (;;) {
      // The fast loop: the commonest instructions with their immediates
      // read inline. It makes no calls and is bounded so that it needs no
      // checks of its own: `stop` leaves room in both buffers for every
      // instruction it can start and keeps its reads inside the binary.
      let stop = end - FAST_LOOKAHEAD;
      const room = Math.min(((ops.length - len) / MAX_FAST_WORDS) | 0, offsets.length - count);
      if (pos + room < stop) stop = pos + room;
      fast: while (pos < stop) {
        const at = pos;
        const info = byteInfo[bytes[at]];
        const b1 = bytes[at + 1];
        const kind = info >> 10;
        // The three commonest shapes (three instructions in four) are tested
        // first: measurably faster than letting the switch dispatch them.
        if (kind === 0 /* K_NONE */) {
          offsets[count++] = at;
          ops[len++] = info;
          pos = at + 1;
          continue;
        }
        if (kind === 5 /* K_U32 */ && b1 < 0x80) {
          offsets[count++] = at;
          ops[len] = info & 0x3ff;
          ops[len + 1] = b1;
          len += 2;
          pos = at + 2;
          continue;
        }
        if (kind === 11 /* K_I32 */ && b1 < 0x80) {
          offsets[count++] = at;
          ops[len] = info & 0x3ff;
          ops[len + 1] = (b1 << 25) >> 25; // sign-extend 7 bits
          len += 2;
          pos = at + 2;
          continue;
        }
        switch (kind) {
          case 5 /* K_U32 */:
          case 11 /* K_I32 */: {
            // An index or i32 constant in a LEB128 of two to five bytes.
            const signed = kind === 11;
            let v = b1 & 0x7f;
            let p = at + 2;
            let b = 0;
            let shift = 7;
            do {
              b = bytes[p++];
              v |= (b & 0x7f) << shift;
              shift += 7;
            } while (b >= 0x80 && shift < 35);
            if (shift < 35) {
              if (signed && (b & 0x40) !== 0) v |= -1 << shift; // sign-extend
            } else {
              // A fifth byte must end the number and hold no bits the value
              // has no room for: u32, none above bit 3; s32, bits 4-6
              // repeating the sign bit 3. Else the reader reports the error.
              const extra = signed ? b & 0x78 : b & 0x70;
              if (b >= 0x80 || (extra !== 0 && !(signed && extra === 0x78))) break fast;
            }
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = v;
            len += 2;
            pos = p;
            continue fast;
          }
          case 12 /* K_I64 */:
            if (b1 >= 0x80) break fast;
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = (b1 << 25) >> 25; // sign-extend 7 bits
            ops[len + 2] = (b1 << 25) >> 31;
            len += 3;
            pos = at + 2;
            continue fast;
          case 9 /* K_MEMARG */: {
            // Alignment below 32 (and so memory 0, in 3.0 too), one-byte offset.
            const b2 = bytes[at + 2];
            if (b1 >= 32 || b2 >= 0x80) break fast;
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = b1; // align
            ops[len + 2] = 0; // memory 0
            ops[len + 3] = b2; // offset
            ops[len + 4] = 0;
            len += 5;
            pos = at + 3;
            continue fast;
          }
          case 4 /* K_END */:
            offsets[count++] = at;
            ops[len++] = info & 0x3ff;
            pos = at + 1;
            if (depth === 0) return this.#close(r, pos, len, count);
            depth--;
            continue fast;
          case 1 /* K_BLOCK */: {
            // The empty block type, or a 2.0 value type.
            let bt = -0x40; // BLOCK_EMPTY
            if (b1 !== 0x40) {
              if (b1 < 0x7b || b1 > 0x7f) break fast; // v128 … i32
              bt = ~b1; // blockOfValType
            }
            if (depth === ctl.length) break fast;
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = bt;
            ctl[depth++] = 0; // CTL_BLOCK
            len += 2;
            pos = at + 2;
            continue fast;
          }
          case 14 /* K_F64 */:
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = b1 | (bytes[at + 2] << 8) | (bytes[at + 3] << 16) |
              (bytes[at + 4] << 24);
            ops[len + 2] = bytes[at + 5] | (bytes[at + 6] << 8) | (bytes[at + 7] << 16) |
              (bytes[at + 8] << 24);
            len += 3;
            pos = at + 9;
            continue fast;
          case 13 /* K_F32 */:
            offsets[count++] = at;
            ops[len] = info & 0x3ff;
            ops[len + 1] = b1 | (bytes[at + 2] << 8) | (bytes[at + 3] << 16) |
              (bytes[at + 4] << 24);
            len += 2;
            pos = at + 5;
            continue fast;
        }
        break;
      }
      // Any other instruction, one at a time.
      if (len + MAX_FIXED_WORDS > ops.length) ops = this.#growOps(len, len + MAX_FIXED_WORDS);
      if (count === offsets.length) offsets = this.#growOffsets(count, count + 1);
      const at = pos;
      if (at >= end) r.fail(UNEXPECTED_END, end);
      const b = bytes[at];
      pos = at + 1;
      let id = BYTE_OPS[b];
      if (id < 0) {
        r.pos = pos;
        id = this.#prefixed(r, b, at);
        pos = r.pos;
      }
      offsets[count++] = at;
      ops[len++] = id;
      const kind = KIND[id];
      if (kind === K_NONE) continue;
      if (kind === K_END) {
        if (depth === 0) return this.#close(r, pos, len, count);
        depth--;
        continue;
      }
      r.pos = pos;
      switch (kind) {
        case K_U32:
          ops[len++] = r.u32();
          break;
        case K_I32:
          ops[len++] = r.s32();
          break;
        case K_MEMARG:
          this.#memarg(r, ops, len);
          len += 4;
          break;
        case K_BLOCK:
        case K_IF:
          ops[len++] = readBlockType(r);
          if (depth === ctl.length) ctl = this.#growCtl();
          ctl[depth++] = kind === K_IF ? CTL_IF : CTL_BLOCK;
          break;
        case K_ELSE:
          // `else` outside an `if` (or a second one) ends the sequence where
          // an `end` must be: the reference interpreter's wording.
          if (depth === 0 || ctl[depth - 1] !== CTL_IF) r.fail("END opcode expected", at);
          ctl[depth - 1] = CTL_BLOCK;
          break;
        case K_I64:
          r.s64();
          ops[len++] = r.lo;
          ops[len++] = r.hi;
          break;
        case K_F32:
          ops[len++] = r.f32();
          break;
        case K_F64:
          r.f64();
          ops[len++] = r.lo;
          ops[len++] = r.hi;
          break;
        case K_BR_TABLE: {
          const n = r.count();
          if (len + n + 2 > ops.length) ops = this.#growOps(len, len + n + 2);
          ops[len++] = n;
          for (let i = 0; i <= n; i++) ops[len++] = r.u32(); // n labels, then the default
          break;
        }
        case K_TWO_U32:
          ops[len++] = r.u32();
          ops[len++] = r.u32();
          break;
        case K_MEMORY:
          ops[len++] = this.#memIndex(r);
          break;
        case K_MEMARG_LANE:
          this.#memarg(r, ops, len);
          len += 4;
          ops[len++] = r.u8();
          break;
        case K_V128:
          for (let i = 0; i < 4; i++) ops[len++] = r.f32();
          break;
        case K_LANE:
          ops[len++] = r.u8();
          break;
        case K_SELECT_T: {
          const n = r.count();
          if (len + n + 1 > ops.length) ops = this.#growOps(len, len + n + 1);
          ops[len++] = n;
          for (let i = 0; i < n; i++) ops[len++] = readValType(r);
          break;
        }
        case K_HEAPTYPE:
          ops[len++] = readHeapType(r);
          break;
        case K_MEMORY_INIT:
          if (this.dataUse < 0) this.dataUse = at;
          ops[len++] = r.u32();
          ops[len++] = this.#memIndex(r);
          break;
        case K_DATA:
          if (this.dataUse < 0) this.dataUse = at;
          ops[len++] = r.u32();
          break;
        case K_MEMORY_COPY:
          ops[len++] = this.#memIndex(r);
          ops[len++] = this.#memIndex(r);
          break;
      }
      pos = r.pos | 0;
    }
  }

  /** Ends the sequence being read at `pos`, with `len` words and `count` instructions in all. */
  #close(r: Reader, pos: number, len: number, count: number): Code {
    r.pos = pos;
    this.#len = len;
    this.#count = count;
    const code: Code = { ops: NO_OPS, offsets: NO_OFFSETS };
    this.#codes.push(code);
    return code;
  }

  /**
   * Makes room for about `bytes` more bytes of code (the code section's
   * size), so the buffers need not grow — and be copied — while reading it.
   */
  reserve(bytes: number): void {
    // Typical code has fewer words than bytes and about one instruction per
    // two bytes (measured on clang and binaryen output).
    if (this.#len + bytes > this.#ops.length) this.#growOps(this.#len, this.#len + bytes);
    const instrs = bytes >> 1;
    if (this.#count + instrs > this.#offsets.length) {
      this.#growOffsets(this.#count, this.#count + instrs);
    }
  }

  /** Gives every {@linkcode Code} returned by `read` its instructions. */
  finish(): void {
    let ops = this.#ops;
    let offsets = this.#offsets;
    // The codes are views into the buffers; copy them to their exact size
    // first only if that frees much.
    if (this.#len < ops.length - (ops.length >> 2)) ops = ops.slice(0, this.#len);
    if (this.#count < offsets.length - (offsets.length >> 2)) {
      offsets = offsets.slice(0, this.#count);
    }
    const codes = this.#codes;
    const opsStart = this.#opsStart;
    const offsetsStart = this.#offsetsStart;
    const n = codes.length;
    // Views made with the constructor: `subarray` costs half as much again
    // (it looks up a species constructor), for thousands of functions.
    const opsBuffer = ops.buffer, opsAt = ops.byteOffset;
    const offsetsBuffer = offsets.buffer, offsetsAt = offsets.byteOffset;
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const o = opsStart[i], c = offsetsStart[i];
      const code = codes[i];
      code.ops = new Int32Array(opsBuffer, opsAt + 4 * o, (last ? this.#len : opsStart[i + 1]) - o);
      code.offsets = new Uint32Array(
        offsetsBuffer,
        offsetsAt + 4 * c,
        (last ? this.#count : offsetsStart[i + 1]) - c,
      );
    }
    // Start afresh: the finished codes own the old buffers.
    this.#ops = new Int32Array(INITIAL_WORDS);
    this.#offsets = new Uint32Array(INITIAL_WORDS >> 1);
    this.#codes = [];
    this.#opsStart = [];
    this.#offsetsStart = [];
    this.#len = 0;
    this.#count = 0;
  }

  /** Replaces the ops buffer by one of at least `need` words, keeping the first `used`. */
  #growOps(used: number, need: number): Int32Array {
    const grown = new Int32Array(Math.max(this.#ops.length * 2, need));
    grown.set(this.#ops.subarray(0, used));
    return (this.#ops = grown);
  }

  /** Replaces the offsets buffer by one of at least `need` entries, keeping the first `used`. */
  #growOffsets(used: number, need: number): Uint32Array {
    const grown = new Uint32Array(Math.max(this.#offsets.length * 2, need));
    grown.set(this.#offsets.subarray(0, used));
    return (this.#offsets = grown);
  }

  #growCtl(): Uint8Array {
    const grown = new Uint8Array(this.#ctl.length * 2);
    grown.set(this.#ctl);
    return (this.#ctl = grown);
  }

  /** The opcode id of a prefixed instruction (prefix byte `b` already read), or throws. */
  #prefixed(r: Reader, b: number, at: number): number {
    if (b === 0xfc || b === 0xfd) {
      const sub = r.u32();
      const table = b === 0xfc ? FC_OPS : FD_OPS;
      const id = sub < table.length ? table[sub] : -1;
      if (id >= 0) return id;
      r.fail(`illegal opcode ${hex2(b)} ${hex2(sub)}`, at);
    }
    return r.fail(`illegal opcode ${hex2(b)}`, at);
  }

  /** A memory index: 2.0 reserves a zero byte, 3.0 (multi-memory) has a u32. */
  #memIndex(r: Reader): number {
    if (r.wasm3) return r.u32();
    r.zero();
    return 0;
  }

  /**
   * Reads a memarg into `ops[at..at+3]`: align (log2), memory index, offset
   * low, offset high. 2.0: the alignment exponent must be below 32. 3.0:
   * flags below 0x80, bit 6 announcing a memory index, and a u64 offset.
   */
  #memarg(r: Reader, ops: Int32Array, at: number): void {
    const flagsAt = r.pos;
    let flags = r.u32();
    let mem = 0;
    if (r.wasm3) {
      if (flags >= 0x80) r.fail("malformed memop flags", flagsAt);
      if ((flags & 0x40) !== 0) {
        flags &= 0x3f;
        mem = r.u32();
      }
      r.u64();
    } else {
      if (flags >= 32) r.fail("malformed memop flags", flagsAt);
      r.lo = r.u32();
      r.hi = 0;
    }
    ops[at] = flags;
    ops[at + 1] = mem;
    ops[at + 2] = r.lo;
    ops[at + 3] = r.hi;
  }
}

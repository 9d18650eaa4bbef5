/**
 * A growable byte buffer with the primitive encodings of the WebAssembly
 * binary format: bytes, minimal LEB128 integers, IEEE 754 bit patterns,
 * UTF-8 names, and size-prefixed bodies.
 *
 * One `Uint8Array` grows by doubling; nothing is allocated per byte. A body
 * whose size prefix is only known after it is written (a section, a function
 * body) is written in place: {@linkcode Writer.beginSized} reserves one byte
 * for the prefix, and {@linkcode Writer.endSized} writes the size there,
 * moving the body right (one native `copyWithin`) only in the rare case the
 * minimal LEB128 of the size needs more than that one byte.
 *
 * @module
 */

const ENCODER = new TextEncoder();

/** Scratch for float bit patterns: one 8-byte buffer seen as f32, f64 and i32 words. */
const SCRATCH = new ArrayBuffer(8);
const SCRATCH_F32 = new Float32Array(SCRATCH);
const SCRATCH_F64 = new Float64Array(SCRATCH);
const SCRATCH_I32 = new Int32Array(SCRATCH);

/** 2^32, for splitting a JS number into 32-bit halves. */
const TWO_32 = 0x1_0000_0000;

/** Number of bytes of the minimal unsigned LEB128 encoding of a u32. */
export function u32Size(n: number): number {
  n >>>= 0;
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

/**
 * Appends WebAssembly binary encodings to a growing byte buffer.
 *
 * @example
 * ```ts
 * import { Writer } from "./writer.ts";
 * const w = new Writer();
 * w.u32(624485);
 * console.log(w.finish()); // Uint8Array [0xe5, 0x8e, 0x26]
 * ```
 */
export class Writer {
  #buf: Uint8Array<ArrayBuffer>;
  #len = 0;

  /** Creates a writer with room for `capacity` bytes before it first grows. */
  constructor(capacity = 1024) {
    this.#buf = new Uint8Array(Math.max(capacity, 16));
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Makes room for `extra` more bytes, doubling the buffer as needed. */
  reserve(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  /** Appends one byte. */
  u8(b: number): void {
    if (this.#len === this.#buf.length) this.reserve(1);
    this.#buf[this.#len++] = b;
  }

  /** Appends raw bytes. */
  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.#buf.set(src, this.#len);
    this.#len += src.length;
  }

  /** Appends an unsigned LEB128 u32 (`n` is taken modulo 2^32). */
  u32(n: number): void {
    this.reserve(5);
    const buf = this.#buf;
    let p = this.#len;
    n >>>= 0;
    while (n >= 0x80) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.#len = p;
  }

  /** Appends a signed LEB128 s32 (`n` is taken as an int32). */
  s32(n: number): void {
    this.reserve(5);
    const buf = this.#buf;
    let p = this.#len;
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      // Done once the rest is all sign bits and the byte's top bit agrees.
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        buf[p++] = b;
        break;
      }
      buf[p++] = b | 0x80;
    }
    this.#len = p;
  }

  /**
   * Appends a signed LEB128 s33, the encoding of block types and heap types:
   * any integer in [-2^32, 2^32).
   */
  s33(n: number): void {
    if ((n | 0) === n) return this.s32(n);
    // Outside int32 (type indices of 2^31 and up): split into 32-bit halves.
    this.s64(n >>> 0, Math.floor(n / TWO_32));
  }

  /** Appends a signed LEB128 s64 given as low and high 32-bit words. */
  s64(lo: number, hi: number): void {
    this.reserve(10);
    const buf = this.#buf;
    let p = this.#len;
    lo |= 0;
    hi |= 0;
    for (;;) {
      const b = lo & 0x7f;
      // 64-bit arithmetic shift right by 7 across the two words.
      lo = (lo >>> 7) | (hi << 25);
      hi >>= 7;
      if (
        (lo === 0 && hi === 0 && (b & 0x40) === 0) || (lo === -1 && hi === -1 && (b & 0x40) !== 0)
      ) {
        buf[p++] = b;
        break;
      }
      buf[p++] = b | 0x80;
    }
    this.#len = p;
  }

  /** Appends a signed LEB128 s64 of a bigint (taken modulo 2^64). */
  s64Big(n: bigint): void {
    const v = BigInt.asUintN(64, n);
    this.s64(Number(v & 0xffff_ffffn), Number(v >> 32n));
  }

  /** Appends an unsigned LEB128 u64 given as low and high 32-bit words. */
  u64(lo: number, hi: number): void {
    this.reserve(10);
    const buf = this.#buf;
    let p = this.#len;
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo >= 0x80) {
      buf[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[p++] = lo;
    this.#len = p;
  }

  /** Appends an unsigned LEB128 u64 of a non-negative safe integer (memory64 limits). */
  u64Number(n: number): void {
    this.u64(n >>> 0, Math.floor(n / TWO_32));
  }

  /** Appends 4 little-endian bytes of a 32-bit word (an f32's bits). */
  word32(bits: number): void {
    this.reserve(4);
    const buf = this.#buf;
    const p = this.#len;
    buf[p] = bits;
    buf[p + 1] = bits >>> 8;
    buf[p + 2] = bits >>> 16;
    buf[p + 3] = bits >>> 24;
    this.#len = p + 4;
  }

  /** Appends 8 little-endian bytes of a 64-bit value given as low and high words (an f64's bits). */
  word64(lo: number, hi: number): void {
    this.word32(lo);
    this.word32(hi);
  }

  /** Appends an f32 value (rounded to single precision) as its 4 bytes. */
  f32(x: number): void {
    SCRATCH_F32[0] = x;
    this.word32(SCRATCH_I32[0]);
  }

  /** Appends an f64 value as its 8 bytes. */
  f64(x: number): void {
    SCRATCH_F64[0] = x;
    // Little-endian hosts only (every engine Deno runs on): word 0 is the low half.
    this.word64(SCRATCH_I32[0], SCRATCH_I32[1]);
  }

  /** Appends a name: its UTF-8 byte length as a u32, then the bytes. */
  name(s: string): void {
    const n = s.length;
    // Fast path: ASCII names (nearly all of them) are copied char by char.
    this.reserve(5 + n);
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.u32(n);
      const buf = this.#buf;
      const p = this.#len;
      for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
      this.#len = p + n;
      return;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(5 + 3 * n);
    const mark = this.beginSized();
    const { written } = ENCODER.encodeInto(s, this.#buf.subarray(this.#len));
    this.#len += written;
    this.endSized(mark);
  }

  /**
   * Starts a body whose size prefix is written by {@linkcode endSized}.
   * Returns the mark to pass to it.
   */
  beginSized(): number {
    this.u8(0);
    return this.#len;
  }

  /**
   * Ends the body started at `mark`: writes its byte size (minimal u32
   * LEB128) in front of it, moving the body right if the size needs more than
   * the one reserved byte.
   */
  endSized(mark: number): void {
    const size = this.#len - mark;
    const extra = u32Size(size) - 1;
    if (extra > 0) {
      this.reserve(extra);
      this.#buf.copyWithin(mark + extra, mark, this.#len);
      this.#len += extra;
    }
    const end = this.#len;
    this.#len = mark - 1;
    this.u32(size);
    this.#len = end;
  }

  /** The bytes written so far, as a view that later writes may invalidate. */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buf.subarray(0, this.#len);
  }

  /** A copy of the bytes written so far, exactly sized. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.#buf.slice(0, this.#len);
  }

  /** Empties the writer for reuse, keeping its buffer. */
  reset(): void {
    this.#len = 0;
  }
}

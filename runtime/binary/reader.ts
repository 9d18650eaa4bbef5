/**
 * A cursor over a module binary with the primitive decodings of the
 * WebAssembly binary format: bytes, LEB128 integers of every width the format
 * uses, raw IEEE 754 bit patterns, UTF-8 names, and vector counts.
 *
 * Every malformed input throws a {@linkcode MalformedError} whose message
 * starts with the spec test suite's phrase and carries the byte offset.
 *
 * Bounds follow the spec's reference interpreter: reads are limited by the
 * end of the whole binary, not by the end of the current section or
 * function body. A body that runs past its declared size is reported by the
 * caller's size check as `"section size mismatch"` — what the spec suite
 * expects — rather than as a truncation.
 *
 * The LEB128 readers keep the one-byte case (by far the most common) in a
 * tiny method that V8 inlines into the decoding loops, and leave the rest to
 * an out-of-line slow path.
 *
 * @module
 */

import { MalformedError } from "../errors.ts";

/** The phrase for a read past the end of the binary. */
export const UNEXPECTED_END = "unexpected end of section or function";

const TWO_28 = 0x1000_0000;
const TWO_32 = 0x1_0000_0000;

// fatal: malformed UTF-8 throws instead of decoding to U+FFFD; ignoreBOM: a
// leading U+FEFF is part of the name, not a byte-order mark to drop.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads the WebAssembly binary format from a `Uint8Array`, advancing `pos`.
 *
 * @example
 * ```ts
 * import { Reader } from "./reader.ts";
 * const r = new Reader(new Uint8Array([0xe5, 0x8e, 0x26, 0x7f]));
 * console.assert(r.u32() === 624485);
 * console.assert(r.s32() === -1);
 * ```
 */
export class Reader {
  /** The binary. */
  readonly bytes: Uint8Array;
  /** Offset of the next byte to read. */
  pos: number;
  /** Length of the binary: no read goes past it. */
  readonly end: number;
  /** Low 32 bits of the last {@linkcode Reader.s64} / {@linkcode Reader.u64} / {@linkcode Reader.f64}. */
  lo: number = 0;
  /** High 32 bits of the last {@linkcode Reader.s64} / {@linkcode Reader.u64} / {@linkcode Reader.f64}. */
  hi: number = 0;
  /**
   * Accept the WebAssembly 3.0 binary forms where they differ from 2.0
   * (limits flags, memory indices in memory instructions, GC types, tags).
   */
  readonly wasm3: boolean;

  /** Creates a reader positioned at `pos`. */
  constructor(bytes: Uint8Array, pos = 0, wasm3 = false) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = bytes.length;
    this.wasm3 = wasm3;
  }

  /** Throws a {@linkcode MalformedError} with `phrase` at offset `at` (default: here). */
  fail(phrase: string, at: number = this.pos): never {
    throw new MalformedError(phrase, at);
  }

  /** True when every byte has been read. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Reads one byte. */
  u8(): number {
    if (this.pos >= this.end) this.fail(UNEXPECTED_END, this.end);
    return this.bytes[this.pos++];
  }

  /** Reads one byte that must be zero (2.0's reserved memory index), else `"zero byte expected"`. */
  zero(): void {
    if (this.u8() !== 0) this.fail("zero byte expected", this.pos - 1);
  }

  /** Reads `n` bytes as a view into the binary (no copy). */
  take(n: number): Uint8Array {
    const start = this.pos;
    if (n > this.end - start) this.fail(UNEXPECTED_END, this.end);
    this.pos = start + n;
    return this.bytes.subarray(start, start + n);
  }

  /** Reads an unsigned LEB128 u32. */
  u32(): number {
    const b = this.bytes[this.pos];
    if (b < 0x80) {
      this.pos++;
      return b;
    }
    return this.#u32Slow();
  }

  #u32Slow(): number {
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return result >>> 0;
    }
    // Fifth byte: only 4 value bits remain, and no continuation.
    const b = this.u8();
    if ((b & 0x70) !== 0) this.fail("integer too large", this.pos - 1);
    if (b >= 0x80) this.fail("integer representation too long", this.pos);
    return (result | (b << 28)) >>> 0;
  }

  /** Reads a signed LEB128 s32. */
  s32(): number {
    const b = this.bytes[this.pos];
    if (b < 0x80) {
      this.pos++;
      return (b << 25) >> 25; // sign-extend 7 bits
    }
    return this.#s32Slow();
  }

  #s32Slow(): number {
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        const shift = 7 * (i + 1);
        return (b & 0x40) !== 0 ? result | (-1 << shift) : result;
      }
    }
    // Fifth byte: bit 3 is the sign bit; bits 4-6 must repeat it.
    const b = this.u8();
    const extra = b & 0x78;
    if (extra !== 0 && extra !== 0x78) this.fail("integer too large", this.pos - 1);
    if (b >= 0x80) this.fail("integer representation too long", this.pos);
    return result | (b << 28);
  }

  /**
   * Reads a signed LEB128 s33 (block types, 3.0 heap types) as a JS number
   * in [-2^32, 2^32).
   */
  s33(): number {
    const b = this.bytes[this.pos];
    if (b < 0x80) {
      this.pos++;
      return (b << 25) >> 25;
    }
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return (b & 0x40) !== 0 ? result - scale : result;
    }
    // Fifth byte: bit 4 is the sign bit; bits 5-6 must repeat it.
    const last = this.u8();
    const extra = last & 0x70;
    if (extra !== 0 && extra !== 0x70) this.fail("integer too large", this.pos - 1);
    if (last >= 0x80) this.fail("integer representation too long", this.pos);
    return result + (last & 0x0f) * TWO_28 - ((last & 0x10) !== 0 ? TWO_32 : 0);
  }

  /** Reads a signed LEB128 s64 into {@linkcode Reader.lo} and {@linkcode Reader.hi}. */
  s64(): void {
    const b = this.bytes[this.pos];
    if (b < 0x80) {
      this.pos++;
      this.lo = (b << 25) >> 25;
      this.hi = this.lo >> 31;
      return;
    }
    this.#leb64(true);
  }

  /** Reads an unsigned LEB128 u64 into {@linkcode Reader.lo} and {@linkcode Reader.hi}. */
  u64(): void {
    const b = this.bytes[this.pos];
    if (b < 0x80) {
      this.pos++;
      this.lo = b;
      this.hi = 0;
      return;
    }
    this.#leb64(false);
  }

  /** Reads an unsigned LEB128 u64 as a JS number (exact below 2^53). */
  u64Number(): number {
    this.u64();
    return (this.hi >>> 0) * TWO_32 + (this.lo >>> 0);
  }

  // 64-bit LEB128 without BigInt: bytes 0-3 fill lo, byte 4 straddles, bytes
  // 5-9 fill hi; the tenth byte holds only bit 63.
  #leb64(signed: boolean): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      const v = b & 0x7f;
      if (i < 4) lo |= v << (7 * i);
      else if (i === 4) {
        lo |= v << 28;
        hi = v >>> 4;
      } else hi |= v << (7 * i - 32);
      if (i === 9) {
        const bad = signed ? v !== 0 && v !== 0x7f : v > 1;
        if (bad) this.fail("integer too large", this.pos - 1);
        if (b >= 0x80) this.fail("integer representation too long", this.pos);
        break;
      }
      if (b < 0x80) {
        if (signed && (b & 0x40) !== 0) {
          const shift = 7 * (i + 1);
          if (shift < 32) {
            lo |= -1 << shift;
            hi = -1;
          } else hi |= -1 << (shift - 32);
        }
        break;
      }
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** Reads an unsigned LEB128 u1 (2.0 limits flags): `"integer too large"` above 1. */
  u1(): number {
    const b = this.u8();
    if ((b & 0x7f) > 1) this.fail("integer too large", this.pos - 1);
    if (b >= 0x80) this.fail("integer representation too long", this.pos);
    return b;
  }

  /** Reads 4 bytes, little-endian, as an int32 (the bits of an f32). */
  f32(): number {
    const p = this.pos;
    if (p + 4 > this.end) this.fail(UNEXPECTED_END, this.end);
    const b = this.bytes;
    this.pos = p + 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }

  /** Reads 8 bytes, little-endian, into {@linkcode Reader.lo} and {@linkcode Reader.hi} (the bits of an f64). */
  f64(): void {
    this.lo = this.f32();
    this.hi = this.f32();
  }

  /**
   * Reads a vector length or byte-string length, which the spec bounds by the
   * bytes left in the binary (counted from the length field itself): a
   * larger count is `"length out of bounds"` before anything is allocated.
   */
  count(): number {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - at) this.fail("length out of bounds", at);
    return n;
  }

  /** Reads a length-prefixed byte string as a view into the binary. */
  byteString(): Uint8Array {
    return this.take(this.count());
  }

  /** Reads a name: a length-prefixed UTF-8 string, else `"malformed UTF-8 encoding"`. */
  name(): string {
    const n = this.count();
    const start = this.pos;
    if (n > this.end - start) this.fail(UNEXPECTED_END, this.end);
    this.pos = start + n;
    const bytes = this.bytes;
    // Short ASCII names (nearly all of them) skip the TextDecoder call, and
    // are built four characters at a time (fewer intermediate strings).
    if (n <= 32) {
      const stop = start + n;
      let s = "";
      let i = start;
      for (; i + 4 <= stop; i += 4) {
        const c0 = bytes[i], c1 = bytes[i + 1], c2 = bytes[i + 2], c3 = bytes[i + 3];
        if ((c0 | c1 | c2 | c3) >= 0x80) break;
        s += String.fromCharCode(c0, c1, c2, c3);
      }
      for (; i < stop; i++) {
        const c = bytes[i];
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === stop) return s;
    }
    try {
      return UTF8.decode(bytes.subarray(start, start + n));
    } catch {
      return this.fail("malformed UTF-8 encoding", start);
    }
  }
}

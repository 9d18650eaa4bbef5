/**
 * Checked access to the guest's linear memory.
 *
 * Host functions never hold on to a view across a call: `memory.grow`
 * detaches the old `ArrayBuffer`, so every call starts with
 * {@linkcode GuestMemory.refresh}, which re-takes the views when the buffer
 * changed (an identity check, no allocation otherwise). Every pointer the
 * guest passes is checked against the current size; a range outside memory
 * throws `WasiError(EFAULT)`, which the import wrapper returns as an errno,
 * never as a host exception.
 *
 * @module
 */

import { Errno } from "./errno.ts";
import { WasiError } from "./errors.ts";
import { IOVEC } from "./abi/layout.ts";

/**
 * Anything with a `buffer`: a `WebAssembly.Memory`, or a loader's own view of
 * the guest's memory (read on every call, so it may change at any time).
 */
export interface MemoryLike {
  /** The current backing store (replaced when the memory grows). */
  readonly buffer: ArrayBufferLike;
}

const EMPTY = new ArrayBuffer(0);
const decoder = new TextDecoder("utf-8", { fatal: true });

function fault(): never {
  throw new WasiError(Errno.FAULT);
}

/** The guest's memory as seen by host functions. */
export class GuestMemory {
  #memory: MemoryLike | null = null;
  #buffer: ArrayBufferLike = EMPTY;
  /** Re-take views only on detachment (a non-shared `WebAssembly.Memory`), see refresh. */
  #detaches = false;
  /** Bytes of memory (valid until the next {@linkcode refresh}). */
  u8: Uint8Array = new Uint8Array(EMPTY);
  /** Little-endian access to memory (valid until the next {@linkcode refresh}). */
  dv: DataView = new DataView(EMPTY);
  #scratch = new Uint8Array(4096);

  /** Attaches the memory that guest pointers refer to. */
  bind(memory: MemoryLike): void {
    this.#memory = memory;
    this.#buffer = EMPTY;
    this.u8 = new Uint8Array(EMPTY);
    this.#detaches = memory instanceof WebAssembly.Memory &&
      !(typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer);
    this.refresh();
  }

  /** True once {@linkcode bind} was called. */
  get bound(): boolean {
    return this.#memory !== null;
  }

  /**
   * Re-takes the views if the memory grew since the last call. Growing a
   * non-shared `WebAssembly.Memory` detaches its old buffer, which leaves our
   * view with length 0, so the common case costs one property read instead
   * of the `buffer` getter. A shared memory's old buffer stays valid but
   * short, and another `MemoryLike` may swap buffers without detaching:
   * those always ask.
   */
  refresh(): void {
    if (this.#detaches && this.u8.length !== 0) return;
    const m = this.#memory;
    if (m === null) {
      // A guest's start function runs before the loader can bind its memory
      // (Node's WASI refuses the same call): a trap, not a host error.
      throw new WebAssembly.RuntimeError(
        "WASI called before the guest's memory was bound (from the start function?)",
      );
    }
    const b = m.buffer;
    if (b !== this.#buffer) {
      this.#buffer = b;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
    }
  }

  /**
   * Checks that `[ptr, ptr+len)` is inside memory; returns `ptr` as unsigned.
   * `len` is a guest u32 (a negative i32 means a large length) or a length
   * computed from one, such as `count * 8`, which must not be truncated.
   */
  check(ptr: number, len: number): number {
    const p = ptr >>> 0;
    if (p + (len < 0 ? len >>> 0 : len) > this.u8.length) fault();
    return p;
  }

  /** Reads a u32. */
  u32(ptr: number): number {
    return this.dv.getUint32(this.check(ptr, 4), true);
  }

  /** Reads a u16. */
  u16(ptr: number): number {
    return this.dv.getUint16(this.check(ptr, 2), true);
  }

  /** Reads a u8. */
  u8At(ptr: number): number {
    return this.u8[this.check(ptr, 1)];
  }

  /** Reads a u64. */
  u64(ptr: number): bigint {
    return this.dv.getBigUint64(this.check(ptr, 8), true);
  }

  /** Writes a u8. */
  setU8(ptr: number, value: number): void {
    this.u8[this.check(ptr, 1)] = value;
  }

  /** Writes a u16. */
  setU16(ptr: number, value: number): void {
    this.dv.setUint16(this.check(ptr, 2), value, true);
  }

  /** Writes a u32. */
  setU32(ptr: number, value: number): void {
    this.dv.setUint32(this.check(ptr, 4), value, true);
  }

  /** Writes a u64 given as a bigint. */
  setU64(ptr: number, value: bigint): void {
    this.dv.setBigUint64(this.check(ptr, 8), value, true);
  }

  /** Writes a u64 given as a non-negative safe integer (no bigint allocation). */
  setU64n(ptr: number, value: number): void {
    const p = this.check(ptr, 8);
    this.dv.setUint32(p, value >>> 0, true);
    this.dv.setUint32(p + 4, Math.floor(value / 4294967296) >>> 0, true);
  }

  /** A view of `len` bytes at `ptr` (valid until the next {@linkcode refresh}). */
  bytes(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return this.u8.subarray(p, p + (len < 0 ? len >>> 0 : len));
  }

  /** Decodes a UTF-8 string of `len` bytes; invalid UTF-8 is `EILSEQ`. */
  string(ptr: number, len: number): string {
    const bytes = this.bytes(ptr, len);
    try {
      // A copy: TextDecoder refuses views of a SharedArrayBuffer.
      return decoder.decode(bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice());
    } catch {
      throw new WasiError(Errno.ILSEQ);
    }
  }

  /**
   * Checks an iovec array and returns the total length of its buffers.
   * Throws `EFAULT` for any buffer outside memory and `EINVAL` when the
   * total does not fit in a u32 (it could not be reported back).
   */
  iovecTotal(iovs: number, count: number): number {
    const base = this.check(iovs, (count >>> 0) * IOVEC.SIZE);
    let total = 0;
    for (let i = 0; i < count >>> 0; i++) {
      const at = base + i * IOVEC.SIZE;
      const len = this.dv.getUint32(at + IOVEC.LEN, true);
      this.check(this.dv.getUint32(at + IOVEC.BUF, true), len);
      total += len;
    }
    if (total > 0xffffffff) throw new WasiError(Errno.INVAL);
    return total;
  }

  /**
   * The bytes of a (checked) ciovec array as one buffer: a view of guest
   * memory when a single buffer is non-empty, else a copy in a scratch
   * buffer that the next call reuses.
   */
  gather(iovs: number, count: number, total: number): Uint8Array {
    const base = iovs >>> 0;
    const dv = this.dv;
    let single = -1;
    for (let i = 0; i < count >>> 0; i++) {
      if (dv.getUint32(base + i * IOVEC.SIZE + IOVEC.LEN, true) !== 0) {
        if (single !== -1) return this.#copyIn(base, count, total);
        single = i;
      }
    }
    if (single === -1) return this.u8.subarray(0, 0);
    const at = base + single * IOVEC.SIZE;
    const p = dv.getUint32(at + IOVEC.BUF, true);
    return this.u8.subarray(p, p + dv.getUint32(at + IOVEC.LEN, true));
  }

  #copyIn(base: number, count: number, total: number): Uint8Array {
    const out = this.scratch(total);
    let o = 0;
    for (let i = 0; i < count >>> 0; i++) {
      const at = base + i * IOVEC.SIZE;
      const p = this.dv.getUint32(at + IOVEC.BUF, true);
      const len = this.dv.getUint32(at + IOVEC.LEN, true);
      out.set(this.u8.subarray(p, p + len), o);
      o += len;
    }
    return out;
  }

  /**
   * A destination for reading `total` bytes into a (checked) iovec array: a
   * view of guest memory for a single buffer, else scratch space whose bytes
   * {@linkcode scatter} then distributes.
   */
  scatterTarget(iovs: number, count: number, total: number): Uint8Array {
    const base = iovs >>> 0;
    if ((count >>> 0) === 1) {
      const p = this.dv.getUint32(base + IOVEC.BUF, true);
      return this.u8.subarray(p, p + total);
    }
    return this.scratch(total);
  }

  /**
   * Copies the first `n` bytes of `data` into a (checked) iovec array, in
   * order; a no-op when `data` is already guest memory.
   */
  scatter(iovs: number, count: number, data: Uint8Array, n: number): void {
    if (data.buffer === this.u8.buffer) return;
    const base = iovs >>> 0;
    let o = 0;
    for (let i = 0; i < count >>> 0 && o < n; i++) {
      const at = base + i * IOVEC.SIZE;
      const p = this.dv.getUint32(at + IOVEC.BUF, true);
      const len = Math.min(this.dv.getUint32(at + IOVEC.LEN, true), n - o);
      this.u8.set(data.subarray(o, o + len), p);
      o += len;
    }
  }

  /** A reusable host-side buffer of at least `n` bytes (contents undefined). */
  scratch(n: number): Uint8Array {
    if (this.#scratch.length < n) {
      this.#scratch = new Uint8Array(Math.max(n, this.#scratch.length * 2));
    }
    return this.#scratch.subarray(0, n);
  }
}

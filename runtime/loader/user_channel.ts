/**
 * The user loader's syscall channel: one growable SharedArrayBuffer per
 * guest, written by the worker (request) and the kernel side (response) in
 * turn, with `Atomics.wait` (worker) and `Atomics.waitAsync` (kernel).
 *
 * ```text
 *   bytes 0..63     header: Int32 words, see H
 *   bytes 64..191   arguments: 16 slots of 8 bytes (Float64, or BigInt64 for i64)
 *   bytes 192..     data: request ranges [kind, ptr, len, countPtr, bytes…],
 *                   then (from H.OUT_AT) the response's [ptr, len, bytes…]
 * ```
 *
 * The worker grows the buffer before a request whose data would not fit
 * (the kernel's views track the length), so no call is ever split.
 *
 * @module
 */

/** Header word indices. */
export const H = {
  /** {@linkcode State}. */
  STATE: 0,
  /** Index of the called function in the start message's list. */
  CALL: 1,
  /** Number of arguments. */
  NARGS: 2,
  /** Bit i set: argument i is an i64 (in the BigInt64 view). */
  I64_MASK: 3,
  /** Number of request ranges. */
  NRANGES: 4,
  /** Guest memory size in 64 KiB pages. */
  PAGES: 5,
  /** Byte offset where the response's ranges start. */
  OUT_AT: 6,
  /** Response: {@linkcode Status}. */
  STATUS: 7,
  /** Response: number of ranges copied back. */
  NOUT: 8,
  /** Response: 1 when the result is an i64 (argument slot 0, BigInt64). */
  RESULT_I64: 9,
} as const;

/** Values of `H.STATE`. */
export const State = {
  /** Nothing pending. */
  idle: 0,
  /** The worker wrote a request and waits. */
  request: 1,
  /** The kernel side wrote the response. */
  response: 2,
  /** The guest is gone; the kernel side stops serving. */
  closed: 3,
} as const;

/** Values of `H.STATUS`. */
export const Status = {
  /** The call returned; its result is in argument slot 0 (Float64 or BigInt64). */
  ok: 0,
  /** The call ended the guest (`proc_exit`): the exit code is argument slot 0. */
  exit: 1,
} as const;

/** Byte offset of the argument slots. */
export const ARGS_AT = 64;
/** Most arguments of a host call. */
export const MAX_ARGS = 16;
/** Byte offset of the data area. */
export const DATA_AT: number = ARGS_AT + MAX_ARGS * 8;
/** Initial size of a channel. */
export const INITIAL_BYTES = 1 << 16;
/** Most a channel may grow to: any call's ranges of a 4 GiB memory, twice, and the header. */
export const MAX_BYTES: number = 2 ** 33 + DATA_AT;

/** Views of a channel; they track the buffer's length when it grows. */
export class Channel {
  /** The buffer. */
  readonly sab: SharedArrayBuffer;
  /** Header words. */
  readonly i32: Int32Array;
  /** Argument slots as numbers. */
  readonly f64: Float64Array;
  /** Argument slots as i64. */
  readonly i64: BigInt64Array;
  /** All bytes (length-tracking). */
  readonly u8: Uint8Array;
  /** All bytes (length-tracking). */
  readonly dv: DataView;

  /** Views of `sab`. */
  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.i32 = new Int32Array(sab, 0, 16);
    this.f64 = new Float64Array(sab, ARGS_AT, MAX_ARGS);
    this.i64 = new BigInt64Array(sab, ARGS_AT, MAX_ARGS);
    this.u8 = new Uint8Array(sab);
    this.dv = new DataView(sab);
  }

  /** A new growable channel. */
  static create(): Channel {
    const Growable = SharedArrayBuffer as unknown as new (
      n: number,
      o: { maxByteLength: number },
    ) => SharedArrayBuffer;
    return new Channel(new Growable(INITIAL_BYTES, { maxByteLength: MAX_BYTES }));
  }

  /** Grows the buffer to at least `bytes` (worker side, before a request). */
  ensure(bytes: number): void {
    if (this.sab.byteLength >= bytes) return;
    const grow = (this.sab as unknown as { grow(n: number): void }).grow;
    grow.call(this.sab, Math.min(MAX_BYTES, Math.max(bytes, this.sab.byteLength * 2)));
  }
}

/** Rounds up to a multiple of 8 (ranges start 8-aligned). */
export function align8(n: number): number {
  return n + 7 - ((n + 7) % 8);
}

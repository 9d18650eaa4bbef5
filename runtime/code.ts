/**
 * Building {@linkcode Code} streams: a growable `Int32Array` of opcode ids
 * and immediate words (layout in `runtime/opcodes.ts`), with the byte offset
 * of every instruction beside it.
 *
 * @module
 */

import type { Code } from "./module.ts";

/** Appends instructions to a code stream; `finish()` returns the exact-size result. */
export class CodeBuilder {
  #ops: Int32Array;
  #offsets: Uint32Array;
  #len = 0;
  #count = 0;

  /** Creates a builder with room for `capacity` words. */
  constructor(capacity = 64) {
    this.#ops = new Int32Array(Math.max(capacity, 8));
    this.#offsets = new Uint32Array(Math.max(capacity >> 1, 8));
  }

  /** Number of words written so far (the position the next word goes to). */
  get length(): number {
    return this.#len;
  }

  /** Starts an instruction: its opcode id, and its byte offset in the module. */
  op(id: number, offset = 0): void {
    if (this.#count === this.#offsets.length) {
      const grown = new Uint32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[this.#count++] = offset;
    this.word(id);
  }

  /** Appends one immediate word. */
  word(w: number): void {
    if (this.#len === this.#ops.length) {
      const grown = new Int32Array(this.#ops.length * 2);
      grown.set(this.#ops);
      this.#ops = grown;
    }
    this.#ops[this.#len++] = w;
  }

  /** Overwrites the word at `pos` (for counts known only later). */
  patch(pos: number, w: number): void {
    this.#ops[pos] = w;
  }

  /** Empties the builder for reuse, keeping its buffers. */
  reset(): void {
    this.#len = 0;
    this.#count = 0;
  }

  /** Copies out what was built. */
  finish(): Code {
    return {
      ops: this.#ops.slice(0, this.#len),
      offsets: this.#offsets.slice(0, this.#count),
    };
  }
}

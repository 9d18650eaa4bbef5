/**
 * Where the re-encoder writes instruction streams: one growing arena of
 * words for a whole module, each finished body a `subarray` view of it.
 * Copying every body out into its own typed arrays (as `CodeBuilder.finish`
 * does) cost the guard pass a third of its time in allocation and garbage
 * collection on a 4700-function module; a view costs one small object.
 *
 * The arena grows by starting a new chunk (twice the size, or at least twice
 * the unfinished body, which moves along); finished views keep their old
 * chunk alive.
 *
 * @module
 */

import type { Code } from "../module.ts";

/** Words of the first chunk. */
const CHUNK = 1 << 16;

/** Appends instructions; {@linkcode CodeArena.finish} returns the body written since the last one. */
export class CodeArena {
  #ops = new Int32Array(CHUNK);
  #offsets = new Uint32Array(CHUNK >> 1);
  #len = 0;
  #count = 0;
  #start = 0;
  #startCount = 0;

  /** Starts an instruction: its opcode id and the byte offset it stands for. */
  op(id: number, offset = 0): void {
    if (this.#count === this.#offsets.length) this.#growOffsets();
    this.#offsets[this.#count++] = offset;
    if (this.#len === this.#ops.length) this.#growOps();
    this.#ops[this.#len++] = id;
  }

  /** Appends one immediate word. */
  word(w: number): void {
    if (this.#len === this.#ops.length) this.#growOps();
    this.#ops[this.#len++] = w;
  }

  /** Ends the current body and returns it (views of the arena: do not write to them). */
  finish(): Code {
    const code = {
      ops: this.#ops.subarray(this.#start, this.#len),
      offsets: this.#offsets.subarray(this.#startCount, this.#count),
    };
    this.#start = this.#len;
    this.#startCount = this.#count;
    return code;
  }

  #growOps(): void {
    const pending = this.#len - this.#start;
    const next = new Int32Array(Math.max(this.#ops.length * 2, pending * 2));
    next.set(this.#ops.subarray(this.#start, this.#len));
    this.#ops = next;
    this.#len = pending;
    this.#start = 0;
  }

  #growOffsets(): void {
    const pending = this.#count - this.#startCount;
    const next = new Uint32Array(Math.max(this.#offsets.length * 2, pending * 2));
    next.set(this.#offsets.subarray(this.#startCount, this.#count));
    this.#offsets = next;
    this.#count = pending;
    this.#startCount = 0;
  }
}

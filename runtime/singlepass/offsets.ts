/**
 * The map from guarded-module positions back to the original module, built
 * only when a trap needs it (codegen keeps nothing for it, and a module
 * loaded from the cache never ran codegen at all).
 *
 * The guard pass tags every instruction it emits with the byte offset of the
 * original instruction it stands for, so instruction *k* of a guarded body
 * knows its original offset. Decoding the guarded binary gives the guarded
 * byte offset of the same instruction *k*. The map therefore needs the guard
 * pass run again over the original module, and the guarded binary decoded —
 * both deterministic, both done once per compiled module.
 *
 * @module
 */

import { decode } from "../binary/decode.ts";
import type { Code, Module, Names } from "../module.ts";
import { instrWords } from "../opcodes.ts";
import { guard, type GuardOptions } from "./guard.ts";
import type { GuardLayout } from "./layout.ts";
import type { WasmFrame } from "./traps.ts";
import { loneNullSlot } from "./scan.ts";

/** A guarded-module frame mapped back: the original frame, and the instruction there. */
export interface MappedFrame {
  /** The frame in the original module. */
  frame: WasmFrame;
  /** Opcode id of the instruction. */
  op: number;
  /** Its first immediate word as emitted (for `call_indirect`: the type index). */
  imm: number;
  /** Its second immediate word (for `call_indirect`: the table index). */
  imm2: number;
  /** Whether it stands for the function's first instruction (its entry guard, say). */
  entry: boolean;
}

/** Finds original frames for positions in a guarded module. */
export class OffsetMap {
  readonly #original: () => Module;
  readonly #guarded: Uint8Array;
  readonly #options: GuardOptions;
  readonly #layout: GuardLayout;
  /** Inner bodies as emitted (original offsets) and as decoded (guarded offsets). */
  #bodies: { emitted: Code[]; decoded: Code[]; names: Names | null } | null = null;
  #module: Module | null = null;
  /**
   * Frames mapped so far, by `func * 2^32 + offset`: a deep recursion's
   * backtrace is a thousand frames at the same few positions.
   */
  readonly #mapped = new Map<number, MappedFrame | null>();

  /**
   * A map for `guarded`, the encoded result of guarding with `options` the
   * module `original` returns (called only when a trap needs the map).
   */
  constructor(
    original: () => Module,
    guarded: Uint8Array,
    options: GuardOptions,
    layout: GuardLayout,
  ) {
    this.#original = original;
    this.#guarded = guarded;
    this.#options = options;
    this.#layout = layout;
  }

  /**
   * The original frame of byte `offset` in guarded function `func`, with the
   * instruction there; null for functions the guard pass added.
   */
  frame(func: number, offset: number): MappedFrame | null {
    const key = func * 0x1_0000_0000 + offset;
    let mapped = this.#mapped.get(key);
    if (mapped === undefined) this.#mapped.set(key, mapped = this.#map(func, offset));
    return mapped;
  }

  #map(func: number, offset: number): MappedFrame | null {
    const { innerBase, wrapperBase, importedFuncs, definedFuncs } = this.#layout;
    if (func < innerBase || func >= wrapperBase) return null;
    const defined = func - innerBase;
    const bodies = this.#bodies ??= this.#build();
    const decoded = bodies.decoded[definedFuncs + defined];
    const emitted = bodies.emitted[definedFuncs + defined];
    // The last instruction starting at or before `offset`.
    const at = decoded.offsets;
    let lo = 0, hi = at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    let pc = 0;
    for (let k = 0; k < lo; k++) pc += instrWords(decoded.ops, pc);
    const index = importedFuncs + defined;
    return {
      // Frozen: every backtrace with this frame shares the object.
      frame: Object.freeze({
        func: index,
        name: bodies.names?.functions.get(index) ?? null,
        offset: emitted.offsets[lo],
      }),
      op: decoded.ops[pc],
      imm: decoded.ops[pc + 1],
      imm2: decoded.ops[pc + 2],
      entry: emitted.offsets[lo] === emitted.offsets[0],
    };
  }

  /** {@linkcode loneNullSlot} of the original module's table `table`. */
  loneNullSlot(table: number): number | null {
    return loneNullSlot(this.#module ??= this.#original(), table);
  }

  #build(): { emitted: Code[]; decoded: Code[]; names: Names | null } {
    const original = this.#module ??= this.#original();
    const emitted = guard(original, this.#options).module.funcs.map((f) => f.body);
    const decoded = decode(this.#guarded, { wasm3: true }).funcs.map((f) => f.body);
    return { emitted, decoded, names: original.names };
  }
}

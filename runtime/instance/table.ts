/**
 * A table of references shared between instances: kwasm's counterpart of
 * `WebAssembly.Table`. Elements are kept in the engine's internal form
 * (`FuncRef` objects for funcref tables, any JS value for externref, null
 * for the null reference), so `call_indirect` reads its target without a
 * conversion; `get`/`set` convert to and from the JS API's values.
 *
 * @module
 */

import type { TableLike } from "../engine.ts";
import type { TableType } from "../module.ts";
import { ValType } from "../types.ts";
import { type FuncRef, funcRefOf } from "./func_ref.ts";

/**
 * The most elements a table may have. The spec allows up to 2^32 - 1; a
 * cap keeps `table.grow` of a huge delta an orderly -1 instead of an
 * out-of-memory crash of the host.
 */
export const MAX_TABLE_ELEMENTS = 10_000_000;

/** A table: its type and its elements. */
export class Table implements TableLike {
  /** Element type and limits (`min` is the initial size). */
  readonly type: TableType;
  /** The elements in internal form (FuncRef, extern value, or null). */
  elements: unknown[];

  /**
   * Creates a table of `type.min` elements set to `init` (internal form).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Table } from "./table.ts";
   * import { ValType } from "../types.ts";
   * const t = new Table({ element: ValType.externref, min: 2, max: 3, index64: false });
   * assert.equal(t.grow(1, "x"), 2);
   * assert.equal(t.get(2), "x");
   * assert.equal(t.growRaw(1, null), -1); // beyond max
   * ```
   */
  constructor(type: TableType, init: unknown = null) {
    this.type = type;
    this.elements = new Array(type.min).fill(init);
  }

  /** Number of elements. */
  get length(): number {
    return this.elements.length;
  }

  /** Element `index` as a JS value (a function for funcref tables). */
  get(index: number): unknown {
    const i = this.#check(index);
    const e = this.elements[i];
    return e !== null && this.type.element === ValType.funcref ? (e as FuncRef).toJS() : e;
  }

  /** Sets element `index` from a JS value (funcref tables take exported wasm functions). */
  set(index: number, value: unknown = null): void {
    this.elements[this.#check(index)] = this.#internal(value);
  }

  /** Grows by `delta` elements set to `init` (a JS value); returns the old length. */
  grow(delta: number, init: unknown = null): number {
    const old = this.growRaw(delta, this.#internal(init));
    if (old < 0) throw new RangeError("failed to grow table");
    return old;
  }

  /** Grows by `delta` elements set to `init` (internal form); the old length, or -1. */
  growRaw(delta: number, init: unknown): number {
    const old = this.elements.length;
    const want = old + delta;
    const max = Math.min(this.type.max ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS);
    if (want > max) return -1;
    for (let i = old; i < want; i++) this.elements.push(init);
    return old;
  }

  #check(index: number): number {
    if (!(index >= 0 && index < this.elements.length)) {
      throw new RangeError("table index out of range");
    }
    return index;
  }

  #internal(v: unknown): unknown {
    if (v === null || this.type.element !== ValType.funcref) return v ?? null;
    const ref = funcRefOf(v);
    if (ref === undefined) throw new TypeError("type incompatibility: not a wasm function");
    return ref;
  }
}

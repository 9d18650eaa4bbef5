/**
 * Function types the guard pass adds to a module: interned so that each
 * signature is added once, appended after the module's own types so that no
 * type index moves.
 *
 * @module
 */

import type { Module } from "../module.ts";
import type { ValType } from "../types.ts";

/** Interns function types to be appended to a module whose type section has `base` entries. */
export class TypeTable {
  readonly #base: number;
  readonly #added: { params: ValType[]; results: ValType[] }[] = [];
  readonly #index = new Map<string, number>();

  /** Creates a table for a module with `base` types. */
  constructor(base: number) {
    this.#base = base;
  }

  /** The index of the function type `params → results`, added if new. */
  intern(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(",")}:${results.join(",")}`;
    let index = this.#index.get(key);
    if (index === undefined) {
      index = this.#base + this.#added.length;
      this.#added.push({ params: [...params], results: [...results] });
      this.#index.set(key, index);
    }
    return index;
  }

  /** Appends the interned types to `m` (after its `base` types), each in its own rec group. */
  appendTo(m: Module): void {
    if (m.types.length !== this.#base) throw new Error("type section changed under the TypeTable");
    for (const t of this.#added) {
      const index = m.types.length;
      m.types.push({ final: true, supers: [], composite: { kind: "func", ...t } });
      // A module that records its groups gets one implicit group per added type.
      if (m.recGroups.length > 0) m.recGroups.push({ start: index, size: 1, explicit: false });
    }
  }
}

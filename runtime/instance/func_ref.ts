/**
 * Function references across backends: every function a backend hands out
 * to JavaScript (an export, a table element, a funcref result) is a JS
 * function registered here with the reference it stands for, so that
 * passing it back in (as an import, a table element, an argument) finds the
 * engine's own function again, with its type for link checks and
 * `call_indirect`.
 *
 * Function types are compared structurally (2.0: same params and results);
 * {@linkcode sigId} interns each type as a small integer so the check is one
 * `===`.
 *
 * @module
 */

import type { HostFunction } from "../engine.ts";
import type { FuncType } from "../module.ts";

/** A function as an engine sees it: its type and its JS face. */
export interface FuncRef {
  /** The function's type. */
  readonly type: FuncType;
  /** {@linkcode sigId} of `type`. */
  readonly sig: number;
  /** The JS function that stands for this reference (always the same object). */
  toJS(): HostFunction;
}

const REFS = new WeakMap<HostFunction, FuncRef>();
const SIGS = new Map<string, number>();

/** Records that `js` is the JS face of `ref`. */
export function registerFunction(js: HostFunction, ref: FuncRef): void {
  REFS.set(js, ref);
}

/** The reference a JS function stands for, or undefined for a plain host function. */
export function funcRefOf(js: unknown): FuncRef | undefined {
  return typeof js === "function" ? REFS.get(js as HostFunction) : undefined;
}

/**
 * A small integer identifying a function type up to structural equality:
 * two types get the same id exactly when their params and results are equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigId } from "./func_ref.ts";
 * const a = sigId({ kind: "func", params: [0x7f], results: [] });
 * assert.equal(a, sigId({ kind: "func", params: [0x7f], results: [] }));
 * assert.notEqual(a, sigId({ kind: "func", params: [], results: [0x7f] }));
 * ```
 */
export function sigId(t: FuncType): number {
  const key = `${t.params.join(",")}:${t.results.join(",")}`;
  let id = SIGS.get(key);
  if (id === undefined) {
    id = SIGS.size;
    SIGS.set(key, id);
  }
  return id;
}

/**
 * The validator: checks a decoded {@linkcode Module} against the rules of
 * WebAssembly 2.0 (the spec's validation algorithm), throwing an
 * {@linkcode InvalidError} whose message starts with the spec test suite's
 * phrase ("type mismatch", "unknown local 3", …) followed by the byte offset
 * of the offending instruction where there is one.
 *
 * @example
 * ```ts
 * import { validate } from "./mod.ts";
 * import { emptyModule } from "../module.ts";
 *
 * validate(emptyModule()); // an empty module is valid
 * ```
 *
 * @module
 */

import { InvalidError } from "../errors.ts";
import type { Module } from "../module.ts";
import { validateModule } from "./module.ts";

/**
 * Validates `m`; returns normally when it is valid.
 *
 * @throws {InvalidError} the first rule broken, in the reference interpreter's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validate } from "./mod.ts";
 * import { emptyModule } from "../module.ts";
 *
 * const m = emptyModule();
 * m.start = 0; // there is no function 0
 * assert.throws(() => validate(m), { message: "unknown function 0" });
 * ```
 */
export function validate(m: Module): void {
  validateModule(m);
}

export { InvalidError };

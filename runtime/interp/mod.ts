/**
 * The `interp` backend: an interpreter for WebAssembly 2.0 written in
 * TypeScript. Each function body is lowered once into a compact register
 * code (`lower.ts`) and run by one dispatch loop (`exec.ts`) on an explicit
 * frame stack, so a guest can be suspended at any host call that returns a
 * Promise, metered with fuel, interrupted, and bounded in call depth
 * exactly. README.md describes the design.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interpEngine } from "./mod.ts";
 * import { decode } from "../binary/decode.ts";
 * import { validate } from "../validate/mod.ts";
 *
 * // (module (func (export "add") (param i32 i32) (result i32)
 * //   local.get 0 local.get 1 i32.add))
 * const bytes = new Uint8Array([
 *   0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0,
 *   7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
 * ]);
 * const module = decode(bytes);
 * validate(module);
 * const instance = await interpEngine().compile(module).instantiate();
 * assert.deepEqual(instance.invoke("add", [2, 40]), [42]);
 * const add = instance.exports.add as (a: number, b: number) => number;
 * assert.equal(add(-1, 1), 0);
 * ```
 *
 * @module
 */

import type {
  CompiledModule,
  Engine,
  EngineConfig,
  Imports,
  Instance,
  InstantiateOptions,
} from "../engine.ts";
import { MAX_TABLE_ELEMENTS } from "../instance/table.ts";
import type { Module } from "../module.ts";
import { instantiate } from "./instance.ts";
import { type LoweredModule, lowerModule } from "./lower.ts";

export type { Engine, EngineConfig } from "../engine.ts";

/** A module lowered for the interpreter. */
class InterpModule implements CompiledModule {
  readonly module: Module;
  readonly #lowered: LoweredModule;
  readonly #config: Readonly<EngineConfig>;

  constructor(module: Module, config: Readonly<EngineConfig>) {
    // Tables are JS arrays: a valid `(table 0xffffffff funcref)` would spend
    // seconds and gigabytes filling one. Same limit and words as V8's (singlepass).
    for (const t of module.tables) {
      if (t.type.min > MAX_TABLE_ELEMENTS) {
        throw new WebAssembly.CompileError(
          `initial table size (${t.type.min} elements) is larger than implementation limit ` +
            `(${MAX_TABLE_ELEMENTS} elements)`,
        );
      }
    }
    this.module = module;
    this.#config = config;
    this.#lowered = lowerModule(module);
  }

  instantiate(imports: Imports = {}, options: InstantiateOptions = {}): Promise<Instance> {
    return instantiate(this.module, this.#lowered, this.#config, imports, options);
  }
}

/**
 * Creates the interpreter engine with `config` (call depth bound, memory
 * bound, fuel metering).
 */
export function interpEngine(config: EngineConfig = {}): Engine {
  const frozen = Object.freeze({ ...config });
  return {
    name: "interp",
    config: frozen,
    compile: (module: Module) => new InterpModule(module, frozen),
  };
}

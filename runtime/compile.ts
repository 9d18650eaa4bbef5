/**
 * The library's front door: bytes or text in, a compiled module out, on the
 * backend of your choice. Everything it does is available piecemeal
 * (`decode`/`parseWat`, `validate`, `engineByName(...).compile`); this is the
 * short way.
 *
 * @module
 */

import { decode } from "./binary/decode.ts";
import type { CompiledModule, EngineConfig } from "./engine.ts";
import { engineByName, engineNames } from "./engines.ts";
import type { Module } from "./module.ts";
import { parseWat } from "./text/mod.ts";
import { validate } from "./validate/mod.ts";

/** Options of {@linkcode compile}: the backend and its configuration. */
export interface CompileOptions extends EngineConfig {
  /** `"singlepass"` (default) or `"interp"`. */
  backend?: string;
}

/**
 * Decodes (a `Uint8Array`) or parses (a string in the text format) a module,
 * validates it, and compiles it with the chosen backend. A `Module` is only
 * validated and compiled.
 *
 * @throws {WebAssembly.CompileError} a `MalformedError`, `TextError` or
 * `InvalidError` when the module is not well-formed or not valid.
 * @throws {TypeError} for an unknown backend.
 *
 * @example
 * ```ts
 * import { compile } from "./compile.ts";
 * const compiled = await compile(
 *   `(module (func (export "add") (param i32 i32) (result i32)
 *      (i32.add (local.get 0) (local.get 1))))`,
 *   { backend: "interp" },
 * );
 * const { exports } = await compiled.instantiate();
 * console.assert((exports.add as (a: number, b: number) => number)(2, 3) === 5);
 * ```
 */
export async function compile(
  source: Uint8Array | string | Module,
  options: CompileOptions = {},
): Promise<CompiledModule> {
  const { backend = "singlepass", ...config } = options;
  const engine = engineByName(backend, config);
  if (engine === null) {
    throw new TypeError(`unknown backend '${backend}' (known: ${engineNames().join(", ")})`);
  }
  const module = source instanceof Uint8Array
    ? decode(source)
    : typeof source === "string"
    ? parseWat(source)
    : source;
  validate(module);
  return (await engine).compile(module);
}

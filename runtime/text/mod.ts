/**
 * The WebAssembly text format: `.wat` modules and `.wast` scripts.
 *
 * - {@linkcode parseWat}: the whole 2.0 text format (folded and flat
 *   instructions, every abbreviation, symbolic indices, every literal form)
 *   into the shared {@linkcode Module}. Validation is a separate step
 *   (`runtime/validate`), as for a decoded binary.
 * - {@linkcode parseWast}: a spec test script into typed commands.
 * - {@linkcode printWat}: a {@linkcode Module} back into text (what
 *   `wasm2wat` does); `parseWat(printWat(m))` encodes to the bytes of `m`.
 *
 * Errors are {@linkcode TextError}s (a `MalformedError`, so a
 * `WebAssembly.CompileError`) whose message starts with the spec test suite's
 * phrase and ends with `(at line:column)`.
 *
 * **Names.** The `$id`s of the module, its functions and their parameters and
 * locals are kept in `Module.names`, so the encoder writes a `name` section
 * and backtraces show them (like `wat2wasm --debug-names`; the spec
 * interpreter and `wast2json` write none). Pass `{ names: false }` for a
 * module without it.
 *
 * @example
 * ```ts
 * import { parseWat } from "./mod.ts";
 * const m = parseWat(`(module (func $add (export "add") (param i32 i32) (result i32)
 *   (i32.add (local.get 0) (local.get 1))))`);
 * console.assert(m.exports[0].name === "add" && m.names?.functions.get(0) === "add");
 * ```
 *
 * @module
 */

import type { Module } from "../module.ts";
import { Cursor } from "./cursor.ts";
import { lex } from "./lexer.ts";
import { parseModuleText, type ParseOptions } from "./parser.ts";
import { parseScript, type WastCommand } from "./wast.ts";

export { TextError } from "./errors.ts";
export { moduleOf, type ModuleSource, type ParseOptions } from "./parser.ts";
export { type PrintOptions, printWat } from "./print.ts";
export type {
  ActionCommand,
  AssertAction,
  AssertModule,
  AssertReturn,
  ModuleCommand,
  NanPattern,
  RegisterCommand,
  V128Expected,
  V128Lane,
  V128Value,
  WastAction,
  WastCommand,
  WastExpected,
  WastModule,
  WastValue,
} from "./wast.ts";

const encoder = new TextEncoder();

function bytesOf(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? encoder.encode(text) : text;
}

/**
 * Parses a module in the text format: `(module …)`, bare module fields, or
 * `(module binary "…")` / `(module quote "…")`. A `Uint8Array` is read as
 * UTF-8 source (scripts quote modules as bytes, which need not be UTF-8).
 *
 * @throws {TextError} when the text is malformed (the message starts with the
 * spec suite's phrase: "unexpected token", "unknown operator", …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWat } from "./mod.ts";
 * assert.throws(() => parseWat("(module (func (br $missing)))"), {
 *   message: /^unknown label \$missing/,
 * });
 * const m = parseWat("(memory 1) (data (i32.const 8) \"hi\")");
 * assert.equal(m.datas[0].bytes.length, 2);
 * ```
 */
export function parseWat(text: string | Uint8Array, options: ParseOptions = {}): Module {
  return parseModuleText(bytesOf(text), options);
}

/**
 * Parses a WAST script into its commands, in order.
 *
 * @throws {TextError} when the script itself is malformed (modules under
 * `assert_malformed` are kept as source, not parsed).
 *
 * @example
 * ```ts
 * import { parseWast } from "./mod.ts";
 * const cmds = parseWast(`(module (func (export "f") (result i32) (i32.const 7)))
 *   (assert_return (invoke "f") (i32.const 7))`);
 * console.assert(cmds.length === 2 && cmds[1].type === "assert_return");
 * ```
 */
export function parseWast(text: string | Uint8Array, options: ParseOptions = {}): WastCommand[] {
  const src = bytesOf(text);
  return parseScript(new Cursor(lex(src)), options);
}

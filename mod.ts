/**
 * kwasm: a WebAssembly runtime for Deno.
 *
 * The pipeline is `bytes | text ──decode | parseWat──▶ Module ──validate──▶
 * Module ──encode | printWat──▶ bytes | text`, with one data model
 * ({@linkcode Module}) shared by every stage and one opcode table
 * ({@linkcode OPS}) that drives them all. Execution backends implement
 * {@linkcode Engine}; WASI and the `net` module build on this foundation.
 *
 * @example Decode, validate and re-encode a module
 * ```ts
 * import { decode, encode, validate } from "@kwasm/kwasm";
 *
 * // (module (func (export "answer") (result i32) i32.const 42))
 * const bytes = new Uint8Array([
 *   0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
 *   0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
 *   0x03, 0x02, 0x01, 0x00,
 *   0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00,
 *   0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
 * ]);
 * const module = decode(bytes);
 * validate(module);
 * console.assert(module.exports[0].name === "answer");
 * console.assert(encode(module).length === bytes.length);
 * ```
 *
 * @example Run a function on the interpreter
 * ```ts
 * import { interpEngine, parseWat, validate } from "@kwasm/kwasm";
 * const module = parseWat(`(module (func (export "fac") (param i64) (result i64)
 *   (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
 *     (else (i64.mul (local.get 0) (call 0 (i64.sub (local.get 0) (i64.const 1))))))))`);
 * validate(module);
 * const instance = await interpEngine().compile(module).instantiate();
 * console.assert((await instance.invoke("fac", [20n]))[0] === 2432902008176640000n);
 * ```
 *
 * @example Parse the text format
 * ```ts
 * import { encode, parseWat, validate } from "@kwasm/kwasm";
 * const module = parseWat(`(module (func (export "add") (param i32 i32) (result i32)
 *   (i32.add (local.get 0) (local.get 1))))`);
 * validate(module);
 * console.assert(WebAssembly.validate(encode(module)));
 * ```
 *
 * @module
 */

export { decode, type DecodeOptions } from "./runtime/binary/decode.ts";
export { encode } from "./runtime/binary/encode.ts";
export { validate } from "./runtime/validate/mod.ts";
export * from "./runtime/text/mod.ts";
export { type RunOptions, runScript, type ScriptResult } from "./runtime/script/run.ts";
export { interpEngine } from "./runtime/interp/mod.ts";
export { engineByName, engineNames } from "./runtime/engines.ts";
export { compile, type CompileOptions } from "./runtime/compile.ts";
export { type KernelOptions, runKernel } from "./runtime/loader/kernel.ts";
export type {
  CompiledModule,
  Engine,
  EngineConfig,
  Exports,
  ExternValue,
  GlobalLike,
  HostFunction,
  Imports,
  Instance,
  InstantiateOptions,
  RawValue,
  RefValue,
  TableLike,
} from "./runtime/engine.ts";
export { Exhaustion, InvalidError, LinkError, MalformedError, Trap } from "./runtime/errors.ts";
export { CodeBuilder } from "./runtime/code.ts";
export {
  forEachInstr,
  type Imm,
  instrWords,
  type Mnemonic,
  Op,
  OPCODE_TABLE,
  type OpcodeRow,
  type OpInfo,
  type OpKey,
  OPS,
  type Underscored,
} from "./runtime/opcodes.ts";
export {
  BLOCK_EMPTY,
  blockOfValType,
  HeapType,
  heapTypeName,
  refType,
  ValType,
  valTypeName,
} from "./runtime/types.ts";
export * from "./runtime/module.ts";

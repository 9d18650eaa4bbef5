/**
 * The `singlepass` backend: one pass over the module inserts guards — a call
 * depth bound, interrupt checks at function entries and loop headers, fuel
 * metering when asked for — and the guarded copy runs on the host engine
 * (V8) at native speed. Traps come back with the spec's messages and a
 * backtrace of the original module; host functions may return Promises
 * (JS Promise Integration).
 *
 * ```text
 *   Module ──guard()──▶ guarded Module ──encode──▶ bytes ──V8──▶ WebAssembly.Module
 *                                                    ▲ cache (keyed by the original bytes)
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { singlepass } from "./mod.ts";
 * import { decode } from "../binary/decode.ts";
 * import { validate } from "../validate/mod.ts";
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
 * const engine = singlepass({ cache: false });
 * const instance = await engine.compile(module).instantiate();
 * assert.equal((instance.exports.answer as () => number)(), 42);
 * ```
 *
 * @module
 */

import { decode } from "../binary/decode.ts";
import { encode } from "../binary/encode.ts";
import type { Engine, EngineConfig } from "../engine.ts";
import type { Module } from "../module.ts";
import { defaultCacheDir, GuardCache } from "./cache.ts";
import { guard, guardLayout, type GuardOptions } from "./guard.ts";
import { decodeHeader } from "./header.ts";
import { type CompileContext, SinglepassModule } from "./instance.ts";
import { OffsetMap } from "./offsets.ts";
import { Store } from "./store.ts";
import { validate } from "../validate/mod.ts";

export { SinglepassInstance, SinglepassModule } from "./instance.ts";
export type { GuardLayout } from "./layout.ts";
export { MAY_SUSPEND, maySuspend, suspends } from "./jspi.ts";
export { translateError } from "./traps.ts";
export { CODEGEN_VERSION, defaultCacheDir } from "./cache.ts";

/** The default call depth bound, as the interpreter's. */
export const DEFAULT_MAX_WASM_STACK = 100_000;

/** V8's limit on the functions of a module (`kV8MaxWasmFunctions`). */
const HOST_MAX_FUNCTIONS = 1_000_000;

/** Configuration of a singlepass engine. */
export interface SinglepassConfig extends EngineConfig {
  /**
   * Where to cache guarded modules: a folder, `false` for no cache, or
   * `true`/absent for {@linkcode defaultCacheDir}. The cache is used only
   * when `compile` is given the original bytes.
   */
  cache?: string | boolean;
}

/** Options of {@linkcode SinglepassEngine.compile}. */
export interface CompileOptions {
  /**
   * The binary `module` was decoded from: the cache key. Without it the
   * cache is not consulted.
   */
  bytes?: Uint8Array;
}

/** How the last `compile` went, for start-up measurements. */
export interface CompileStats {
  /** Whether the guarded binary came from the cache. */
  cached: boolean;
  /** Milliseconds in the guard pass and encoder (0 when cached). */
  codegenMs: number;
  /** Milliseconds in `new WebAssembly.Module`. */
  hostCompileMs: number;
  /** Size of the guarded binary. */
  guardedBytes: number;
}

/** The singlepass engine. */
export class SinglepassEngine implements Engine {
  /** `"singlepass"`. */
  readonly name = "singlepass";
  /** The configuration the engine was created with. */
  readonly config: Readonly<SinglepassConfig>;
  /** Statistics of the latest {@linkcode SinglepassEngine.compile}. */
  lastCompile: CompileStats | null = null;
  readonly #options: GuardOptions;
  readonly #context: CompileContext;
  readonly #cache: GuardCache | null;

  /** Creates an engine; see {@linkcode SinglepassConfig}. */
  constructor(config: SinglepassConfig = {}) {
    this.config = Object.freeze({ ...config });
    this.#options = {
      maxWasmStack: config.maxWasmStack ?? DEFAULT_MAX_WASM_STACK,
      fuel: config.fuel ?? false,
    };
    this.#context = { store: new Store(), maxMemoryBytes: config.maxMemoryBytes };
    const root = typeof config.cache === "string"
      ? config.cache
      : config.cache === false
      ? null
      : defaultCacheDir();
    this.#cache = root === null ? null : new GuardCache(root);
  }

  /**
   * Guards, encodes and compiles a validated module (or takes the guarded
   * binary from the cache when `options.bytes` is given and cached).
   */
  compile(module: Module, options: CompileOptions = {}): SinglepassModule {
    const key = options.bytes ? this.#cache?.key(options.bytes, this.#options) ?? null : null;
    const hit = key === null ? null : this.#fromCache(key);
    if (hit) return this.#wrap(module, () => module, hit.guarded, hit.wasm);
    return this.#codegen(module, key);
  }

  /**
   * Decodes, validates and compiles a binary. On a cache hit validation is
   * skipped (only a module that passed it is ever cached under its hash), and
   * so is decoding the function bodies (see `header.ts`) unless a backtrace
   * needs them.
   *
   * @throws {MalformedError | InvalidError} when the binary is not a valid module.
   */
  compileBytes(bytes: Uint8Array): SinglepassModule {
    const key = this.#cache?.key(bytes, this.#options) ?? null;
    const hit = key === null ? null : this.#fromCache(key);
    if (hit) return this.#wrap(decodeHeader(bytes), () => decode(bytes), hit.guarded, hit.wasm);
    const module = decode(bytes);
    validate(module);
    return this.#codegen(module, key);
  }

  /** The cached guarded binary for `key`, compiled; null when absent or corrupt (then deleted). */
  #fromCache(key: string): { guarded: Uint8Array<ArrayBuffer>; wasm: WebAssembly.Module } | null {
    const guarded = this.#cache!.get(key);
    if (!guarded) return null;
    const t0 = performance.now();
    try {
      const wasm = new WebAssembly.Module(guarded);
      this.lastCompile = {
        cached: true,
        codegenMs: 0,
        hostCompileMs: performance.now() - t0,
        guardedBytes: guarded.length,
      };
      return { guarded, wasm };
    } catch {
      this.#cache!.delete(key);
      return null;
    }
  }

  /** Guards, encodes (caching the result under `key`) and compiles `module`. */
  #codegen(module: Module, key: string | null): SinglepassModule {
    // Every defined function becomes two (outer + inner body): refuse before
    // seconds of guarding what V8 would reject at its function section.
    const { importedFuncs, definedFuncs } = guardLayout(module, this.#options);
    if (importedFuncs + 2 * definedFuncs > HOST_MAX_FUNCTIONS) {
      throw new WebAssembly.CompileError(
        `too many functions for singlepass: ${definedFuncs} defined and ${importedFuncs} imported ` +
          `need ${importedFuncs + 2 * definedFuncs}, over the host engine's limit of ` +
          `${HOST_MAX_FUNCTIONS} (the interp backend has no such limit)`,
      );
    }
    const t0 = performance.now();
    const guarded = encode(guard(module, this.#options).module);
    const t1 = performance.now();
    let wasm: WebAssembly.Module;
    try {
      wasm = new WebAssembly.Module(guarded);
    } catch (e) {
      // A valid module that V8 refuses meets one of its implementation limits
      // (locals, br_table size, table size…); its offsets are the guarded module's.
      const why = e instanceof Error ? e.message.replace(/^WebAssembly\.\w+\(\): /, "") : `${e}`;
      throw new WebAssembly.CompileError(`host engine limit: ${why} (in the guarded module)`);
    }
    const t2 = performance.now();
    // Cached only once V8 has accepted it, so a refused module is not stored.
    if (key !== null) this.#cache!.put(key, guarded);
    this.lastCompile = {
      cached: false,
      codegenMs: t1 - t0,
      hostCompileMs: t2 - t1,
      guardedBytes: guarded.length,
    };
    return this.#wrap(module, () => module, guarded, wasm);
  }

  #wrap(
    header: Module,
    original: () => Module,
    guarded: Uint8Array,
    wasm: WebAssembly.Module,
  ): SinglepassModule {
    const layout = guardLayout(header, this.#options);
    const offsets = new OffsetMap(original, guarded, this.#options, layout);
    return new SinglepassModule(header, original, layout, wasm, offsets, this.#context);
  }
}

/** Creates a singlepass engine. */
export function singlepass(config: SinglepassConfig = {}): SinglepassEngine {
  return new SinglepassEngine(config);
}

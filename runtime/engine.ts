/**
 * The engine interface: what every execution backend (`interp`,
 * `singlepass`) offers, so that loaders, the CLI, the public API and the spec
 * runner work with any of them.
 *
 * ```text
 *   Module ──engine.compile──▶ CompiledModule ──instantiate(imports)──▶ Instance
 *   (validated)                                                          .exports  (JS API shape)
 *                                                                        .invoke   (exact bits)
 * ```
 *
 * Imports have the WebAssembly JS API's shape, `{ module: { name: value } }`,
 * where a value is a JS function (a host function, or a function exported by
 * another instance), a `WebAssembly.Memory`, a table or a global. Exports
 * have the same shape, so an instance's `exports` can be passed as an import
 * module to the next instance (the spec suite's `register`).
 *
 * Host functions may return a Promise: the guest then suspends until it
 * settles, and whatever call entered the guest (`invoke`, an exported
 * function, `instantiate` running a start function) returns a Promise.
 * Calls that never reach such a host function stay synchronous.
 *
 * @example Run an export with exact values
 * ```ts ignore
 * import type { Engine } from "./engine.ts";
 * declare const engine: Engine; // e.g. the interp backend
 * declare const module: import("./module.ts").Module;
 * const instance = await engine.compile(module).instantiate({}, { fuel: 1_000_000 });
 * const results = await instance.invoke("add", [1n, 2n]); // i64 values as bigint
 * ```
 *
 * @module
 */

import type { Module } from "./module.ts";

/**
 * A value of a wasm type in its exact form, for {@linkcode Instance.invoke}:
 *
 * | type | RawValue |
 * | --- | --- |
 * | `i32` | number: the value as a signed 32-bit integer |
 * | `i64` | bigint: the value as a signed 64-bit integer |
 * | `f32` | number: the IEEE bits as an unsigned 32-bit integer |
 * | `f64` | bigint: the IEEE bits as an unsigned 64-bit integer |
 * | `v128` | Uint8Array of 16 bytes, lane 0 first (little-endian) |
 * | `funcref` | a function exported by some instance, or null |
 * | `externref` | any JS value; null is the null reference |
 *
 * JS numbers cannot carry NaN payloads across every operation, so floats
 * travel as their bits; the callee's signature says which row applies.
 */
export type RawValue = number | bigint | Uint8Array | RefValue;

/** A reference value: a function (funcref), any host value (externref), or null. */
export type RefValue = unknown;

/** A callable host function, or a function exported by an instance. */
// deno-lint-ignore no-explicit-any
export type HostFunction = (...args: any[]) => unknown;

/**
 * The interface of a global, met by `WebAssembly.Global` and by kwasm's own
 * `Global` (runtime/instance/global.ts): `value` in the JS API's conversion
 * (i64 as bigint, floats as numbers).
 */
export interface GlobalLike {
  /** The current value (setting it throws for immutable globals). */
  value: unknown;
  /** The value, as `value`. */
  valueOf(): unknown;
}

/**
 * The interface of a table, met by `WebAssembly.Table` and by kwasm's own
 * `Table` (runtime/instance/table.ts).
 */
export interface TableLike {
  /** Number of elements. */
  readonly length: number;
  /** Element `index` (a function, an extern value, or null). */
  get(index: number): unknown;
  /** Sets element `index`. */
  set(index: number, value?: unknown): void;
  /** Grows by `delta` elements set to `init`; returns the old length. */
  grow(delta: number, init?: unknown): number;
}

/** Anything an instance can import or export. */
export type ExternValue = HostFunction | WebAssembly.Memory | TableLike | GlobalLike;

/**
 * The imports object, as in the WebAssembly JS API: module name → field
 * name → value. An immutable global may also be given as a number or bigint.
 */
export type Imports = Record<string, Record<string, ExternValue | number | bigint>>;

/** The exports of an instance, by name. */
export type Exports = Record<string, ExternValue>;

/**
 * Options fixed when an engine is created. The `singlepass` backend needs
 * them at code generation (its guards are compiled in), so they are not
 * per-instance.
 */
export interface EngineConfig {
  /**
   * Maximum depth of nested wasm calls (`-W max-wasm-stack=N`); a deeper call
   * traps with "call stack exhausted" (an `Exhaustion` error). The
   * interpreter's default is 100 000.
   */
  maxWasmStack?: number;
  /**
   * Upper bound on any memory's size in bytes (`-W max-memory-size=BYTES`):
   * `memory.grow` beyond it returns -1, and a module whose initial memory
   * exceeds it fails to instantiate. Default: the wasm32 limit, 4 GiB.
   */
  maxMemoryBytes?: number;
  /**
   * Meter fuel (`-W fuel=N`). Instances then start with
   * {@linkcode InstantiateOptions.fuel} units, and running out traps with
   * "all fuel consumed". Without it, guests carry no fuel accounting.
   */
  fuel?: boolean;
}

/** Options of {@linkcode CompiledModule.instantiate}. */
export interface InstantiateOptions {
  /**
   * Initial fuel when the engine meters fuel (unlimited when absent);
   * ignored otherwise.
   */
  fuel?: number;
  /**
   * An interrupt flag: an `Int32Array` (normally over a SharedArrayBuffer,
   * so another thread can set it) whose element 0 is polled at loop
   * back-edges and calls; when it is non-zero the guest traps with
   * "interrupted". The guest never clears it.
   */
  interrupt?: Int32Array;
}

/** An execution backend. */
export interface Engine {
  /** The backend's name: `"interp"`, `"singlepass"`. */
  readonly name: string;
  /** The configuration the engine was created with. */
  readonly config: Readonly<EngineConfig>;
  /**
   * Prepares a validated module for instantiation (the interpreter lowers
   * every body to its internal code; singlepass emits and compiles the
   * guarded module). The module must not be changed afterwards.
   */
  compile(module: Module): CompiledModule;
}

/** A module prepared by an engine, ready to be instantiated any number of times. */
export interface CompiledModule {
  /** The module it was compiled from. */
  readonly module: Module;
  /**
   * Links `imports` and creates an instance, following the spec's
   * instantiation: imports are resolved and type-checked (a `LinkError`
   * "unknown import", "incompatible import type"), element and
   * data segments are applied in order (a trap leaves earlier writes in
   * place), then the start function runs. The Promise rejects with the
   * error; it is a Promise because the start function may suspend.
   */
  instantiate(imports?: Imports, options?: InstantiateOptions): Promise<Instance>;
}

/** An instantiated module. */
export interface Instance {
  /** Exports in the JS API's shape: functions take and return JS values. */
  readonly exports: Exports;
  /**
   * Calls the exported function `name` with exact values (see
   * {@linkcode RawValue}) and returns its results the same way: the array
   * directly when no host function suspended, else a Promise of it. Traps
   * throw (or reject with) a `Trap` or `Exhaustion`.
   */
  invoke(name: string, args: readonly RawValue[]): RawValue[] | Promise<RawValue[]>;
  /** Fuel left when the engine meters fuel, else `Infinity`. */
  fuel: number;
}

/**
 * Compiled singlepass modules and their instances: linking the imports the
 * way the spec words its errors, creating the module's own memories (now
 * imports of the guarded module), instantiating on the host engine, running
 * the start function through the same entry as every other call, and
 * exposing exports in the JS API's shape plus exact-bits `invoke`.
 *
 * @module
 */

import type {
  CompiledModule,
  Exports,
  ExternValue,
  Imports,
  Instance,
  InstantiateOptions,
  RawValue,
} from "../engine.ts";
import { Exhaustion, LinkError, Trap } from "../errors.ts";
import type { FuncType, Import, Module } from "../module.ts";
import { funcTypeAt, funcTypeIndices } from "../module.ts";
import { interruptMemory } from "../watchdog.ts";
import { hostObject } from "./foreign.ts";
import { suspending, suspends } from "./jspi.ts";
import { fitsTrampoline, trampoline } from "./trampoline.ts";
import {
  DEPTH_IMPORT,
  ENTRY_EXPORT_PREFIX,
  FLAG_IMPORT,
  FUEL_EXPORT,
  GET_EXPORT_PREFIX,
  GUARD_MODULE,
  type GuardLayout,
  INDEX_EXPORT,
  MEMORY_IMPORT_PREFIX,
  RAW_EXPORT_PREFIX,
  Reason,
  REASON_IMPORT,
  START_EXPORT,
} from "./layout.ts";
import type { OffsetMap } from "./offsets.ts";
import { isAsyncRaw, type RawFunction, rawFunctionOf, type Store } from "./store.ts";
import { keepTraceLimit } from "./trace_limit.ts";
import { registerInstance, translateError } from "./traps.ts";
import { pushArg, takeResults } from "./values.ts";
import { globalTypes } from "../module.ts";

/** Largest i64, the fuel of an instance given no fuel option. */
const UNLIMITED_FUEL = (1n << 63n) - 1n;
const PAGE = 65536;

/** What a compiled module needs from its engine. */
export interface CompileContext {
  /** The engine's shared state. */
  store: Store;
  /** `EngineConfig.maxMemoryBytes`, if set. */
  maxMemoryBytes: number | undefined;
}

/** A module compiled by the singlepass backend. */
export class SinglepassModule implements CompiledModule {
  /**
   * The original module's imports, exports, types and names: the module
   * itself, or, when the guarded binary came from the cache, the module
   * with placeholder bodies (see `header.ts`).
   */
  readonly header: Module;
  #original: (() => Module) | Module;
  /** Where the guard pass put things. */
  readonly layout: GuardLayout;
  /** The guarded module, compiled by the host engine. */
  readonly wasm: WebAssembly.Module;
  readonly #context: CompileContext;
  readonly #offsets: OffsetMap;

  /**
   * Wraps a compiled guarded module. `original` returns the full original
   * module (decoding it on demand); `offsets` maps positions back for
   * backtraces.
   */
  constructor(
    header: Module,
    original: () => Module,
    layout: GuardLayout,
    wasm: WebAssembly.Module,
    offsets: OffsetMap,
    context: CompileContext,
  ) {
    this.header = header;
    this.#original = original;
    this.layout = layout;
    this.wasm = wasm;
    this.#offsets = offsets;
    this.#context = context;
  }

  /** The (original, validated) module, decoded in full on first use after a cache hit. */
  get module(): Module {
    if (typeof this.#original === "function") this.#original = this.#original();
    return this.#original;
  }

  /** Links `imports`, instantiates, and runs the start function. */
  async instantiate(
    imports: Imports = {},
    options: InstantiateOptions = {},
  ): Promise<SinglepassInstance> {
    const { store } = this.#context;
    const linked = link(this.header, imports);
    const flagMemory = options.interrupt ? interruptMemory(options.interrupt) : store.idleFlag();
    if (!flagMemory) {
      throw new TypeError("singlepass: the interrupt flag must come from createInterruptFlag()");
    }
    const guardImports: Record<string, unknown> = Object.create(null);
    guardImports[DEPTH_IMPORT] = store.depth;
    guardImports[REASON_IMPORT] = store.reason;
    guardImports[FLAG_IMPORT] = flagMemory;
    this.layout.ownMemories.forEach(({ type }, i) => {
      guardImports[MEMORY_IMPORT_PREFIX + i] = createMemory(type, this.#context.maxMemoryBytes);
    });
    linked.object[GUARD_MODULE] = guardImports;

    let v8: WebAssembly.Instance;
    try {
      v8 = new WebAssembly.Instance(this.wasm, linked.object as WebAssembly.Imports);
    } catch (e) {
      if (e instanceof WebAssembly.LinkError || e instanceof TypeError) {
        throw new LinkError(`incompatible import type: ${stripPrefix(e.message)}`);
      }
      throw translateError(e);
    }
    const raw = v8.exports as Record<string, unknown>;
    const fuel = raw[FUEL_EXPORT] as WebAssembly.Global | undefined;
    if (fuel) fuel.value = fuelUnits(options.fuel ?? Infinity);
    const flag = new Int32Array(flagMemory.buffer, 0, 1);
    registerInstance(v8, {
      frame: (func, offset) => this.#offsets.frame(func, offset),
      takeReason: () => store.takeReason(),
      guardCause: (reason) => {
        if (reason === Reason.nan) return new Trap("invalid conversion to integer");
        if (fuel && (fuel.value as bigint) < 0n) return new Exhaustion("all fuel consumed");
        if (Atomics.load(flag, 0) !== 0) return new Trap("interrupted");
        return new Exhaustion("call stack exhausted");
      },
      lastIndex: (at, uninitialized) => {
        const stored = () => ((raw[INDEX_EXPORT] as WebAssembly.Global).value as number) >>> 0;
        // Calls through private tables have inner types, added after the module's own.
        if (at.imm < this.header.types.length) return stored();
        // A private table: the guard stores the index only if more than one is null.
        const lone = this.#offsets.loneNullSlot(at.imm2);
        return lone === null ? stored() : uninitialized && lone >= 0 ? lone : null;
      },
    });
    const instance = new SinglepassInstance(this, raw, store, linked.suspends, fuel);
    const start = raw[START_EXPORT] as RawFunction | undefined;
    if (start) await store.call(start, [], linked.suspends);
    return instance;
  }
}

/** The imports object for the host engine, and whether any import may suspend. */
interface Linked {
  object: Record<string, Record<string, unknown>>;
  suspends: boolean;
}

function where(imp: Import): string {
  return `"${imp.module}" "${imp.name}"`;
}

/**
 * Resolves every import of `m` in `imports`: missing ones are a
 * {@linkcode LinkError} "unknown import"; type checks are left to the host
 * engine (whose errors become "incompatible import type"), except that a
 * function import must be callable. Functions exported by singlepass
 * instances are replaced by the raw wasm functions they call, so the host
 * engine checks their types and calls them directly; host functions that may
 * return a Promise are wrapped for JSPI.
 */
function link(m: Module, imports: Imports): Linked {
  const object: Record<string, Record<string, unknown>> = Object.create(null);
  let anySuspends = false;
  for (const imp of m.imports) {
    const ns = imports[imp.module] as Record<string, unknown> | undefined;
    const value = ns === undefined || ns === null ? undefined : ns[imp.name];
    if (value === undefined) {
      throw new LinkError(`unknown import: ${where(imp)} (${imp.desc.kind})`);
    }
    let resolved: unknown = value;
    if (imp.desc.kind === "func") {
      if (typeof value !== "function") {
        throw new LinkError(`incompatible import type: ${where(imp)}: expected a function`);
      }
      const raw = rawFunctionOf(value);
      if (raw) {
        resolved = raw;
        if (isAsyncRaw(raw)) anySuspends = true;
      } else if (suspends(value)) {
        const type = funcTypeAt(m, imp.desc.type)!;
        // The guest it suspends resumes with the raised `Error.stackTraceLimit` (trace_limit.ts).
        const f = keepTraceLimit(value as (...args: never[]) => unknown, type.params.length);
        // `(i32*) -> i32` imports get a synchronous fast path (see trampoline.ts).
        resolved = fitsTrampoline(type.params, type.results)
          ? trampoline(f, type.params.length)
          : suspending(f);
        anySuspends = true;
      }
    }
    if (imp.desc.kind === "global" || imp.desc.kind === "table") {
      resolved = hostObject(value, where(imp));
    }
    (object[imp.module] ??= Object.create(null))[imp.name] = resolved;
  }
  return { object, suspends: anySuspends };
}

function stripPrefix(message: string): string {
  return message.replace(/^WebAssembly\.\w+\(\): /, "");
}

/** A memory of the module itself, bounded by `maxMemoryBytes`. */
function createMemory(
  type: GuardLayout["ownMemories"][number]["type"],
  maxMemoryBytes: number | undefined,
): WebAssembly.Memory {
  if (type.index64) throw new LinkError("singlepass: 64-bit memories are not supported yet");
  let maximum = type.max ?? undefined;
  if (maxMemoryBytes !== undefined) {
    const limit = Math.floor(maxMemoryBytes / PAGE);
    if (type.min > limit) {
      throw new LinkError(
        `memory of ${type.min} pages exceeds the limit of ${limit} pages (max-memory-size)`,
      );
    }
    maximum = Math.min(maximum ?? limit, limit);
  }
  const descriptor: WebAssembly.MemoryDescriptor = { initial: type.min, shared: type.shared };
  if (maximum !== undefined) descriptor.maximum = maximum;
  return new WebAssembly.Memory(descriptor);
}

/** An instance of a singlepass module. */
export class SinglepassInstance implements Instance {
  /** Exports in the JS API's shape (functions translate traps; see `store.ts`). */
  readonly exports: Exports;
  readonly #raw: Record<string, unknown>;
  readonly #store: Store;
  readonly #suspends: boolean;
  readonly #fuel: WebAssembly.Global | undefined;
  readonly #types: Map<string, FuncType>;
  readonly #globalTypes: Map<string, number>;

  /** Wraps the host engine's instance `raw` of `compiled` (made by `instantiate`). */
  constructor(
    compiled: SinglepassModule,
    raw: Record<string, unknown>,
    store: Store,
    suspends: boolean,
    fuel: WebAssembly.Global | undefined,
  ) {
    this.#raw = raw;
    this.#store = store;
    this.#suspends = suspends;
    this.#fuel = fuel;
    const m = compiled.header;
    const funcTypes = funcTypeIndices(m);
    const globals = globalTypes(m);
    this.#types = new Map();
    this.#globalTypes = new Map();
    const exports: Exports = Object.create(null);
    for (const e of m.exports) {
      const value = raw[e.name];
      if (e.kind === "func") {
        const type = funcTypeAt(m, funcTypes[e.index])!;
        this.#types.set(e.name, type);
        const entry = raw[ENTRY_EXPORT_PREFIX + e.index] as RawFunction | undefined;
        exports[e.name] = store.exported(value as RawFunction, entry, type.params.length, suspends);
      } else {
        if (e.kind === "global") this.#globalTypes.set(e.name, globals[e.index].type);
        exports[e.name] = value as ExternValue;
      }
    }
    this.exports = Object.freeze(exports);
  }

  /** Calls export `name` with exact values (see `Instance.invoke`). */
  invoke(name: string, args: readonly RawValue[]): RawValue[] | Promise<RawValue[]> {
    const type = this.#types.get(name);
    if (!type) throw new TypeError(`no exported function "${name}"`);
    if (args.length !== type.params.length) {
      throw new TypeError(`"${name}" takes ${type.params.length} arguments, got ${args.length}`);
    }
    const fn = (this.#raw[RAW_EXPORT_PREFIX + name] ?? this.#raw[name]) as RawFunction;
    const argv: unknown[] = [];
    type.params.forEach((t, i) => pushArg(t, args[i], argv, unwrapFunction));
    const returned = this.#store.call(fn, argv, this.#suspends);
    if (this.#suspends) {
      return (returned as Promise<unknown>).then((r) => takeResults(type.results, r));
    }
    return takeResults(type.results, returned);
  }

  /**
   * The exact value of exported global `name` (floats as bits, `v128` as
   * bytes), like {@linkcode Instance.invoke} results.
   */
  readGlobal(name: string): RawValue {
    const t = this.#globalTypes.get(name);
    if (t === undefined) throw new TypeError(`no exported global "${name}"`);
    const getter = this.#raw[GET_EXPORT_PREFIX + name] as RawFunction | undefined;
    if (getter) return takeResults([t], getter())[0];
    return takeResults([t], (this.#raw[name] as WebAssembly.Global).value)[0];
  }

  /** Fuel left (`Infinity` when the engine does not meter fuel); settable. */
  get fuel(): number {
    return this.#fuel ? Number(this.#fuel.value as bigint) : Infinity;
  }

  set fuel(units: number) {
    if (this.#fuel) this.#fuel.value = fuelUnits(units);
  }
}

/** A fuel amount as the i64 the fuel global holds (no more than "unlimited"). */
function fuelUnits(units: number): bigint {
  return units >= Number(UNLIMITED_FUEL) ? UNLIMITED_FUEL : BigInt(Math.trunc(units));
}

/** A funcref argument: an exported function of any singlepass instance is passed as its raw function. */
function unwrapFunction(v: unknown): unknown {
  return rawFunctionOf(v) ?? v;
}

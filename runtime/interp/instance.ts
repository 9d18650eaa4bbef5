/**
 * Instantiation for the interpreter, in the order the spec (2.0) gives:
 * resolve and check the imports, allocate functions, tables, memories and
 * globals (evaluating global initialisers), build the exports, initialise
 * tables from the active element segments and memory from the active data
 * segments in order — a trap stops there and leaves earlier writes in place
 * — and run the start function.
 *
 * @module
 */

import type {
  EngineConfig,
  Exports,
  Imports,
  Instance,
  InstantiateOptions,
  RawValue,
} from "../engine.ts";
import { Trap } from "../errors.ts";
import { Global } from "../instance/global.ts";
import { resolveImports } from "../instance/link.ts";
import { createMemory } from "../instance/memory.ts";
import { Table } from "../instance/table.ts";
import type { Code, FuncType, Module } from "../module.ts";
import { funcTypeAt } from "../module.ts";
import { Op } from "../opcodes.ts";
import { isRef } from "../types.ts";
import { DEFAULT_MAX_WASM_STACK, invokeFunc, setStackLimit } from "./invoke.ts";
import type { LoweredModule } from "./lower.ts";
import { type Budget, FuncInst, type InstanceCtx, lookupFuncInst } from "./machine.ts";

/** An instance of a module on the interpreter. */
export class InterpInstance implements Instance, InstanceCtx {
  /** Internal code. */
  readonly code: Int32Array;
  /** Function metadata. */
  readonly meta: Int32Array;
  /** The lowered module. */
  readonly lowered: LoweredModule;
  /** Function index space. */
  readonly funcs: FuncInst[] = [];
  /** Global index space. */
  readonly globals: Global[] = [];
  /** Table index space. */
  readonly tables: Table[] = [];
  /** Memory 0. */
  memory: WebAssembly.Memory | null = null;
  /** Data segments (null once dropped). */
  readonly datas: (Uint8Array | null)[] = [];
  /** Element segments (null once dropped). */
  readonly elems: (unknown[] | null)[] = [];
  /** Imported function count. */
  readonly importedFuncs: number;
  /** Function names. */
  readonly names: ReadonlyMap<number, string> | null;
  /** Fuel and interrupt flag. */
  readonly budget: Budget;
  /** Exports in the JS API's shape. */
  readonly exports: Exports = Object.create(null);
  readonly #exportFuncs = new Map<string, FuncInst>();

  /** Creates an empty instance; {@linkcode instantiate} fills it. */
  constructor(m: Module, lowered: LoweredModule, budget: Budget) {
    this.lowered = lowered;
    this.code = lowered.code;
    this.meta = lowered.meta;
    this.importedFuncs = m.imports.filter((i) => i.desc.kind === "func").length;
    this.names = m.names?.functions ?? null;
    this.budget = budget;
  }

  /** Fuel left (`Infinity` when not metered). */
  get fuel(): number {
    return this.budget.fuel;
  }

  /** Sets the fuel left (meaningful only when the engine meters fuel). */
  set fuel(v: number) {
    this.budget.fuel = v;
  }

  /** Calls export `name` with exact values (see `RawValue`). */
  invoke(name: string, args: readonly RawValue[]): RawValue[] | Promise<RawValue[]> {
    const f = this.#exportFuncs.get(name);
    if (f === undefined) throw new TypeError(`no exported function "${name}"`);
    return invokeFunc(f, args);
  }

  /** Records an exported function. */
  addExportFunc(name: string, f: FuncInst): void {
    this.#exportFuncs.set(name, f);
    this.exports[name] = f.toJS();
  }
}

/** Evaluates a constant expression: an exact value, or a reference in internal form. */
function evalConst(inst: InterpInstance, code: Code): RawValue {
  const ops = code.ops;
  const a = ops[1];
  switch (ops[0]) {
    case Op.i32_const:
    case Op.f32_const:
      return a;
    case Op.i64_const:
    case Op.f64_const:
      return BigInt.asIntN(64, (BigInt(ops[2]) << 32n) | BigInt(a >>> 0));
    case Op.v128_const:
      return new Uint8Array(Int32Array.from(ops.subarray(1, 5)).buffer);
    case Op.ref_null:
      return null;
    case Op.ref_func:
      return inst.funcs[a];
    case Op.global_get: {
      const g = inst.globals[a];
      return isRef(g.type.type) ? g.ref : g.getRaw();
    }
  }
  throw new Error(`interp: unsupported constant instruction ${ops[0]}`);
}

/**
 * Instantiates `m` (lowered as `lowered`) with `imports`. Rejects with a
 * `LinkError` (imports), a `Trap` (segment initialisation or start
 * function), or an `Exhaustion` (limits).
 */
export async function instantiate(
  m: Module,
  lowered: LoweredModule,
  config: Readonly<EngineConfig>,
  imports: Imports,
  options: InstantiateOptions,
): Promise<InterpInstance> {
  const budget: Budget = {
    fuel: config.fuel ? (options.fuel ?? Infinity) : Infinity,
    interrupt: options.interrupt ?? null,
  };
  const inst = new InterpInstance(m, lowered, budget);
  setStackLimit(inst, config.maxWasmStack ?? DEFAULT_MAX_WASM_STACK);
  const resolved = resolveImports(m, imports);
  const importTypes = m.imports.map((imp) =>
    imp.desc.kind === "func" ? funcTypeAt(m, imp.desc.type) : null
  );
  resolved.forEach((r, i) => {
    switch (r.kind) {
      case "func": {
        const type = importTypes[i] as FuncType;
        const wasm = r.ref !== undefined ? lookupFuncInst(r.value) : undefined;
        inst.funcs.push(wasm ?? new FuncInst(type, null, -1, r.value));
        break;
      }
      case "table":
        inst.tables.push(r.value);
        break;
      case "memory":
        inst.memory = r.value;
        break;
      case "global":
        inst.globals.push(r.value);
        break;
    }
  });
  m.funcs.forEach((f, i) => inst.funcs.push(new FuncInst(funcTypeAt(m, f.type)!, inst, i, null)));
  for (const t of m.tables) inst.tables.push(new Table(t.type, null));
  for (const mt of m.memories) inst.memory = createMemory(mt, config.maxMemoryBytes);
  for (const g of m.globals) {
    const global = new Global(g.type);
    const v = evalConst(inst, g.init);
    if (isRef(g.type.type)) global.ref = v;
    else global.setRaw(v);
    inst.globals.push(global);
  }
  for (const e of m.exports) {
    switch (e.kind) {
      case "func":
        inst.addExportFunc(e.name, inst.funcs[e.index]);
        break;
      case "table":
        inst.exports[e.name] = inst.tables[e.index];
        break;
      case "memory":
        inst.exports[e.name] = inst.memory!;
        break;
      case "global":
        inst.exports[e.name] = inst.globals[e.index];
        break;
    }
  }
  for (const d of m.datas) inst.datas.push(d.bytes);
  for (const e of m.elems) {
    inst.elems.push(
      e.init.kind === "funcs"
        ? e.init.funcs.map((f) => inst.funcs[f])
        : e.init.exprs.map((x) => evalConst(inst, x)),
    );
  }
  initSegments(m, inst);
  if (m.start !== null) {
    const r = invokeFunc(inst.funcs[m.start], []);
    if (r instanceof Promise) await r;
  }
  return inst;
}

/** Applies active element then data segments, dropping them (and declarative ones). */
function initSegments(m: Module, inst: InterpInstance): void {
  m.elems.forEach((e, i) => {
    if (e.mode === "active") {
      const table = inst.tables[e.table].elements;
      const offset = (evalConst(inst, e.offset!) as number) >>> 0;
      const refs = inst.elems[i]!;
      if (offset + refs.length > table.length) throw new Trap("out of bounds table access");
      for (let k = 0; k < refs.length; k++) table[offset + k] = refs[k];
    }
    if (e.mode !== "passive") inst.elems[i] = null;
  });
  m.datas.forEach((d, i) => {
    if (d.mode !== "active") return;
    const offset = (evalConst(inst, d.offset!) as number) >>> 0;
    const mem = inst.memory!;
    const bytes = new Uint8Array(mem.buffer);
    if (offset + d.bytes.length > bytes.length) throw new Trap("out of bounds memory access");
    bytes.set(d.bytes, offset);
    inst.datas[i] = null;
  });
}

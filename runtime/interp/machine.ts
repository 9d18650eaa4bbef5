/**
 * The interpreter's run-time state: the value stack (one ArrayBuffer seen
 * through typed arrays of every width, plus an array for references), the
 * frame stack, fuel and interrupt, and what the main loop keeps of the
 * instance it is executing. Also the two kinds of run-time function
 * ({@linkcode FuncInst}: wasm or host) and the host-call boundary.
 *
 * ```text
 *   value stack (words of 4 bytes)            frame stack (3 words per call)
 *   ┌──────────────┬──────────────┬─────┐     ┌────────┬────────┬──────┐
 *   │ params locals│ operand slots│ ... │     │ ret pc │ saved fp│ kind │  kind: 0 same instance,
 *   └──────────────┴──────────────┴─────┘     └────────┴────────┴──────┘  1 instance switch, 2 entry
 *   ^fp            ^fp+locals
 * ```
 *
 * A callee's frame starts where the caller put the arguments, so
 * parameters are passed without copying, and results come back in the
 * same place.
 *
 * @module
 */

import type { HostFunction, RawValue } from "../engine.ts";
import { Exhaustion, Trap } from "../errors.ts";
import type { FuncType } from "../module.ts";
import { type FuncRef, funcRefOf, registerFunction, sigId } from "../instance/func_ref.ts";
import type { Global } from "../instance/global.ts";
import type { Table } from "../instance/table.ts";
import { fromJSValue, toJSValue } from "../instance/values.ts";
import { isRef, ValType } from "../types.ts";
import type { LoweredModule } from "./lower.ts";

/** What the main loop needs of an instance. */
export interface InstanceCtx {
  /** Internal code of the module. */
  readonly code: Int32Array;
  /** Per defined function: entry, frame size, param words, local words, cost. */
  readonly meta: Int32Array;
  /** The lowered module (for backtraces). */
  readonly lowered: LoweredModule;
  /** The function index space: imports, then definitions. */
  readonly funcs: FuncInst[];
  /** The global index space. */
  readonly globals: Global[];
  /** The table index space. */
  readonly tables: Table[];
  /** Memory 0, or null. */
  readonly memory: WebAssembly.Memory | null;
  /** Data segments' bytes; null once dropped. */
  readonly datas: (Uint8Array | null)[];
  /** Element segments' references; null once dropped. */
  readonly elems: (unknown[] | null)[];
  /** Number of imported functions. */
  readonly importedFuncs: number;
  /** Function names from the name section. */
  readonly names: ReadonlyMap<number, string> | null;
  /** The fuel and interrupt flag of the instance. */
  readonly budget: Budget;
}

/** Fuel and interrupt flag, shared by every invocation that enters an instance. */
export interface Budget {
  /** Fuel left (Infinity when not metered). */
  fuel: number;
  /** Interrupt flag: element 0 non-zero stops the guest. */
  interrupt: Int32Array | null;
}

/** Calls `f` with exact values; results are exact values too (set by `invoke.ts`). */
type Invoker = (f: FuncInst, args: readonly RawValue[]) => RawValue[] | Promise<RawValue[]>;
let invoker: Invoker | null = null;

/** Installs the function that runs a FuncInst (breaks the import cycle with `invoke.ts`). */
export function setInvoker(fn: Invoker): void {
  invoker = fn;
}

/** A function at run time: a wasm function of an instance, or a host function with a type. */
export class FuncInst implements FuncRef {
  /** Its type. */
  readonly type: FuncType;
  /** Interned type id for `call_indirect`. */
  readonly sig: number;
  /** The instance of a wasm function; null for a host function. */
  readonly ctx: InstanceCtx | null;
  /** Index among the instance's defined functions (-1 for a host function). */
  readonly index: number;
  /** The JS function of a host function. */
  readonly host: HostFunction | null;
  #js: HostFunction | null = null;

  /** Creates a wasm function (`ctx`, `index`) or a host function (`host`). */
  constructor(type: FuncType, ctx: InstanceCtx | null, index: number, host: HostFunction | null) {
    this.type = type;
    this.sig = sigId(type);
    this.ctx = ctx;
    this.index = index;
    this.host = host;
  }

  /** The JS function standing for this one: JS values in, JS values out. */
  toJS(): HostFunction {
    if (this.#js === null) {
      const { params, results } = this.type;
      const v128 = params.includes(ValType.v128) || results.includes(ValType.v128);
      const js = (...args: unknown[]): unknown => {
        // The JS API refuses v128 in a signature before running anything.
        if (v128) throw new TypeError("type incompatibility: v128 has no JS value");
        const raw = params.map((t, i) => fromJSValue(t, args[i]));
        const out = invoker!(this, raw);
        return out instanceof Promise
          ? out.then((r) => jsResults(results, r))
          : jsResults(results, out);
      };
      // As the JS API's exported functions: `length` is the parameter count,
      // `name` the function index.
      Object.defineProperty(js, "length", { value: params.length });
      Object.defineProperty(js, "name", {
        value: String(this.index + (this.ctx?.importedFuncs ?? 0)),
      });
      registerFunction(js, this);
      this.#js = js;
    }
    return this.#js;
  }
}

function jsResults(types: readonly ValType[], raw: RawValue[]): unknown {
  if (types.length === 0) return undefined;
  if (types.length === 1) return toJSValue(types[0], raw[0]);
  return types.map((t, i) => toJSValue(t, raw[i]));
}

/** Initial value-stack size in words. */
const INITIAL_WORDS = 1 << 16;
/** The value stack never grows past this many words (512 MiB). */
const MAX_WORDS = 1 << 27;
/**
 * Frame records are allocated up front for `maxWasmStack` frames, so a huge
 * `-W max-wasm-stack` is clamped to this many (16M frames, 192 MiB of
 * records): beyond it the allocation itself would fail.
 */
export const MAX_FRAMES = 1 << 24;
/** Budget between two slow checks when fuel is not metered (back-edges and calls). */
export const CHECK_INTERVAL = 1 << 14;

/** An execution stack: where wasm code runs. */
export class Machine {
  /** The value stack's memory. */
  buf: ArrayBuffer;
  /** Value stack as int32 words. */
  i32: Int32Array;
  /** Value stack as f32 (index = word). */
  f32: Float32Array;
  /** Value stack as f64 (index = word / 2). */
  f64: Float64Array;
  /** Value stack as i64 (index = word / 2). */
  i64: BigInt64Array;
  /** Value stack as u64 (index = word / 2). */
  u64: BigUint64Array;
  /** Value stack as bytes (index = word * 4). */
  u8: Uint8Array;
  /** Value stack as signed bytes (index = word * 4). */
  i8: Int8Array;
  /** Value stack as i16 (index = word * 2). */
  i16: Int16Array;
  /** Value stack as u16 (index = word * 2). */
  u16: Uint16Array;
  /** Value stack as u32 (index = word). */
  u32: Uint32Array;
  /** References, by slot (word / 2). */
  refs: unknown[] = [];
  /** Frame records: return pc, saved fp, kind. */
  frames: Int32Array;
  /** Caller instance of frames of kind 1 (instance switch). */
  frameCtx: (InstanceCtx | null)[] = [];
  /** Frames in use. */
  depth = 0;
  /**
   * The frame limit, `maxWasmStack`: one frame record per wasm frame (the
   * record of a function's caller; an entry record for the first).
   */
  readonly maxDepth: number;
  /** Saved program counter (while not running). */
  pc = 0;
  /** Saved frame pointer (word index). */
  fp = 0;
  /** First free word, for a nested invocation from a host function. */
  top = 0;
  /** The instance being executed. */
  ctx: InstanceCtx | null = null;
  /** Memory 0 of `ctx` as a DataView. */
  dv: DataView = new DataView(new ArrayBuffer(0));
  /** Memory 0 of `ctx` as bytes. */
  mem8: Uint8Array = new Uint8Array(0);
  /** Byte length of memory 0. */
  memLen = 0;
  /** Budget left before the next slow check. */
  tick = CHECK_INTERVAL;
  /** The budget `tick` counted down from (fuel accounting). */
  chunk = CHECK_INTERVAL;
  /** Fuel and interrupt of the running invocation. */
  budget: Budget = { fuel: Infinity, interrupt: null };
  /** Set while a host call's Promise is pending. */
  pending: { promise: Promise<unknown>; func: FuncInst; base: number } | null = null;
  /** Nested invocations running on this machine (0 = idle). */
  active = 0;

  /** Creates a machine allowing `maxWasmStack` nested calls. */
  constructor(maxWasmStack: number) {
    maxWasmStack = Math.min(maxWasmStack, MAX_FRAMES);
    this.maxDepth = maxWasmStack;
    this.frames = new Int32Array(3 * (maxWasmStack + 1));
    this.buf = new ArrayBuffer(0);
    this.i32 = new Int32Array(0);
    this.f32 = new Float32Array(0);
    this.f64 = new Float64Array(0);
    this.i64 = new BigInt64Array(0);
    this.u64 = new BigUint64Array(0);
    this.u8 = new Uint8Array(0);
    this.i8 = new Int8Array(0);
    this.i16 = new Int16Array(0);
    this.u16 = new Uint16Array(0);
    this.u32 = new Uint32Array(0);
    this.#views(new ArrayBuffer(INITIAL_WORDS * 4));
  }

  #views(buf: ArrayBuffer): void {
    this.buf = buf;
    this.i32 = new Int32Array(buf);
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
    this.i64 = new BigInt64Array(buf);
    this.u64 = new BigUint64Array(buf);
    this.u8 = new Uint8Array(buf);
    this.i8 = new Int8Array(buf);
    this.i16 = new Int16Array(buf);
    this.u16 = new Uint16Array(buf);
    this.u32 = new Uint32Array(buf);
  }

  /** Makes the value stack at least `words` long (callers reload their views). */
  growStack(words: number): void {
    if (words > MAX_WORDS) throw new Exhaustion("call stack exhausted");
    let size = this.i32.length;
    while (size < words) size *= 2;
    const buf = new ArrayBuffer(Math.min(size, MAX_WORDS) * 4);
    new Int32Array(buf).set(this.i32);
    this.#views(buf);
  }

  /** Points the memory views at memory 0 of `ctx` (after a switch or a growth). */
  setMemory(ctx: InstanceCtx): void {
    const mem = ctx.memory;
    if (mem === null) {
      this.memLen = 0;
      return;
    }
    const buf = mem.buffer;
    if (buf !== this.dv.buffer) {
      this.dv = new DataView(buf);
      this.mem8 = new Uint8Array(buf);
    }
    this.memLen = buf.byteLength;
  }

  /** Settles the fuel spent since the last slow check. */
  syncFuel(tick: number): void {
    const b = this.budget;
    if (b.fuel !== Infinity) b.fuel = Math.max(0, b.fuel - (this.chunk - tick));
    this.chunk = tick;
  }

  /**
   * The slow path of the budget counter: polls the interrupt flag, charges
   * fuel, and returns the next budget. Traps "interrupted" or "all fuel
   * consumed".
   */
  slowCheck(tick: number): number {
    const b = this.budget;
    if (b.interrupt !== null && b.interrupt[0] !== 0) throw new Trap("interrupted");
    if (b.fuel === Infinity) {
      this.chunk = CHECK_INTERVAL;
      return CHECK_INTERVAL;
    }
    b.fuel -= this.chunk - tick;
    this.chunk = tick;
    if (b.fuel < 0) {
      b.fuel = 0;
      throw new Exhaustion("all fuel consumed");
    }
    this.chunk = Math.min(b.fuel, CHECK_INTERVAL);
    // A budget of 0 would leave no room for the charge of the next check.
    return this.chunk;
  }

  /** Reads the value of type `t` at word `w` as a JS value (host-call arguments). */
  readJS(t: ValType, w: number): unknown {
    switch (t) {
      case ValType.i32:
        return this.i32[w];
      case ValType.i64:
        return this.i64[w >> 1];
      case ValType.f32:
        return this.f32[w];
      case ValType.f64:
        return this.f64[w >> 1];
      case ValType.v128:
        throw new TypeError("type incompatibility: v128 has no JS value");
      default: {
        const r = this.refs[w >> 1];
        return t === ValType.funcref && r !== null ? (r as FuncRef).toJS() : r;
      }
    }
  }

  /** Writes the JS value `v` as type `t` at word `w` (host-call results). */
  writeJS(t: ValType, w: number, v: unknown): void {
    this.writeRaw(t, w, fromJSValue(t, v));
  }

  /** Reads an exact value of type `t` at word `w`. */
  readRaw(t: ValType, w: number): RawValue {
    switch (t) {
      case ValType.i32:
        return this.i32[w];
      case ValType.f32:
        return this.i32[w] >>> 0;
      case ValType.i64:
        return this.i64[w >> 1];
      case ValType.f64:
        return this.u64[w >> 1];
      case ValType.v128:
        return this.u8.slice(w * 4, w * 4 + 16);
      default: {
        const r = this.refs[w >> 1];
        return t === ValType.funcref && r !== null ? (r as FuncRef).toJS() : r;
      }
    }
  }

  /** Writes an exact value of type `t` at word `w`. */
  writeRaw(t: ValType, w: number, v: RawValue): void {
    switch (t) {
      case ValType.i32:
      case ValType.f32:
        this.i32[w] = v as number;
        return;
      case ValType.i64:
      case ValType.f64:
        this.i64[w >> 1] = BigInt.asIntN(64, v as bigint);
        return;
      case ValType.v128:
        this.u8.set(v as Uint8Array, w * 4);
        return;
      default:
        this.refs[w >> 1] = isRef(t) ? internalRef(t, v) : v;
    }
  }
}

/**
 * A reference value in the machine's form: a function reference becomes
 * its FuncInst (TypeError if it is not a wasm function); anything else is
 * kept as it is.
 */
export function internalRef(t: ValType, v: unknown): unknown {
  if (v === null || t !== ValType.funcref || v instanceof FuncInst) return v;
  const inst = lookupFuncInst(v as HostFunction);
  if (inst === undefined) throw new TypeError("type incompatibility: not a wasm function");
  return inst;
}

/** The FuncInst of a registered JS function (a foreign engine's function becomes a host call). */
export function lookupFuncInst(js: HostFunction): FuncInst | undefined {
  const ref = funcRefOf(js);
  if (ref === undefined) return undefined;
  if (ref instanceof FuncInst) return ref;
  return new FuncInst(ref.type, null, -1, ref.toJS());
}

/**
 * Calls host function `f` with the arguments at word `base`, and writes its
 * results there. Returns undefined, or the Promise the host returned (the
 * caller then suspends; {@linkcode finishHostCall} writes the results).
 */
export function callHost(m: Machine, f: FuncInst, base: number): Promise<unknown> | undefined {
  const { params } = f.type;
  const args: unknown[] = new Array(params.length);
  let w = base;
  for (let i = 0; i < params.length; i++) {
    args[i] = m.readJS(params[i], w);
    w += params[i] === ValType.v128 ? 4 : 2;
  }
  const r = f.host!(...args);
  if (r instanceof Promise) return r;
  finishHostCall(m, f, base, r);
  return undefined;
}

/** Writes a host function's result `r` (one value, or an iterable of several) at word `base`. */
export function finishHostCall(m: Machine, f: FuncInst, base: number, r: unknown): void {
  const { results } = f.type;
  if (results.length === 0) return;
  if (results.length === 1) {
    m.writeJS(results[0], base, r);
    return;
  }
  if (r === null || typeof r !== "object" || !(Symbol.iterator in r)) {
    throw new TypeError("type incompatibility: expected an iterable of results");
  }
  const values = [...(r as Iterable<unknown>)];
  if (values.length !== results.length) {
    throw new TypeError(`type incompatibility: expected ${results.length} results`);
  }
  let w = base;
  for (let i = 0; i < results.length; i++) {
    m.writeJS(results[i], w, values[i]);
    w += results[i] === ValType.v128 ? 4 : 2;
  }
}

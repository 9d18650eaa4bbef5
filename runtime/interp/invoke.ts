/**
 * Entering wasm from JS: picks a machine, lays out the arguments and an
 * entry frame, runs the main loop, and reads the results back — directly
 * when the run completes, through a Promise when a host function suspended
 * it (the loop is then resumed after every settled Promise until the entry
 * frame returns).
 *
 * A host function that calls back into wasm runs the nested invocation on
 * the same machine above the caller's frames, so the call depth bound
 * covers the whole chain. Machines that are idle return to a pool.
 *
 * Traps and exhaustion get a wasm backtrace (`instance/backtrace.ts`).
 *
 * @module
 */

import type { RawValue } from "../engine.ts";
import { Exhaustion, Trap } from "../errors.ts";
import {
  attachBacktrace,
  backtraceOf,
  MAX_BACKTRACE_FRAMES,
  type WasmFrame,
} from "../instance/backtrace.ts";
import { fromJSValue, toJSValue } from "../instance/values.ts";
import { ValType } from "../types.ts";
import { DONE, run } from "./exec.ts";
import { META } from "./lower.ts";
import {
  CHECK_INTERVAL,
  finishHostCall,
  type FuncInst,
  type InstanceCtx,
  Machine,
  MAX_FRAMES,
  setInvoker,
} from "./machine.ts";

/** Idle machines by frame limit. */
const POOL = new Map<number, Machine[]>();
/** The machine whose loop is on the JS stack right now (re-entry from a host function). */
let running: Machine | null = null;

function acquire(maxWasmStack: number): Machine {
  const list = POOL.get(Math.min(maxWasmStack, MAX_FRAMES)); // the key release() uses
  const m = list?.pop();
  return m ?? new Machine(maxWasmStack);
}

function release(m: Machine): void {
  m.ctx = null;
  m.refs.length = 0;
  const key = m.maxDepth;
  let list = POOL.get(key);
  if (list === undefined) POOL.set(key, list = []);
  if (list.length < 4) list.push(m);
}

/** The call-depth limit each instance's invocations run with. */
const LIMITS = new WeakMap<InstanceCtx, number>();

/** Sets the `maxWasmStack` of invocations entering `ctx`. */
export function setStackLimit(ctx: InstanceCtx, maxWasmStack: number): void {
  LIMITS.set(ctx, maxWasmStack);
}

/** Default `maxWasmStack`. */
export const DEFAULT_MAX_WASM_STACK = 100_000;

/**
 * Calls `f` with exact argument values; returns its results, or a Promise
 * of them when a host function it reached returned a Promise.
 */
export function invokeFunc(
  f: FuncInst,
  args: readonly RawValue[],
): RawValue[] | Promise<RawValue[]> {
  const { params } = f.type;
  if (args.length !== params.length) {
    throw new TypeError(`expected ${params.length} arguments, got ${args.length}`);
  }
  if (f.ctx === null) return callHostDirect(f, args);
  const ctx = f.ctx;
  const nested = running;
  const m = nested ?? acquire(LIMITS.get(ctx) ?? DEFAULT_MAX_WASM_STACK);
  const base = nested !== null ? m.top : 0;
  const mi = f.index * META.size;
  const meta = ctx.meta;
  const end = base + meta[mi + META.frame];
  if (end > m.i32.length) m.growStack(end);
  let w = base;
  for (let i = 0; i < params.length; i++) {
    m.writeRaw(params[i], w, args[i]);
    w += params[i] === ValType.v128 ? 4 : 2;
  }
  m.i32.fill(0, base + meta[mi + META.params], base + meta[mi + META.locals]);
  if (m.depth >= m.maxDepth) {
    if (nested === null) release(m);
    throw new Exhaustion("call stack exhausted");
  }
  const k = m.depth * 3;
  m.frames[k] = -1;
  m.frames[k + 1] = m.fp;
  m.frames[k + 2] = 2;
  m.depth++;
  const entryDepth = m.depth;
  m.pc = meta[mi + META.entry];
  m.fp = base;
  m.ctx = ctx;
  if (nested === null) {
    m.budget = ctx.budget;
    m.chunk = m.tick = Math.min(ctx.budget.fuel, CHECK_INTERVAL);
  }
  m.tick -= meta[mi + META.cost];
  m.active++;
  const state = new Run(m, f, base, entryDepth, nested !== null);
  return state.start();
}

/** A host function called directly from JS with exact values. */
function callHostDirect(f: FuncInst, args: readonly RawValue[]): RawValue[] | Promise<RawValue[]> {
  const { params, results } = f.type;
  const collect = (r: unknown): RawValue[] => {
    if (results.length === 1) return [fromJSValue(results[0], r)];
    const values = results.length === 0 ? [] : [...(r as Iterable<unknown>)];
    return results.map((t, i) => fromJSValue(t, values[i]));
  };
  const out = f.host!(...args.map((a, i) => toJSValue(params[i], a)));
  return out instanceof Promise ? out.then(collect) : collect(out);
}

/** One invocation in progress on a machine. */
class Run {
  readonly m: Machine;
  readonly f: FuncInst;
  readonly base: number;
  readonly entryDepth: number;
  readonly nested: boolean;
  // Where this invocation stopped while suspended (a nested invocation may
  // use the machine's saved-state fields meanwhile).
  pc = 0;
  fp = 0;
  depth = 0;
  tick = 0;
  ctx: InstanceCtx | null = null;

  constructor(m: Machine, f: FuncInst, base: number, entryDepth: number, nested: boolean) {
    this.m = m;
    this.f = f;
    this.base = base;
    this.entryDepth = entryDepth;
    this.nested = nested;
  }

  start(): RawValue[] | Promise<RawValue[]> {
    return this.step() ? this.finish() : this.resume();
  }

  /** Runs the loop once; true when the entry frame returned, false when suspended. */
  step(): boolean {
    const m = this.m;
    const prev = running;
    running = m;
    try {
      const status = run(m);
      if (status !== DONE) {
        this.pc = m.pc;
        this.fp = m.fp;
        this.depth = m.depth;
        this.tick = m.tick;
        this.ctx = m.ctx;
      }
      return status === DONE;
    } catch (e) {
      this.fail(e);
    } finally {
      running = prev;
    }
  }

  async resume(): Promise<RawValue[]> {
    const m = this.m;
    for (;;) {
      const pending = m.pending!;
      m.pending = null;
      let value: unknown;
      try {
        value = await pending.promise;
      } catch (e) {
        this.restore();
        this.fail(e);
      }
      this.restore();
      try {
        finishHostCall(m, pending.func, pending.base, value);
      } catch (e) {
        this.fail(e);
      }
      if (this.step()) return this.finish();
    }
  }

  restore(): void {
    const m = this.m;
    m.pc = this.pc;
    m.fp = this.fp;
    m.depth = this.depth;
    m.tick = this.tick;
    m.ctx = this.ctx;
  }

  finish(): RawValue[] {
    const m = this.m;
    const results = this.f.type.results;
    const out: RawValue[] = new Array(results.length);
    let w = this.base;
    for (let i = 0; i < results.length; i++) {
      out[i] = m.readRaw(results[i], w);
      w += results[i] === ValType.v128 ? 4 : 2;
    }
    m.syncFuel(m.tick);
    this.done();
    return out;
  }

  /** Records a backtrace for traps, unwinds this invocation's frames, and rethrows. */
  fail(e: unknown): never {
    const m = this.m;
    // A RuntimeError thrown by a host function is a trap of the guest too: it gets the frames.
    const trap = e instanceof Trap || e instanceof Exhaustion ||
      e instanceof WebAssembly.RuntimeError;
    if (trap && backtraceOf(e) === undefined) {
      attachBacktrace(e, this.backtrace());
    }
    m.syncFuel(m.tick);
    m.depth = this.entryDepth - 1;
    m.pending = null;
    this.done();
    throw e;
  }

  done(): void {
    const m = this.m;
    m.fp = m.frames[(this.entryDepth - 1) * 3 + 1];
    m.active--;
    if (!this.nested && m.active === 0) {
      m.depth = 0;
      release(m);
    }
  }

  /** The wasm frames from the machine's saved state down to this invocation's entry. */
  backtrace(): WasmFrame[] {
    const m = this.m;
    const out: WasmFrame[] = [];
    let ctx = m.ctx;
    let pc = m.pc;
    for (let k = m.depth - 1;; k--) {
      if (ctx !== null) out.push(frameAt(ctx, pc));
      // Innermost frames only: a trace of a million-deep recursion took seconds and gigabytes.
      if (k < this.entryDepth || out.length === MAX_BACKTRACE_FRAMES) break;
      const kind = m.frames[k * 3 + 2];
      pc = m.frames[k * 3] - 1;
      if (kind === 1) ctx = m.frameCtx[k];
    }
    return out;
  }
}

/** Finds the last i with `sorted[i * stride] <= key`. */
function search(sorted: Int32Array, stride: number, key: number): number {
  let lo = 0;
  let hi = sorted.length / stride - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid * stride] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The wasm frame of internal position `pc` of an instance's code. */
function frameAt(ctx: InstanceCtx, pc: number): WasmFrame {
  const defined = search(ctx.meta, META.size, pc);
  const pcMap = ctx.lowered.pcMap;
  const offset = pcMap.length > 0 ? pcMap[search(pcMap, 2, pc) * 2 + 1] : 0;
  const func = defined + ctx.importedFuncs;
  return { func, name: ctx.names?.get(func) ?? null, offset };
}

setInvoker(invokeFunc);

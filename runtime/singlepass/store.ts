/**
 * What the instances of one singlepass engine share, and the way the host
 * enters them.
 *
 * The `depth` and `reason` globals are imported by every guarded module of
 * the engine, so the depth count carries across instances (A calls B calls
 * A) and the trap translator finds the reason wherever the guard fired.
 *
 * Every call from the host into guest code goes through
 * {@linkcode Store.call}: a call from the top level (no guest code below it on
 * the JS stack) resets the depth global to 0 — it holds the depth of the
 * latest `call_indirect` or import call, which is stale once that call is
 * done, and a trap unwinds without resetting it — and whatever the guest
 * throws is translated into kwasm's errors.
 *
 * @module
 */

import type { HostFunction } from "../engine.ts";
import { promising } from "./jspi.ts";
import { raiseTraceLimit } from "./trace_limit.ts";
import { translateError } from "./traps.ts";

/** A raw wasm function (an export of a guarded `WebAssembly.Instance`). */
export type RawFunction = (...args: unknown[]) => unknown;

/** Exported functions handed to the host → the raw wasm function each calls. */
const rawOf = new WeakMap<HostFunction, RawFunction>();
/** Raw functions of instances that may suspend (their callers must be `promising`). */
const asyncRaw = new WeakSet<RawFunction>();

/** The raw wasm function behind an exported function of any singlepass instance. */
export function rawFunctionOf(f: unknown): RawFunction | undefined {
  return typeof f === "function" ? rawOf.get(f as HostFunction) : undefined;
}

/** Whether calling `raw` may suspend (it belongs to an instance with async imports). */
export function isAsyncRaw(raw: RawFunction): boolean {
  return asyncRaw.has(raw);
}

/** The state shared by the instances of one engine. */
export class Store {
  /** Depth of the caller of the next thunk entry (imported by every guarded module). */
  readonly depth: WebAssembly.Global = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
  /** Non-zero after a guard trapped (imported by every guarded module). */
  readonly reason: WebAssembly.Global = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
  /** Host → guest calls currently on the JS stack. */
  #active = 0;
  #idleFlag: WebAssembly.Memory | null = null;
  readonly #promising = new WeakMap<RawFunction, (...args: unknown[]) => Promise<unknown>>();
  readonly #exported = new WeakMap<RawFunction, HostFunction>();

  /** A flag memory that is never set, for instances given no interrupt flag. */
  idleFlag(): WebAssembly.Memory {
    return this.#idleFlag ??= new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  }

  /** Reads and clears the reason global. */
  takeReason(): number {
    const r = this.reason.value as number;
    if (r !== 0) this.reason.value = 0;
    return r;
  }

  /**
   * Calls guest function `raw`: synchronously, or through JSPI when it may
   * suspend (then the result is a Promise). Errors are translated.
   */
  call(raw: RawFunction, args: readonly unknown[], suspends: boolean): unknown {
    if (this.#active === 0) {
      this.depth.value = 0;
      raiseTraceLimit();
    }
    this.#active++;
    if (!suspends) {
      try {
        return raw(...args);
      } catch (e) {
        throw translateError(e);
      } finally {
        this.#active--;
      }
    }
    let entry = this.#promising.get(raw);
    if (!entry) this.#promising.set(raw, entry = promising(raw));
    let pending: Promise<unknown>;
    try {
      // Returns at the guest's first suspension (or when it finishes).
      pending = entry(...args);
    } catch (e) {
      throw translateError(e);
    } finally {
      this.#active--;
    }
    return pending.catch((e) => {
      throw translateError(e);
    });
  }

  /**
   * The host-facing function for export `raw` taking `arity` parameters:
   * one object per raw function, so an export seen twice is the same
   * function, and passing it back as an import finds `raw` again. A call
   * from the top level goes to `entry` (the function's entry thunk, which
   * starts at depth 1) when there is one.
   */
  exported(
    raw: RawFunction,
    entry: RawFunction | undefined,
    arity: number,
    suspends: boolean,
  ): HostFunction {
    let f = this.#exported.get(raw);
    if (!f) {
      f = suspends
        ? (...args: unknown[]) => this.call(raw, args, true)
        : this.#sync(raw, entry ?? raw, arity);
      this.#exported.set(raw, f);
      rawOf.set(f, raw);
      if (suspends) asyncRaw.add(raw);
    }
    return f;
  }

  /**
   * A synchronous entry of exactly `arity` parameters: V8 passes arguments to
   * wasm fastest when their count matches (8 arguments to a 2-parameter
   * export cost as much as the call itself), and a rest array allocates.
   */
  #sync(raw: RawFunction, top: RawFunction, arity: number): HostFunction {
    const fail = (e: unknown) => translateError(e);
    const done = () => void this.#active--;
    // deno-fmt-ignore
    switch (arity) {
      case 0: return () => { const f = this.#enter(raw, top); try { return f(); } catch (e) { throw fail(e); } finally { done(); } };
      case 1: return (a: unknown) => { const f = this.#enter(raw, top); try { return f(a); } catch (e) { throw fail(e); } finally { done(); } };
      case 2: return (a: unknown, b: unknown) => { const f = this.#enter(raw, top); try { return f(a, b); } catch (e) { throw fail(e); } finally { done(); } };
      case 3: return (a: unknown, b: unknown, c: unknown) => { const f = this.#enter(raw, top); try { return f(a, b, c); } catch (e) { throw fail(e); } finally { done(); } };
      case 4: return (a: unknown, b: unknown, c: unknown, d: unknown) => { const f = this.#enter(raw, top); try { return f(a, b, c, d); } catch (e) { throw fail(e); } finally { done(); } };
      default: return (...args: unknown[]) => { const f = this.#enter(raw, top); try { return f(...args); } catch (e) { throw fail(e); } finally { done(); } };
    }
  }

  /** Counts an entry; returns the function to call: the top-level entry, or `raw` when nested. */
  #enter(raw: RawFunction, top: RawFunction): RawFunction {
    if (this.#active++ !== 0) return raw;
    if (top === raw) this.depth.value = 0; // no entry thunk: reset the depth global instead
    raiseTraceLimit();
    return top;
  }
}

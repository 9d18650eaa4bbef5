/**
 * Async host functions through JS Promise Integration (JSPI).
 *
 * A host function that may return a Promise is imported wrapped in
 * `WebAssembly.Suspending`: when it returns a Promise, V8 suspends the guest
 * (its whole wasm stack) and the event loop runs on until the Promise
 * settles. Entries into such an instance go through `WebAssembly.promising`
 * and return Promises. JSPI insists on that for every call of a `Suspending`
 * import, even one that returns a plain value, so only functions that may
 * return a Promise are wrapped: `async` functions, and functions marked with
 * {@linkcode maySuspend}. Everything else stays a direct, synchronous call.
 * Those of `(i32*) -> i32` shape are linked through a trampoline that calls
 * them synchronously and reaches `Suspending` only for an actual Promise
 * (`trampoline.ts`).
 *
 * @module
 */

/**
 * Marks a host function as one that may return a Promise. The marker is a
 * registered symbol, so host modules can set it without importing kwasm.
 */
export const MAY_SUSPEND: unique symbol = Symbol.for("kwasm.maySuspend") as typeof MAY_SUSPEND;

/**
 * Marks `f` as possibly returning a Promise (an `async` function needs no
 * mark) and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maySuspend, suspends } from "./jspi.ts";
 * const read = maySuspend((fd: number) => fd === 0 ? Promise.resolve(1) : 0);
 * assert.ok(suspends(read) && suspends(async () => 1) && !suspends(() => 1));
 * ```
 */
export function maySuspend<F extends (...args: never[]) => unknown>(f: F): F {
  Object.defineProperty(f, MAY_SUSPEND, { value: true });
  return f;
}

/** Whether a host function may return a Promise: marked, or an `async` function. */
export function suspends(f: unknown): boolean {
  if (typeof f !== "function") return false;
  return (f as { [MAY_SUSPEND]?: boolean })[MAY_SUSPEND] === true ||
    f.constructor?.name === "AsyncFunction";
}

interface Jspi {
  Suspending: new (f: (...args: never[]) => unknown) => object;
  promising<F extends (...args: never[]) => unknown>(
    f: F,
  ): (...args: Parameters<F>) => Promise<unknown>;
}

/** Whether this host engine has JSPI (Deno 2.9 has it by default). */
export const hasJspi: boolean = typeof (WebAssembly as unknown as Partial<Jspi>).Suspending ===
  "function";

/** `new WebAssembly.Suspending(f)`: the import form of a host function that may suspend. */
export function suspending(f: (...args: never[]) => unknown): object {
  if (!hasJspi) throw new TypeError("this host engine has no JS Promise Integration");
  return new (WebAssembly as unknown as Jspi).Suspending(f);
}

/** `WebAssembly.promising(f)`: an entry that returns a Promise and lets the guest suspend. */
export function promising(
  f: (...args: never[]) => unknown,
): (...args: unknown[]) => Promise<unknown> {
  if (!hasJspi) throw new TypeError("this host engine has no JS Promise Integration");
  return (WebAssembly as unknown as Jspi).promising(f) as (...args: unknown[]) => Promise<unknown>;
}

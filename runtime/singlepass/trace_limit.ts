/**
 * How many frames V8 keeps of an error thrown while guest code runs.
 *
 * V8 keeps `Error.stackTraceLimit` frames of an error (10 by default),
 * counted when it is thrown: too few for the trap of a deep recursion, which
 * the interpreter reports with its innermost {@linkcode MAX_BACKTRACE_FRAMES}
 * frames. So entries into the guest raise the limit to
 * {@linkcode GUEST_TRACE_LIMIT} until the next microtask checkpoint, which
 * comes once the guest has returned or suspended; a suspended guest gets it
 * raised again when it resumes.
 *
 * What that costs (measured on a 2-core machine, medians):
 *
 * - per call into the guest, after the first of a job: a flag test, +0.7 ns
 *   on a 7 ns call of a tiny export (an empty branch in its place: +0.4 ns);
 * - per actual suspension: one more Promise reaction and microtask, +55 ns
 *   (110 → 165 ns with a Promise that is already resolved);
 * - per trap: V8 walks, and we map, up to 1,000 frames instead of 10 when
 *   the stack is that deep: ~7 ms instead of 0.3 ms for a trap 5,000 or
 *   100,000 calls deep, mostly V8's call-site accessors (~4 µs a frame);
 * - per host error thrown meanwhile: the same walk, paid only on a deep
 *   stack (5,000 calls deep: 0.3 ms instead of 6 µs; reading its `stack`,
 *   which formats every frame, ~10 ms).
 *
 * Capturing the stack when the error is translated instead is too late (the
 * guest's frames are gone by then), and capturing it at the trap site works
 * only for the guards' own traps, not for V8's (out of bounds, divide by
 * zero, its own stack overflow).
 *
 * @module
 */

import { MAX_BACKTRACE_FRAMES } from "../instance/backtrace.ts";

/**
 * `Error.stackTraceLimit` while guest code runs: room for
 * {@linkcode MAX_BACKTRACE_FRAMES} guest frames and as many frames of code
 * the guard pass added between them (a `call_indirect` through a table
 * others may see goes through a thunk), plus a few of the host.
 */
export const GUEST_TRACE_LIMIT = 2 * MAX_BACKTRACE_FRAMES + 32;

const V8Error = Error as unknown as { stackTraceLimit: unknown };

/** Whether the limit is raised (then a restore is queued). */
let raised = false;
/** The host's limit while this module has it changed, else null. */
let hostLimit: number | null = null;
/** Restores queued: the last one to run puts the host's limit back. */
let queued = 0;

/**
 * Raises `Error.stackTraceLimit` to {@linkcode GUEST_TRACE_LIMIT} (unless the
 * host set it higher, or turned stack traces off) for a guest about to run;
 * the host's value is back at the next microtask checkpoint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GUEST_TRACE_LIMIT, raiseTraceLimit } from "./trace_limit.ts";
 * const host = Error.stackTraceLimit;
 * raiseTraceLimit();
 * assert.equal(Error.stackTraceLimit, Math.max(host, GUEST_TRACE_LIMIT));
 * await Promise.resolve();
 * assert.equal(Error.stackTraceLimit, host);
 * ```
 */
export function raiseTraceLimit(): void {
  if (!raised) raiseUntilNextMicrotask();
}

function raiseUntilNextMicrotask(): void {
  if (!raised) {
    raised = true;
    const host = V8Error.stackTraceLimit;
    if (typeof host === "number" && host < GUEST_TRACE_LIMIT) {
      hostLimit = host;
      V8Error.stackTraceLimit = GUEST_TRACE_LIMIT;
    }
  }
  queued++;
  queueMicrotask(restoreOnce);
}

function restoreOnce(): void {
  if (--queued !== 0) return;
  raised = false;
  // Unless the host has set a limit of its own meanwhile.
  if (hostLimit !== null && V8Error.stackTraceLimit === GUEST_TRACE_LIMIT) {
    V8Error.stackTraceLimit = hostLimit;
  }
  hostLimit = null;
}

/**
 * What a host function that may suspend returned, passed on: a Promise gets
 * a reaction of ours first, so that when it settles, the limit is raised
 * before JSPI's reaction (registered after ours, so queued after it)
 * resumes the guest, and restored in the microtask after that.
 */
function lift(r: unknown): unknown {
  if (typeof r !== "object" || r === null) return r;
  if (r instanceof Promise) {
    r.then(raiseUntilNextMicrotask, raiseUntilNextMicrotask);
    return r;
  }
  if (typeof (r as { then?: unknown }).then !== "function") return r;
  return lift(Promise.resolve(r));
}

/**
 * The host function that may suspend `f`, of `arity` parameters, for
 * linking: the guest it suspends gets the raised limit back when it
 * resumes. A plain result passes through one more call (exact arity on the
 * common ones: no rest array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GUEST_TRACE_LIMIT, keepTraceLimit } from "./trace_limit.ts";
 * const host = Error.stackTraceLimit;
 * const read = keepTraceLimit((n: number) => n > 0 ? Promise.resolve(n) : 0, 1) as (n: number) => unknown;
 * assert.equal(read(0), 0);
 * let seen = 0;
 * (read(7) as Promise<number>).then(() => seen = Error.stackTraceLimit);
 * await new Promise((done) => setTimeout(done, 0));
 * assert.equal(seen, Math.max(host, GUEST_TRACE_LIMIT));
 * assert.equal(Error.stackTraceLimit, host);
 * ```
 */
export function keepTraceLimit(
  f: (...args: never[]) => unknown,
  arity: number,
): (...args: never[]) => unknown {
  const g = f as (...args: unknown[]) => unknown;
  // deno-fmt-ignore
  switch (arity) {
    case 0: return () => lift(g());
    case 1: return (a: unknown) => lift(g(a));
    case 2: return (a: unknown, b: unknown) => lift(g(a, b));
    case 3: return (a: unknown, b: unknown, c: unknown) => lift(g(a, b, c));
    case 4: return (a: unknown, b: unknown, c: unknown, d: unknown) => lift(g(a, b, c, d));
    default: return (...args: unknown[]) => lift(g(...args));
  }
}

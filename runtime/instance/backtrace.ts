/**
 * Wasm backtraces on traps: the frames of the guest's call stack, innermost
 * first, with function names from the module's `name` section. They are
 * attached to the error (which keeps the spec message as its `message`) and
 * become its `stack`:
 *
 * ```text
 * Trap: integer divide by zero
 *     at $div (func 3) offset 0x4a
 *     at $main (func 5) offset 0x7c
 * ```
 *
 * @module
 */

/** One frame of a wasm backtrace. */
export interface WasmFrame {
  /** Function index in its module. */
  func: number;
  /** The function's name from the `name` section, or null. */
  name: string | null;
  /** Byte offset of the executing instruction in the module binary (0 if unknown). */
  offset: number;
}

/**
 * Frames a trap's backtrace keeps, the innermost ones, on every backend: enough to see any real
 * recursion, and a trap a million calls deep still reports in milliseconds.
 */
export const MAX_BACKTRACE_FRAMES = 1000;

const TRACES = new WeakMap<Error, readonly WasmFrame[]>();

/** One frame as a line, e.g. `at $fib (func 3) offset 0x4a`. */
export function formatFrame(f: WasmFrame): string {
  const name = f.name !== null ? `$${f.name} ` : "";
  return `at ${name}(func ${f.func}) offset 0x${f.offset.toString(16)}`;
}

/**
 * Attaches `frames` to `err` and rewrites its `stack` as the message
 * followed by one line per frame.
 */
export function attachBacktrace(err: Error, frames: readonly WasmFrame[]): void {
  TRACES.set(err, frames);
  const lines = frames.map((f) => `    ${formatFrame(f)}`);
  err.stack = [`${err.name}: ${err.message}`, ...lines].join("\n");
}

/**
 * The wasm frames of an error thrown by a guest, innermost first, or
 * undefined when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachBacktrace, backtraceOf } from "./backtrace.ts";
 * const e = new Error("unreachable");
 * attachBacktrace(e, [{ func: 3, name: "fib", offset: 0x4a }]);
 * assert.equal(backtraceOf(e)?.[0].func, 3);
 * assert.match(e.stack ?? "", /at \$fib \(func 3\) offset 0x4a/);
 * ```
 */
export function backtraceOf(err: unknown): readonly WasmFrame[] | undefined {
  return err instanceof Error ? TRACES.get(err) : undefined;
}

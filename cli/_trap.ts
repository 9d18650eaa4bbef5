/**
 * How `kwasm run` shows a trap: the spec's message on one line, then the
 * guest's wasm backtrace, innermost frame first, with names from the name
 * section — and nothing of the TypeScript stack that carried it.
 *
 * ```text
 * kwasm: fib.wasm: integer divide by zero
 *     at $div (func 3) offset 0x4a
 *     at $fib (func 2) offset 0x61
 *     ... the frame above 998 more times
 *     at $main (func 5) offset 0x7c
 * ```
 *
 * Deep recursion leaves thousands of identical frames: a run of equal lines
 * is shown once with its count, and at most {@linkcode MAX_FRAME_LINES}
 * lines are printed.
 *
 * @module
 */

import { backtraceOf, formatFrame } from "../runtime/instance/backtrace.ts";

/** Most backtrace lines printed for one trap. */
export const MAX_FRAME_LINES = 40;

/** A frame line in an error's `stack`, as `attachBacktrace` writes it. */
const FRAME_LINE = /^\s*(at .*\(func \d+\) offset 0x[0-9a-f]+)\s*$/;

/**
 * The wasm frames of a guest's error as `at $name (func N) offset 0x…`
 * texts: from its attached backtrace, else from the frame lines of its
 * `stack`; empty when it has none.
 */
export function wasmFrames(err: unknown): string[] {
  const frames = backtraceOf(err);
  if (frames !== undefined) return frames.map(formatFrame);
  if (!(err instanceof Error) || err.stack === undefined) return [];
  return err.stack.split("\n").flatMap((line) => FRAME_LINE.exec(line)?.[1] ?? []);
}

/**
 * The lines (each indented, without newlines) that show `frames`: runs of
 * equal frames folded, at most `max` lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backtraceLines } from "./_trap.ts";
 * const frames = ["at $f (func 1) offset 0x2", ...Array(5).fill("at $g (func 2) offset 0x9")];
 * assert.deepEqual(backtraceLines(frames), [
 *   "    at $f (func 1) offset 0x2",
 *   "    at $g (func 2) offset 0x9",
 *   "    ... the frame above 4 more times",
 * ]);
 * ```
 */
export function backtraceLines(frames: readonly string[], max = MAX_FRAME_LINES): string[] {
  const lines: string[] = [];
  let i = 0;
  while (i < frames.length) {
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[i]) j++;
    const group = [`    ${frames[i]}`];
    if (j - i > 1) group.push(`    ... the frame above ${j - i - 1} more times`);
    // Unless this is the last group, keep a line free for the note on what is left out.
    if (lines.length + group.length > (j === frames.length ? max : max - 1)) {
      lines.push(`    ... ${frames.length - i} more frames`);
      break;
    }
    lines.push(...group);
    i = j;
  }
  return lines;
}

import assert from "node:assert/strict";
import { attachBacktrace } from "../runtime/instance/backtrace.ts";
import { Trap } from "../runtime/errors.ts";
import { backtraceLines, wasmFrames } from "./_trap.ts";

Deno.test("backtraceLines folds runs of one frame and keeps distinct ones", () => {
  const f = (n: number) => `at $f${n} (func ${n}) offset 0x${n}`;
  assert.deepEqual(backtraceLines([f(1), f(2), f(2), f(1)]), [
    `    ${f(1)}`,
    `    ${f(2)}`,
    "    ... the frame above 1 more times",
    `    ${f(1)}`,
  ]);
  assert.deepEqual(backtraceLines([]), []);
});

Deno.test("backtraceLines prints at most `max` lines, saying how many frames are left", () => {
  const frames = Array.from({ length: 100 }, (_, i) => `at (func ${i}) offset 0x0`);
  const lines = backtraceLines(frames, 10);
  assert.equal(lines.length, 10);
  assert.equal(lines[8], "    at (func 8) offset 0x0");
  assert.equal(lines[9], "    ... 91 more frames");
  assert.equal(backtraceLines(frames.slice(0, 10), 10).length, 10);
  assert.equal(backtraceLines(frames.slice(0, 10), 10)[9], "    at (func 9) offset 0x0");
});

Deno.test("wasmFrames: the attached backtrace, else the wasm lines of the stack, never JS", () => {
  const attached = new Trap("unreachable");
  attachBacktrace(attached, [{ func: 3, name: "fib", offset: 0x4a }]);
  assert.deepEqual(wasmFrames(attached), ["at $fib (func 3) offset 0x4a"]);
  const copied = new Trap("unreachable");
  copied.stack = "Trap: unreachable\n    at $g (func 1) offset 0x10\n    at run (file:///x.ts:1:2)";
  assert.deepEqual(wasmFrames(copied), ["at $g (func 1) offset 0x10"]);
  assert.deepEqual(wasmFrames(new Trap("unreachable")), []);
  assert.deepEqual(wasmFrames("not an error"), []);
});

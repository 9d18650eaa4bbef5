import assert from "node:assert/strict";
import { attachBacktrace } from "../runtime/instance/backtrace.ts";
import { Trap } from "../runtime/errors.ts";
import { encode } from "../runtime/binary/encode.ts";
import { parseWat } from "../runtime/text/mod.ts";
import { kwasm } from "./_testing.ts";
import { backtraceLines, MAX_FRAME_LINES, wasmFrames } from "./_trap.ts";

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

Deno.test("a deep exhaustion prints the same backtrace on both backends", async () => {
  // $a and $b call each other through a table, so the frames alternate: nothing folds.
  const dir = await Deno.makeTempDir();
  const file = `${dir}/mutual.wasm`;
  await Deno.writeFile(
    file,
    encode(parseWat(`(module (type $t (func (param i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $a $b)
      (func $a (param i32) (result i32)
        (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 1)))
      (func $b (param i32) (result i32) (call $a (local.get 0)))
      (func (export "_start") (drop (call $a (i32.const 0)))))`)),
  );
  try {
    const run = (backend: string) =>
      kwasm("run", "--backend", backend, "-W", "max-wasm-stack=5000", file);
    const [interp, singlepass] = [await run("interp"), await run("singlepass")];
    assert.equal(singlepass.stderr, interp.stderr);
    const lines = singlepass.stderr.trimEnd().split("\n");
    assert.match(lines[0], /call stack exhausted$/);
    assert.equal(lines[1], "    at $a (func 0) offset 0x41");
    assert.equal(lines[2], "    at $b (func 1) offset 0x49");
    assert.equal(lines.at(-1), `    ... ${1000 - (MAX_FRAME_LINES - 1)} more frames`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

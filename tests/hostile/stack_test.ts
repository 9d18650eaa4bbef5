/**
 * Unbounded recursion — direct, mutual, through `call_indirect`, with big
 * frames — must end in "call stack exhausted" on both engines, under the
 * default depth bound, a small `maxWasmStack`, and one larger than the host
 * stack can hold; and the same through the CLI's `-W max-wasm-stack`.
 */
import assert from "node:assert/strict";
import { Exhaustion } from "../../runtime/errors.ts";
import { kwasm } from "../../cli/_testing.ts";
import { wat } from "./_modules.ts";
import { assertFailed, assertResults, BACKENDS, runModule, SLACK, tempWasm } from "./_run.ts";

const EXHAUSTED = "call stack exhausted";

/** Recursive modules, each exporting "f" (no parameters) that never returns. */
const RECURSIONS: Record<string, Uint8Array> = {
  direct: wat(`(module (func $f (export "f") (call $f)))`),
  mutual: wat(`(module (func $f (export "f") (call $g)) (func $g (call $h)) (func $h (call $f)))`),
  call_indirect: wat(`(module (type $v (func)) (table funcref (elem $f))
    (func $f (export "f") (call_indirect (type $v) (i32.const 0))))`),
  // An exported table makes the callee reachable from outside (no private-table shortcut).
  call_indirect_exported: wat(`(module (type $v (func)) (table (export "t") funcref (elem $f))
    (func $f (export "f") (call_indirect (type $v) (i32.const 0))))`),
  big_frames: wat(`(module
    (func $f (export "f") (call $g (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)))
    (func $g (param i64 i64 i64 i64) (local v128 v128 v128 v128 v128 v128 v128 v128 f64 f64 f64 f64)
      (call $g (local.get 3) (local.get 2) (local.get 1) (local.get 0))))`),
  return_value: wat(
    `(module (func $f (export "f") (result i32) (i32.add (call $f) (i32.const 1))))`,
  ),
};

/** `depth(n)` recurses n levels and returns n: a bound must not cut short what fits. */
const COUNTDOWN = wat(`(module (func $d (export "depth") (param i32) (result i32)
  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
    (else (i32.add (call $d (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))`);

for (const backend of BACKENDS) {
  for (const [name, bytes] of Object.entries(RECURSIONS)) {
    Deno.test(`hostile (${backend}): ${name} recursion exhausts the call stack`, async () => {
      // 10M frames is past what V8's native stack holds (singlepass); interp's frames are
      // its own, so 1M shows the same (the 2^31-1 test below goes to its real limit).
      const huge = backend === "singlepass" ? 10_000_000 : 1_000_000;
      for (const maxWasmStack of [undefined, 1000, huge]) {
        const o = await runModule(backend, bytes, { config: { maxWasmStack }, invoke: ["f", []] });
        assertFailed(o, Exhaustion, EXHAUSTED, 3000);
      }
    });
  }

  Deno.test(`hostile (${backend}): -W max-wasm-stack=2^31-1 still ends in exhaustion`, async () => {
    // interp once allocated frame records for the whole bound up front: 24 GiB, a host crash.
    const o = await runModule(backend, RECURSIONS.direct, {
      config: { maxWasmStack: 2 ** 31 - 1 },
      invoke: ["f", []],
    });
    assertFailed(o, Exhaustion, EXHAUSTED, 6000);
  });

  Deno.test(`hostile (${backend}): the depth bound is exact enough`, async () => {
    // maxWasmStack counts nested wasm calls; depth(n) needs n + 1 frames.
    const config = { maxWasmStack: 1000 };
    assertResults(
      await runModule(backend, COUNTDOWN, { config, invoke: ["depth", [998]] }),
      [998],
      2000,
    );
    const deep = await runModule(backend, COUNTDOWN, { config, invoke: ["depth", [1001]] });
    assertFailed(deep, Exhaustion, EXHAUSTED, 2000);
  });

  Deno.test(`hostile (${backend}): recursion through the CLI, with and without -W max-wasm-stack`, async () => {
    const file = await tempWasm(RECURSIONS.mutual);
    for (const flags of [[], ["-W", "max-wasm-stack=500"]]) {
      const t0 = performance.now();
      const o = await kwasm("run", "--backend", backend, ...flags, "--invoke", "f", file);
      const ms = performance.now() - t0;
      assert.equal(o.code, 134, o.stderr);
      assert.match(o.stderr, /call stack exhausted/);
      assert.ok(ms < 5000 * SLACK, `${ms.toFixed(0)} ms`);
    }
  });
}

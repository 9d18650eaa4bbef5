import assert from "node:assert/strict";
import { spectest } from "./spectest.ts";
import { UserScriptRunner } from "./user_runner.ts";

const enc = (s: string) => new TextEncoder().encode(s);

const PRINTS = `
(module
  (import "spectest" "print_i32" (func $p (param i32)))
  (import "spectest" "print_i64" (func $q (param i64)))
  (import "spectest" "global_i32" (global $g i32))
  (func (export "run") (result i32)
    (call $p (i32.const 7)) (call $q (i64.const -2)) (global.get $g)))
(assert_return (invoke "run") (i32.const 666))
`;

for (const backend of ["interp", "singlepass"]) {
  Deno.test(`user runner (${backend}): spectest's functions are syscalls to this isolate`, async () => {
    const calls: unknown[][] = [];
    const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args]);
    const runner = new UserScriptRunner({
      backend,
      spectest: () => ({
        ...spectest(),
        print_i32: record("print_i32"),
        print_i64: record("print_i64"),
      }),
    });
    try {
      const r = await runner.run(enc(PRINTS));
      assert.deepEqual(r, { passed: 2, failures: [], skipped: 0 });
      assert.deepEqual(calls, [["print_i32", 7], ["print_i64", -2n]]);
      // The worker is kept: a second script runs in it, with a fresh spectest.
      assert.deepEqual(await runner.run(enc(PRINTS)), { passed: 2, failures: [], skipped: 0 });
      assert.equal(calls.length, 4);
    } finally {
      runner.close();
    }
  });
}

Deno.test("user runner: a failing command is reported, the script goes on", async () => {
  const runner = new UserScriptRunner({ backend: "interp" });
  try {
    const r = await runner.run(enc(`
      (module (func (export "one") (result i32) (i32.const 1)))
      (assert_return (invoke "one") (i32.const 2))
      (assert_return (invoke "one") (i32.const 1))`));
    assert.equal(r.passed, 2);
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0], /^3: invoke "one": got \[1\], expected \[i32 2\]/);
  } finally {
    runner.close();
  }
});

Deno.test("user runner: a hung script times out alone; the next one gets a new worker", async () => {
  const runner = new UserScriptRunner({ backend: "singlepass", timeoutMs: 300 });
  try {
    const hung = await runner.run(enc(`
      (module (func (export "spin") (loop (br 0))))
      (invoke "spin")`));
    assert.deepEqual(hung, { passed: 0, failures: ["script: timed out after 300 ms"], skipped: 0 });
    const next = await runner.run(enc(PRINTS));
    assert.deepEqual(next, { passed: 2, failures: [], skipped: 0 });
  } finally {
    runner.close();
  }
});

Deno.test("user runner: a throwing host function fails its script, not the runner", async () => {
  const runner = new UserScriptRunner({
    backend: "interp",
    spectest: () => ({
      ...spectest(),
      print_i32: () => {
        throw new Error("boom");
      },
    }),
  });
  try {
    const r = await runner.run(enc(PRINTS));
    assert.deepEqual(r.failures, ["script: a spectest host call failed: boom"]);
  } finally {
    runner.close();
  }
});

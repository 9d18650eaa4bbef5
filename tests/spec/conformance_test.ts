/**
 * The spec suite in `deno test`: every module of WebAssembly 2.0 must parse
 * (or decode) and validate, and every `assert_malformed` and
 * `assert_invalid` must fail for the expected reason. The pass count may only
 * go up: `baseline.json` records it.
 */
import assert from "node:assert/strict";
import { repoPath, specSuiteDir } from "../_fixtures.ts";
import { runFiles, scriptsIn } from "./run.ts";

const BASELINE_FILE = repoPath("tests/spec/baseline.json");

Deno.test("spec suite 2.0: parse, decode and validate conformance", async () => {
  const dir = specSuiteDir("wasm-2.0");
  assert.ok(dir !== null, "the spec suite is missing: expected ../shared/spec-testsuite/wasm-2.0");
  const results = await runFiles(scriptsIn(dir));
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.file}:${f}`));
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const baseline = JSON.parse(await Deno.readTextFile(BASELINE_FILE)) as { passed: number };
  console.log(`spec 2.0 without an engine: ${passed} passed, ${failures.length} failed`);
  assert.equal(results.length, 147);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(
    passed >= baseline.passed,
    `${passed} passed, fewer than the recorded ${baseline.passed}`,
  );
});

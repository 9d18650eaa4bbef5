/**
 * The spec suite in `deno test`: decoding and validation must hold for every
 * binary `assert_malformed`, every `assert_invalid` and every valid module of
 * WebAssembly 2.0, with no failure other than the listed wast2json artifacts,
 * and the pass count may only go up (`baseline.json`).
 */
import assert from "node:assert/strict";
import { repoPath, specSuiteDir } from "../_fixtures.ts";
import { runSuite } from "./run.ts";
import { hasWast2json } from "./wast2json.ts";

const BASELINE_FILE = repoPath("tests/spec/baseline.json");

Deno.test("spec suite 2.0: decode and validate conformance", async () => {
  const dir = specSuiteDir("wasm-2.0");
  assert.ok(dir !== null, "the spec suite is missing: expected ../shared/spec-testsuite/wasm-2.0");
  assert.ok(hasWast2json(), "this test needs wabt's wast2json: apt-get install wabt");
  const results = await runSuite(dir);
  const failures = results.flatMap((r) => r.failures);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const baseline = JSON.parse(await Deno.readTextFile(BASELINE_FILE)) as { passed: number };
  console.log(`spec 2.0 decode+validate: ${passed} passed, ${failures.length} failed`);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(
    passed >= baseline.passed,
    `${passed} passed, fewer than the recorded ${baseline.passed}`,
  );
  assert.equal(results.length, 147);
});

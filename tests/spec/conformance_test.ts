/**
 * The spec suite in `deno test`, once without an engine (every module must
 * parse or decode and validate; every `assert_malformed` and
 * `assert_invalid` must fail for the expected reason) and once on every
 * registered engine (every command, execution included). No failure is
 * allowed, and the pass count of each run may only go up: `baseline.json`
 * records it. Each engine also runs the suite with fuel metering and a low
 * call-depth bound compiled in, so the code those options add is checked too,
 * and under the user loader (`user:NAME`: every script in a permission-less
 * Worker, `spectest`'s functions as syscalls).
 */
import assert from "node:assert/strict";
import type { Engine } from "../../runtime/engine.ts";
import { engineByName, engineNames } from "../../runtime/engines.ts";
import { repoPath, specSuiteDir } from "../_fixtures.ts";
import { type FileResult, runFiles, runFilesUser, scriptsIn } from "./run.ts";

const BASELINE_FILE = repoPath("tests/spec/baseline.json");

/** Runs the suite with `run` and checks it against the baseline; `executes`: nothing may skip. */
async function check(
  label: string,
  executes: boolean,
  run: (files: string[]) => Promise<FileResult[]>,
): Promise<void> {
  const dir = specSuiteDir("wasm-2.0");
  assert.ok(dir !== null, "the spec suite is missing: expected ../shared/spec-testsuite/wasm-2.0");
  const results = await run(scriptsIn(dir));
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.file}:${f}`));
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  const baseline = JSON.parse(await Deno.readTextFile(BASELINE_FILE)) as Record<string, number>;
  console.log(
    `spec 2.0 [${label}]: ${passed} passed, ${failures.length} failed, ${skipped} skipped`,
  );
  assert.equal(results.length, 147);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(label in baseline, `no baseline for ${label} in tests/spec/baseline.json`);
  assert.ok(
    passed >= baseline[label],
    `${passed} passed, fewer than the recorded ${baseline[label]}`,
  );
  if (executes) assert.equal(skipped, 0, "an engine run skips nothing");
}

/** The suite on `engine` in this process. */
function onEngine(label: string, engine?: Engine): Promise<void> {
  return check(label, engine !== undefined, (files) => runFiles(files, engine));
}

Deno.test("spec suite 2.0 without an engine: parse, decode, validate", () => onEngine("none"));

for (const name of engineNames()) {
  Deno.test(`spec suite 2.0 on ${name}: every command`, async () => {
    await onEngine(name, (await engineByName(name))!);
  });
  Deno.test(`spec suite 2.0 on ${name} with fuel and a depth bound of 500`, async () => {
    await onEngine(`${name}+fuel`, (await engineByName(name, { fuel: true, maxWasmStack: 500 }))!);
  });
  Deno.test(`spec suite 2.0 on ${name} under the user loader: every command`, async () => {
    await check(`user:${name}`, true, (files) => runFilesUser(files, { backend: name }));
  });
}

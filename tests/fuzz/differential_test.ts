/**
 * CI smoke of the differential fuzzer: modules from binaryen's `wasm-opt
 * -ttf` run on V8, interp and singlepass, which must agree on every export's
 * result or trap (v128 exports included, through lane adapters), on the
 * values logged and on the final memory. Skipped when
 * wasm-opt is not installed, except in CI (which installs binaryen).
 *
 *     KWASM_FUZZ_SEEDS=1000 deno test -A tests/fuzz/differential_test.ts
 *
 * The long run is `deno task fuzz --only differential --seconds T`; saved
 * regressions are replayed by `regressions_test.ts`.
 */
import assert from "node:assert/strict";
import { EXECUTORS, hasWasmOpt, runDifferential } from "./differential.ts";

const SEEDS = Number(Deno.env.get("KWASM_FUZZ_SEEDS") ?? 30);

Deno.test({
  name: `${EXECUTORS.join(", ")} agree on ${SEEDS} fuzzer-generated modules`,
  ignore: !hasWasmOpt() && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(hasWasmOpt(), "this test needs binaryen's wasm-opt: apt-get install binaryen");
    const report = await runDifferential({ seeds: SEEDS });
    assert.equal(report.modules, SEEDS);
    for (const [pair, calls] of Object.entries(report.calls)) {
      assert.ok(calls > SEEDS, `${pair}: only ${calls} export calls compared`);
    }
    assert.ok(report.vectorCalls > 0, "no v128 export was called");
    assert.deepEqual(report.disagreements.filter((d) => d.explained === undefined), []);
  },
});

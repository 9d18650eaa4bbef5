/**
 * The long differential fuzzing run:
 *
 *     deno task fuzz [--seeds N] [--from S] [--engines v8,interp,singlepass]
 *
 * generates modules from seeds S .. S+N-1 with binaryen's `wasm-opt -ttf`,
 * runs each on every executor and prints the number of export calls
 * compared per executor pair and every disagreement (seed and what
 * differed). Exits 1 on a disagreement not in `EXPLAINED`; rerun one seed with
 * `--from SEED --seeds 1`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { EXECUTORS, hasWasmOpt, runDifferential } from "./differential.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "100" },
    from: { type: "string", default: "0" },
    engines: { type: "string", default: EXECUTORS.join(",") },
  },
});
const seeds = Number(values.seeds);
const from = Number(values.from);
if (!Number.isInteger(seeds) || seeds < 0 || !Number.isInteger(from) || from < 0) {
  console.error("usage: deno task fuzz [--seeds N] [--from S] [--engines a,b,c]");
  Deno.exit(2);
}
if (!hasWasmOpt()) {
  console.error("differential fuzzing needs binaryen's wasm-opt: apt-get install binaryen");
  Deno.exit(2);
}

const started = performance.now();
const report = await runDifferential({ seeds, from, engines: values.engines.split(",") });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `differential: seeds ${from}..${from + seeds - 1}, ${report.modules} modules, ${seconds}s`,
);
for (const [pair, calls] of Object.entries(report.calls)) {
  const bad = report.disagreements.filter((d) => d.pair === pair).length;
  console.log(`  ${pair}: ${calls} export calls, ${bad} disagreements`);
}
console.log(
  `  (of each pair's calls, ${report.vectorCalls} have v128 in the signature: TypeError)`,
);
for (const d of report.disagreements) {
  const why = d.explained === undefined ? "" : ` (explained: ${d.explained})`;
  console.log(`seed ${d.seed} ${d.pair}: ${d.detail}${why}`);
}
if (report.disagreements.some((d) => d.explained === undefined)) Deno.exit(1);

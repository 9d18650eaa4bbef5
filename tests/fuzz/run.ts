/**
 * The long fuzzing run (`deno task fuzz`):
 *
 *     deno task fuzz [--only differential|decoder|all] [--seconds T]
 *                    [--seeds N] [--from S] [--engines v8,interp,singlepass]
 *                    [--cases N] [--save] [--minimize-seconds M]
 *
 * - differential (`differential.ts`): modules from seeds S .. S+N-1 (binaryen
 *   `wasm-opt -ttf`) run on every executor; prints the export calls compared
 *   per executor pair, the v128 calls among them, and every disagreement.
 *   `--save` minimises each seed's module with an unexplained disagreement (`minimize.ts`, at most
 *   M seconds, default 60) and keeps it in `regressions/differential/`.
 * - decoder (`decoder.ts`): mutated modules through the decoder and
 *   validator, seed S, N cases (`--cases`); prints its summary and findings.
 *
 * `--seconds T` bounds the whole run (split evenly under `--only all`); with
 * it, `--seeds` defaults to unbounded. Exits 1 on a finding or an
 * unexplained disagreement; rerun one seed with `--from SEED --seeds 1`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  describeCall,
  executorByName,
  EXECUTORS,
  hasWasmOpt,
  runDifferential,
  type SeedScenario,
} from "./differential.ts";
import { formatReport, fuzzDecoder } from "./decoder.ts";
import { minimizeDisagreement, saveRegression } from "./regressions.ts";
import type { Disagreement } from "./scenario.ts";

const USAGE = "usage: deno task fuzz [--only differential|decoder|all] [--seconds T] " +
  "[--seeds N] [--from S] [--engines a,b,c] [--cases N] [--save] [--minimize-seconds M]";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string", default: "all" },
    seconds: { type: "string" },
    seeds: { type: "string" },
    from: { type: "string", default: "0" },
    engines: { type: "string", default: EXECUTORS.join(",") },
    cases: { type: "string" },
    save: { type: "boolean", default: false },
    "minimize-seconds": { type: "string", default: "60" },
  },
});
const count = (s: string | undefined, fallback: number) => s === undefined ? fallback : Number(s);
const seconds = count(values.seconds, Infinity);
const seeds = count(values.seeds, values.seconds === undefined ? 100 : Infinity);
const from = count(values.from, 0);
const cases = values.cases === undefined ? undefined : Number(values.cases);
const minimizeSeconds = count(values["minimize-seconds"], 60);
const only = values.only;
const valid = (n: number, inf = false) =>
  (inf && n === Infinity) || (Number.isInteger(n) && n >= 0);
if (
  !["differential", "decoder", "all"].includes(only) || !valid(seconds, true) ||
  !(seconds > 0) || !valid(seeds, true) || !valid(from) || !valid(minimizeSeconds) ||
  (cases !== undefined && !valid(cases))
) {
  console.error(USAGE);
  Deno.exit(2);
}
const share = only === "all" && seconds !== Infinity ? seconds / 2 : seconds;
let failed = false;

if (only === "decoder" || only === "all") failed = runDecoder() || failed;
if (only === "differential" || only === "all") failed = (await fuzzDifferential()) || failed;
if (failed) Deno.exit(1);

/** Runs the decoder fuzzer (`decoder.ts`); true on a finding. */
function runDecoder(): boolean {
  const report = fuzzDecoder({
    seed: from,
    count: cases,
    timeMs: share === Infinity ? undefined : share * 1000,
    log: (line) => console.log(`  ${line}`),
  });
  for (const line of formatReport(report)) console.log(line);
  return report.findings.length > 0;
}

/** Runs the differential fuzzer (saving disagreements with `--save`); true on an unexplained one. */
async function fuzzDifferential(): Promise<boolean> {
  if (!hasWasmOpt()) {
    console.error("differential fuzzing needs binaryen's wasm-opt: apt-get install binaryen");
    return true;
  }
  const engines = values.engines.split(",");
  const executors = await Promise.all(engines.map((e) => executorByName(e)));
  const save = async (scenario: SeedScenario, found: Disagreement[]) => {
    const d = found.find((x) => x.explained === undefined);
    if (d === undefined) return;
    console.log(`seed ${scenario.seed}: ${d.detail}; minimising…`);
    const { scenario: small, result } = await minimizeDisagreement(scenario, d, executors, {
      timeMs: minimizeSeconds * 1000,
    });
    const why =
      `deno task fuzz --from ${scenario.seed} --seeds 1: ${d.pair} disagreed (not yet explained)`;
    const path = await saveRegression(`seed-${scenario.seed}`, small, {
      seed: scenario.seed,
      key: d.key,
      detail: d.detail,
      why,
    });
    console.log(
      `  saved ${path}: ${result.before} → ${result.after} bytes, ` +
        `${result.tried} candidates, calls ${small.calls.map(describeCall).join(" ")}`,
    );
  };
  const started = performance.now();
  const report = await runDifferential({
    seeds,
    from,
    engines,
    timeMs: share * 1000,
    onDisagreement: values.save ? save : undefined,
  });
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const last = from + report.modules - 1;
  console.log(`differential: seeds ${from}..${last}, ${report.modules} modules, ${took}s`);
  for (const [pair, calls] of Object.entries(report.calls)) {
    const bad = report.disagreements.filter((d) => d.pair === pair).length;
    console.log(`  ${pair}: ${calls} export calls, ${bad} disagreements`);
  }
  console.log(
    `  (of each pair's calls, ${report.vectorCalls} have v128 in the signature, called through ` +
      `lane adapters; ${report.vectorReturns} of them returned on ${engines[0]})`,
  );
  for (const d of report.disagreements) {
    const why = d.explained === undefined ? "" : ` (explained: ${d.explained})`;
    console.log(`seed ${d.seed} ${d.pair} ${d.detail}${why}`);
  }
  return report.disagreements.some((d) => d.explained === undefined);
}

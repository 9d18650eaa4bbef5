/**
 * The `interp` backend against the host engine running the same module
 * untouched and against wabt's `wasm-interp` (a C++ interpreter), side by
 * side in one run, on the compute kernels of `bench/kernels/` (recursion,
 * memory loops, i64 hashing, f64 matrix multiply, SIMD). Every contender
 * calls the kernel's `bench()` export: the same bytes, the same work.
 *
 * - **interp**: decode + validate + lower outside the timed region, then one
 *   timed `bench()` call per round (after one warm-up call).
 * - **host engine**: `WebAssembly.instantiate` on the bytes, one warm-up
 *   call, then `bench()` repeated until a round takes at least 100 ms (the
 *   host finishes a kernel in a few milliseconds); the mean per call.
 * - **wasm-interp**: `wasm-interp --run-all-exports` in a child process (it
 *   skips `run(n)`, which takes an argument); the process time minus that of
 *   `wasm-interp` loading the same file without running it (median of the
 *   rounds), so start-up, parsing and validation are not counted.
 *
 * Rounds alternate between the contenders, so machine noise hits all alike;
 * each kernel runs in a child process (a fresh isolate, so one kernel's
 * instruction mix does not reshape the interpreter's JIT code for the
 * next). The table shows the median round; ratios above 1 mean interp is
 * slower. Target (issue 4): interp no slower than wasm-interp on the
 * geometric mean.
 *
 *     deno run -A bench/interp.ts [--rounds N] [--only NAME]
 *
 * Results go to `bench/results/interp.json` and a chart to
 * `bench/results/interp.svg`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decode } from "../runtime/binary/decode.ts";
import { validate } from "../runtime/validate/mod.ts";
import { interpEngine } from "../runtime/interp/mod.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { geomean, median } from "./_stats.ts";

/** The kernels of `bench/kernels/`, each with a `bench()` export. */
const KERNELS = ["fib", "sieve", "hash64", "matmul", "simd"];

/** Shortest time a round of the host engine should take. */
const MIN_HOST_ROUND_MS = 100;

/** One kernel's times (median round, ms per `bench()` call) and ratios. */
interface KernelResult {
  kernel: string;
  /** What `bench()` returned, as an unsigned 32-bit integer (all contenders agree). */
  result: number;
  hostMs: number;
  interpMs: number;
  wabtMs: number;
  /** interp time / host engine time. */
  interpVsHost: number;
  /** interp time / wasm-interp time (below 1: interp is faster). */
  interpVsWabt: number;
  /** wasm-interp time / host engine time. */
  wabtVsHost: number;
  /** Every round's time, per contender. */
  rounds: { host: number[]; interp: number[]; wabt: number[] };
}

/** Runs `wasm-interp ARGS`; returns [wall ms, stdout]. */
async function wasmInterp(args: string[]): Promise<[number, string]> {
  const t0 = performance.now();
  const out = await new Deno.Command("wasm-interp", { args, stdout: "piped", stderr: "piped" })
    .output();
  const ms = performance.now() - t0;
  if (!out.success) {
    throw new Error(`wasm-interp ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return [ms, new TextDecoder().decode(out.stdout)];
}

/** The value in wasm-interp's `bench() => i32:N` line, as an unsigned 32-bit integer. */
function wabtResult(stdout: string): number {
  const m = /bench\(\) => i32:(-?\d+)/.exec(stdout);
  if (!m) throw new Error(`wasm-interp printed no bench() result: ${stdout}`);
  return Number(m[1]) >>> 0;
}

/** Benchmarks one kernel, all three contenders, `rounds` rounds. */
async function benchKernel(name: string, rounds: number): Promise<KernelResult> {
  const file = repoPath(`bench/kernels/${name}.wasm`);
  const bytes = Deno.readFileSync(file);

  const module = decode(bytes);
  validate(module);
  const interp = await interpEngine().compile(module).instantiate();
  const runInterp = async () => Number((await interp.invoke("bench", []))[0]) >>> 0;

  const { instance } = await WebAssembly.instantiate(bytes);
  const hostBench = instance.exports.bench as () => number;

  // Warm up (the host engine tiers up, the interpreter's loop gets compiled), and check agreement.
  const results = [
    hostBench() >>> 0,
    await runInterp(),
    wabtResult((await wasmInterp(["--run-all-exports", file]))[1]),
  ];
  if (new Set(results).size !== 1) {
    throw new Error(`${name}: contenders disagree (host / interp / wasm-interp): ${results}`);
  }

  let reps = 1;
  for (let t = 0; t < MIN_HOST_ROUND_MS;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) hostBench();
    t = performance.now() - t0;
    if (t < MIN_HOST_ROUND_MS) reps *= 2;
  }

  const times = { host: [] as number[], interp: [] as number[], wabt: [] as number[] };
  const load: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    for (let i = 0; i < reps; i++) hostBench();
    times.host.push((performance.now() - t0) / reps);

    t0 = performance.now();
    await runInterp();
    times.interp.push(performance.now() - t0);

    times.wabt.push((await wasmInterp(["--run-all-exports", file]))[0]);
    load.push((await wasmInterp([file]))[0]);
  }
  const loadMs = median(load);
  times.wabt = times.wabt.map((t) => Math.max(t - loadMs, 0.001));

  const [hostMs, interpMs, wabtMs] = [median(times.host), median(times.interp), median(times.wabt)];
  return {
    kernel: name,
    result: results[0],
    hostMs,
    interpMs,
    wabtMs,
    interpVsHost: interpMs / hostMs,
    interpVsWabt: interpMs / wabtMs,
    wabtVsHost: wabtMs / hostMs,
    rounds: times,
  };
}

/** Runs one kernel in a child process (a fresh isolate each). */
async function benchInChild(name: string, rounds: number): Promise<KernelResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--child", name, "--rounds", String(rounds)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`kernel ${name} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      only: { type: "string" },
      child: { type: "string" },
    },
  });
  const rounds = Number(values.rounds);
  if (values.child) {
    console.log(JSON.stringify(await benchKernel(values.child, rounds)));
    Deno.exit(0);
  }
  const version = (await wasmInterp(["--version"]))[1].trim();
  const kernels = KERNELS.filter((k) => !values.only || k.startsWith(values.only));

  console.log(
    `interp vs the host engine untouched vs wasm-interp ${version}, ${rounds} rounds, median round`,
  );
  console.log(
    "| kernel | host ms | interp ms | wasm-interp ms | interp / host | interp / wasm-interp | " +
      "wasm-interp / host |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  const rows: KernelResult[] = [];
  for (const k of kernels) {
    const r = await benchInChild(k, rounds);
    rows.push(r);
    console.log(
      `| ${r.kernel} | ${r.hostMs.toFixed(2)} | ${r.interpMs.toFixed(1)} | ${
        r.wabtMs.toFixed(1)
      } | ` +
        `${r.interpVsHost.toFixed(1)} | ${r.interpVsWabt.toFixed(2)} | ${
          r.wabtVsHost.toFixed(1)
        } |`,
    );
  }
  const geo = {
    interpVsHost: geomean(rows.map((r) => r.interpVsHost)),
    interpVsWabt: geomean(rows.map((r) => r.interpVsWabt)),
    wabtVsHost: geomean(rows.map((r) => r.wabtVsHost)),
  };
  console.log(
    `| **geometric mean** | | | | **${geo.interpVsHost.toFixed(1)}** | ` +
      `**${geo.interpVsWabt.toFixed(2)}** | **${geo.wabtVsHost.toFixed(1)}** |`,
  );
  console.log(
    `interp runs at ${geo.interpVsWabt.toFixed(2)}× wasm-interp's time on the geometric mean ` +
      `(target <= 1: ${geo.interpVsWabt <= 1 ? "met" : "NOT met"})`,
  );

  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/interp.json"),
    JSON.stringify(
      { date: new Date().toISOString(), wasmInterp: version, rounds, kernels: rows, geomean: geo },
      null,
      2,
    ) + "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/interp.svg"),
    barChart(
      "Slowdown against the host engine untouched (1 = same speed)",
      rows.flatMap((r) => [
        { label: `${r.kernel}: interp`, value: r.interpVsHost },
        { label: `${r.kernel}: wasm-interp`, value: r.wabtVsHost },
      ]).concat([
        { label: "geomean: interp", value: geo.interpVsHost },
        { label: "geomean: wasm-interp", value: geo.wabtVsHost },
      ]),
      { format: (v) => `${v.toFixed(1)}×` },
    ),
  );
}

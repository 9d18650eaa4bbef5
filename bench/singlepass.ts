/**
 * The singlepass backend against the host engine running the same module
 * untouched, side by side in one run:
 *
 * - **guards**: per compute kernel, the time of the guarded module (depth
 *   and interrupt guards) and of the fuel-metered one, relative to the
 *   untouched module, and the geometric mean (targets: guards ≤ 1.05,
 *   fuel ≤ 1.30). Kernels are `bench/kernels/*.wasm` (their `run(n)` export)
 *   and the WASI fixtures qsort, large and simd (`_start`, output discarded).
 *   Each kernel runs in `--procs` fresh processes (interleaved with the
 *   other kernels'); in each, rounds alternate between the contenders and
 *   a contender's time is its fastest round (on a shared, noisy machine the
 *   minimum is the stablest estimate of the uncontended time), by the wall
 *   clock and by the process's CPU time (`process.cpuUsage()`, which leaves
 *   out the time other processes hold the cores). A kernel's ratio is the
 *   median over its processes: a process, or a compilation, has a speed of
 *   its own that no number of rounds inside it averages out — the 2 ms
 *   `large` fixture, which runs cold code once through megabytes of it,
 *   timed its untouched module against a second compilation of itself at
 *   0.88–1.13× across 25 processes of one machine (RATIONALE.md). That A/A
 *   control — the untouched module compiled a second time, timed like the
 *   others — is a column of its own: a guard ratio within the control's
 *   distance from 1 is not a measured cost. The spread column is the lowest
 *   and highest guarded ratio over the processes.
 * - **codegen**: guard pass + encoder throughput on every fixture, in MB/s.
 * - **start-up**: bytes → instance ready to run, for the largest fixture, in
 *   a fresh process each: the host engine alone, singlepass without cache,
 *   singlepass from its cache.
 *
 *     deno run -A bench/singlepass.ts [--rounds N] [--procs P] [--only NAME] [--guards-only] [--no-fuel]
 *
 * `--guards-only` prints the guards table and stops (for interleaved A/B
 * runs of two versions); `--no-fuel` leaves the fuel-metered contender out
 * (a third less time per A/B round when only the guards changed).
 *
 * Results go to `bench/results/singlepass.json` and a chart to
 * `bench/results/singlepass.svg`.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { openSync } from "node:fs";
import { WASI } from "node:wasi";
import { decode } from "../runtime/binary/decode.ts";
import { encode } from "../runtime/binary/encode.ts";
import type { Imports } from "../runtime/engine.ts";
import { guard } from "../runtime/singlepass/guard.ts";
import { singlepass, type SinglepassEngine } from "../runtime/singlepass/mod.ts";
import { fixtureFiles, repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { geomean, median } from "./_stats.ts";

/**
 * A prepared run: `setup` makes whatever a run needs (a fresh instance for a
 * WASI program, nothing for a kernel) outside the timed region; the function
 * it returns is timed.
 */
type Run = () => Promise<() => unknown>;

/** One compute kernel: how to get a run for each contender. */
interface Kernel {
  name: string;
  /**
   * A run on the host engine untouched; with `copy`, of a copy that differs
   * by an empty custom section, so that V8 compiles it anew instead of
   * sharing the first one's code (its native module cache is keyed by the
   * bytes) — as the guarded module is a compilation of its own.
   */
  host(copy?: boolean): Promise<Run>;
  /** A run on a singlepass engine. */
  guarded(engine: SinglepassEngine): Promise<Run>;
}

const KERNEL_ARGS: Record<string, number> = {
  fib: 36,
  sieve: 8 << 20,
  hash64: 8192,
  matmul: 384,
  simd: 2048,
};

const WASI_FIXTURES = ["qsort/qsort.wasm", "large/large.wasm", "simd/simd.wasm"];

/** `bytes` with an empty custom section appended: the same module, other bytes. */
function distinct(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode("kwasm:control");
  const out = new Uint8Array(bytes.length + 3 + name.length);
  out.set(bytes);
  out.set([0, 1 + name.length, name.length, ...name], bytes.length);
  return out;
}

/** A `bench/kernels` module: its `run(n)` export, one instance for all rounds. */
function computeKernel(name: string): Kernel {
  const bytes = Deno.readFileSync(repoPath(`bench/kernels/${name}.wasm`));
  const n = KERNEL_ARGS[name];
  const runOf = (run: (n: number) => number): Run => () => Promise.resolve(() => run(n));
  return {
    name,
    async host(copy) {
      const { instance } = await WebAssembly.instantiate(copy ? distinct(bytes) : bytes);
      return runOf(instance.exports.run as (n: number) => number);
    },
    async guarded(engine) {
      const instance = await engine.compile(decode(bytes)).instantiate();
      return runOf(instance.exports.run as (n: number) => number);
    },
  };
}

/** A WASI program: each run gets a fresh instance (untimed), then `_start` is timed. */
function wasiKernel(path: string): Kernel {
  const bytes = Deno.readFileSync(path);
  const name = path.slice(path.lastIndexOf("/") + 1, -".wasm".length);
  const devNull = openSync(Deno.build.os === "windows" ? "NUL" : "/dev/null", "w");
  const newWasi = () =>
    new WASI({ version: "preview1", args: [name], stdout: devNull, returnOnExit: true });
  return {
    name: `wasi:${name}`,
    host(copy) {
      const module = new WebAssembly.Module(copy ? distinct(bytes) : bytes);
      return Promise.resolve(() => {
        const wasi = newWasi();
        const imports = wasi.getImportObject() as unknown as WebAssembly.Imports;
        const instance = new WebAssembly.Instance(module, imports);
        return Promise.resolve(() => wasi.start(instance));
      });
    },
    guarded(engine) {
      const compiled = engine.compile(decode(bytes));
      return Promise.resolve(async () => {
        const wasi = newWasi();
        const instance = await compiled.instantiate(wasi.getImportObject() as Imports);
        return () => wasi.start(instance as unknown as WebAssembly.Instance);
      });
    },
  };
}

function kernelNamed(name: string): Kernel {
  if (name in KERNEL_ARGS) return computeKernel(name);
  const fixture = WASI_FIXTURES.find((f) => `wasi:${f.split("/")[0]}` === name);
  if (!fixture) throw new Error(`unknown kernel ${name}`);
  return wasiKernel(repoPath(`tests/fixtures/${fixture}`));
}

/** Shortest time a round of one contender should take. */
const MIN_ROUND_MS = 100;

/** Runs prepared before a timed batch (WASI programs need an instance each). */
const BATCH = 128;

/** Wall-clock and CPU time of a run, ms. */
interface Time {
  wall: number;
  cpu: number;
}

/**
 * Runs `run` `reps` times; returns the mean time of the timed parts. Runs
 * are prepared in batches and then timed back to back, so that programs of
 * a tenth of a millisecond are timed over many milliseconds.
 */
async function time(run: Run, reps = 1): Promise<Time> {
  let wall = 0, cpu = 0;
  for (let done = 0; done < reps;) {
    const batch: (() => unknown)[] = [];
    while (batch.length < BATCH && done + batch.length < reps) batch.push(await run());
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const go of batch) go();
    wall += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    done += batch.length;
  }
  return { wall: wall / reps, cpu: cpu / reps };
}

interface KernelResult {
  kernel: string;
  medians: { host: number; guarded: number; fuel: number };
  hostMs: number;
  guardedMs: number;
  fuelMs: number;
  guarded: number;
  fuel: number;
  /** The ratios by CPU time (fastest rounds). */
  cpu: { guarded: number; fuel: number };
  /**
   * The A/A control: the untouched module compiled a second time and timed
   * like the others, over the host's time (wall, CPU). How far it is from 1
   * is the noise floor of this kernel's ratios.
   */
  control: { wall: number; cpu: number };
}

async function benchKernel(k: Kernel, rounds: number, fuel = true): Promise<KernelResult> {
  const runs = [
    await k.host(),
    await k.guarded(singlepass({ cache: false })),
  ];
  if (fuel) runs.push(await k.guarded(singlepass({ cache: false, fuel: true })));
  runs.push(await k.host(true)); // the A/A control, last
  // Slot of each run: host, guarded, fuel (empty without fuel), control.
  const slots = fuel ? [0, 1, 2, 3] : [0, 1, 3];
  const results = [];
  for (const run of runs) results.push((await run())()); // warm up, and check they agree
  if (new Set(results.map(String)).size !== 1) {
    throw new Error(`${k.name}: contenders disagree: ${results.join(" / ")}`);
  }
  // Short runs are repeated so that a round takes at least MIN_ROUND_MS.
  const once = (await time(runs[0])).wall;
  const reps = Math.max(1, Math.ceil(MIN_ROUND_MS / Math.max(once, 0.01)));
  const times: number[][] = [[], [], [], []];
  const cpus: number[][] = [[], [], [], []];
  for (let r = 0; r < rounds; r++) {
    // Each round starts with the next contender, so that none always runs first or last:
    // with a fixed order, `large`'s A/A control (run last) timed 1–6% under the host.
    for (let j = 0; j < runs.length; j++) {
      const i = (j + r) % runs.length;
      const t = await time(runs[i], reps);
      times[slots[i]].push(t.wall);
      cpus[slots[i]].push(t.cpu);
    }
  }
  // Without the fuel contender its times are NaN (an empty list's minimum is Infinity).
  const least = (t: number[]) => t.length > 0 ? Math.min(...t) : NaN;
  const [hostMs, guardedMs, fuelMs, controlMs] = times.map(least);
  const [hostMedian, guardedMedian, fuelMedian] = times.map((t) => t.length > 0 ? median(t) : NaN);
  const [hostCpu, guardedCpu, fuelCpu, controlCpu] = cpus.map(least);
  return {
    kernel: k.name,
    medians: { host: hostMedian, guarded: guardedMedian, fuel: fuelMedian },
    hostMs,
    guardedMs,
    fuelMs,
    guarded: guardedMs / hostMs,
    fuel: fuelMs / hostMs,
    cpu: { guarded: guardedCpu / hostCpu, fuel: fuelCpu / hostCpu },
    control: { wall: controlMs / hostMs, cpu: controlCpu / hostCpu },
  };
}

/** Runs one kernel in a child process (a fresh isolate each, so kernels do not disturb each other). */
async function benchInChild(name: string, rounds: number, fuel: boolean): Promise<KernelResult> {
  const args = ["run", "-A", import.meta.filename!, "--child", name, "--rounds", String(rounds)];
  const out = await new Deno.Command(Deno.execPath(), {
    args: fuel ? args : [...args, "--no-fuel"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`kernel ${name} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The median of each ratio over one kernel's processes, with the guarded ratio's spread. */
interface Combined extends KernelResult {
  /** Lowest and highest guarded ratio (wall) over the processes. */
  spread: [number, number];
  /** Every process's result, in the order they ran. */
  procs: KernelResult[];
}

/** One kernel's processes, combined: each time and ratio is the median over them. */
function combine(procs: KernelResult[]): Combined {
  const mid = (f: (r: KernelResult) => number) => median(procs.map(f));
  const guarded = procs.map((r) => r.guarded);
  return {
    kernel: procs[0].kernel,
    medians: {
      host: mid((r) => r.medians.host),
      guarded: mid((r) => r.medians.guarded),
      fuel: mid((r) => r.medians.fuel),
    },
    hostMs: mid((r) => r.hostMs),
    guardedMs: mid((r) => r.guardedMs),
    fuelMs: mid((r) => r.fuelMs),
    guarded: median(guarded),
    fuel: mid((r) => r.fuel),
    cpu: { guarded: mid((r) => r.cpu.guarded), fuel: mid((r) => r.cpu.fuel) },
    control: { wall: mid((r) => r.control.wall), cpu: mid((r) => r.control.cpu) },
    spread: [Math.min(...guarded), Math.max(...guarded)],
    procs,
  };
}

/** Guard pass + encoder throughput on `bytes`, MB/s (best of 10, after `warm` warm-up runs). */
function codegenSpeed(bytes: Uint8Array, warm = 3): number {
  const module = decode(bytes);
  const options = { maxWasmStack: 100_000, fuel: false };
  for (let i = 0; i < warm; i++) encode(guard(module, options).module);
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    encode(guard(module, options).module);
    best = Math.min(best, performance.now() - t0);
  }
  return bytes.length / 1e6 / (best / 1e3);
}

/** `v` with `digits` decimals, or "–" for a contender left out (NaN, null once through JSON). */
function fixed(v: number | null, digits: number): string {
  return v === null || Number.isNaN(v) ? "–" : v.toFixed(digits);
}

/** How a start-up child gets from bytes to an instance. */
const STARTUP_MODES = {
  "host engine (untouched)": "host",
  "singlepass, no cache": "nocache",
  "singlepass, from the cache": "cached",
} as const;

/** In a child process: bytes → instance ready to run, in ms (a cold start, as the CLI's). */
async function startupChild(mode: string, file: string, cacheDir: string): Promise<number> {
  const imports = new WASI({ version: "preview1" }).getImportObject();
  const t0 = performance.now();
  const bytes = await Deno.readFile(file);
  if (mode === "host") {
    await WebAssembly.instantiate(bytes, imports as unknown as WebAssembly.Imports);
  } else {
    const engine = singlepass({ cache: mode === "cached" ? cacheDir : false });
    await engine.compileBytes(bytes).instantiate(imports as Imports);
  }
  return performance.now() - t0;
}

/**
 * Start-up of `file`, bytes → instance ready to run, each in a fresh process
 * (so the decoder and the guard pass run cold, as on a real start), median
 * of `rounds`. Without the cache that is decode, validate, guard, encode and
 * the host engine's compile; from the cache, reading the guarded binary,
 * decoding the original's header and the host engine's compile.
 */
async function startup(file: string, rounds: number) {
  const cacheDir = await Deno.makeTempDir({ prefix: "kwasm-cache-" });
  const child = async (mode: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", import.meta.filename!, "--startup", mode, file, cacheDir],
      stdout: "piped",
      stderr: "null",
    }).output();
    return Number(new TextDecoder().decode(out.stdout));
  };
  try {
    await child("cached"); // fills the cache
    const times = Object.values(STARTUP_MODES).map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      for (const [i, mode] of Object.values(STARTUP_MODES).entries()) {
        times[i].push(await child(mode));
      }
    }
    return Object.keys(STARTUP_MODES).map((name, i) => ({ name, ms: median(times[i]) }));
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "9" },
      procs: { type: "string", default: "5" },
      only: { type: "string" },
      "guards-only": { type: "boolean", default: false },
      "no-fuel": { type: "boolean", default: false },
      child: { type: "string" },
      startup: { type: "string" },
    },
    allowPositionals: true,
  });
  const rounds = Number(values.rounds);
  const procs = Number(values.procs);
  for (const [flag, n] of [["--rounds", rounds], ["--procs", procs]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      console.error(
        `bench/singlepass.ts: ${flag} takes a whole number ≥ 1, got ${
          values[flag.slice(2) as "rounds" | "procs"]
        }`,
      );
      Deno.exit(2);
    }
  }
  if (values.startup) {
    console.log(await startupChild(values.startup, positionals[0], positionals[1]));
    Deno.exit(0);
  }
  if (values.child) {
    const fuel = !values["no-fuel"];
    console.log(JSON.stringify(await benchKernel(kernelNamed(values.child), rounds, fuel)));
    Deno.exit(0);
  }
  const fixtures = fixtureFiles();
  const kernels = [
    ...Object.keys(KERNEL_ARGS),
    ...WASI_FIXTURES.map((f) => `wasi:${f.split("/")[0]}`),
  ]
    .filter((k) => !values.only || k.startsWith(values.only));
  if (kernels.length === 0) {
    console.error(`bench/singlepass.ts: no kernel starts with "${values.only}"`);
    Deno.exit(2);
  }

  console.log(
    `singlepass vs the host engine untouched: fastest of ${rounds} rounds in each of ` +
      `${procs} processes, median over the processes`,
  );
  const perKernel = new Map<string, KernelResult[]>(kernels.map((k) => [k, []]));
  for (let p = 0; p < procs; p++) {
    for (const k of kernels) {
      perKernel.get(k)!.push(await benchInChild(k, rounds, !values["no-fuel"]));
    }
  }
  console.log(
    "| kernel | host ms | guarded ms | fuel ms | guarded × | spread | fuel × | guarded × CPU " +
      "| fuel × CPU | A/A × | A/A × CPU |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const rows = [...perKernel.values()].map(combine);
  for (const r of rows) {
    console.log(
      `| ${r.kernel} | ${fixed(r.hostMs, 1)} | ${fixed(r.guardedMs, 1)} | ${
        fixed(r.fuelMs, 1)
      } | ` +
        `${fixed(r.guarded, 3)} | ${fixed(r.spread[0], 2)}–${fixed(r.spread[1], 2)} | ` +
        `${fixed(r.fuel, 3)} | ${fixed(r.cpu.guarded, 3)} | ` +
        `${fixed(r.cpu.fuel, 3)} | ${fixed(r.control.wall, 3)} | ${fixed(r.control.cpu, 3)} |`,
    );
  }
  const gGuarded = geomean(rows.map((r) => r.guarded));
  const gFuel = geomean(rows.map((r) => r.fuel ?? NaN));
  const gCpu = {
    guarded: geomean(rows.map((r) => r.cpu.guarded)),
    fuel: geomean(rows.map((r) => r.cpu.fuel ?? NaN)),
  };
  console.log(
    `| **geometric mean** | | | | **${fixed(gGuarded, 3)}** | | **${fixed(gFuel, 3)}** | ` +
      `**${fixed(gCpu.guarded, 3)}** | **${fixed(gCpu.fuel, 3)}** | ` +
      `**${fixed(geomean(rows.map((r) => r.control.wall)), 3)}** | ` +
      `**${fixed(geomean(rows.map((r) => r.control.cpu)), 3)}** |`,
  );
  console.log(
    `guards: ${((gGuarded - 1) * 100).toFixed(1)}% (target <= 5%: ${
      gGuarded <= 1.05 ? "met" : "NOT met"
    })` +
      (Number.isNaN(gFuel)
        ? ""
        : `; fuel: ${((gFuel - 1) * 100).toFixed(1)}% (target <= 30%: ${
          gFuel <= 1.3 ? "met" : "NOT met"
        })`),
  );

  if (values["guards-only"]) Deno.exit(0); // for A/B runs: no codegen, start-up or files

  console.log("\ncodegen (guard pass + encode)");
  console.log("| module | MB | MB/s |");
  console.log("| --- | ---: | ---: |");
  const codegen = fixtures.map((f) => {
    const bytes = Deno.readFileSync(f);
    const mbps = codegenSpeed(bytes);
    const name = f.slice(repoPath("tests/fixtures/").length);
    console.log(`| ${name} | ${(bytes.length / 1e6).toFixed(3)} | ${mbps.toFixed(1)} |`);
    return { module: name, bytes: bytes.length, mbps };
  });

  const largest = fixtures.map((f) => ({ f, n: Deno.statSync(f).size }))
    .sort((a, b) => b.n - a.n)[0].f;
  const start = await startup(largest, Math.min(rounds, 7));
  console.log(`\nstart-up, bytes → instance, cold process (${largest.slice(repoPath("").length)})`);
  console.log("| contender | ms |");
  console.log("| --- | ---: |");
  for (const s of start) console.log(`| ${s.name} | ${s.ms.toFixed(1)} |`);

  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/singlepass.json"),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        rounds,
        procs,
        kernels: rows,
        geomean: { guarded: gGuarded, fuel: gFuel, cpu: gCpu },
        codegen,
        startup: start,
      },
      null,
      2,
    ) + "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/singlepass.svg"),
    barChart(
      "singlepass time relative to the host engine untouched (1.0 = same)",
      rows.flatMap((r) => [
        { label: `${r.kernel}: guards`, value: r.guarded },
        { label: `${r.kernel}: guards+fuel`, value: r.fuel },
      ]).concat([
        { label: "geomean: guards", value: gGuarded },
        { label: "geomean: guards+fuel", value: gFuel },
      ]),
      { format: (v) => `${v.toFixed(3)}×`, marker: { value: 1.05, label: "guards target 1.05" } },
    ),
  );
}

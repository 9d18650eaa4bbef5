/**
 * The cost of a WASI system call, native against kwasm's two loaders, on
 * the same module (`tests/wasi/bench_syscalls.wasm`):
 *
 * - `node:wasi (Node)` — Node's own WASI (uvwasi, in C), in a child `node`
 *   process, when `node` is on PATH; the module on V8;
 * - `node:wasi (Deno)` — Deno's implementation of Node's WASI module, the
 *   module on V8;
 * - `kernel` — kwasm's WASI host under the kernel loader: the guest in this
 *   isolate, imports called directly on its memory;
 * - `user` — the same WASI host under the user loader: the guest in a
 *   permission-less Worker, each call a syscall over the SharedArrayBuffer
 *   channel with its buffers copied in and out.
 *
 * kwasm's loaders run the `--backend` (singlepass by default). Workloads:
 * 16-byte `fd_write`s to a file in a preopened directory,
 * `clock_time_get`s, `path_filestat_get`s. Every contender runs each
 * workload with N calls and with none (start-up: compilation, a worker,
 * instantiation); the difference of the medians over N is the cost of a
 * call. Rounds alternate between contenders so machine noise hits all
 * alike. The table gives ns per call and each contender's ratio to the
 * kernel loader (above 1: slower); results go to
 * `bench/results/wasi_syscalls.json` and a chart to `.svg`.
 *
 *     deno run -A bench/wasi_syscalls.ts [--rounds N] [--scale F] [--backend interp|singlepass]
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { WASI } from "node:wasi";
import { decode } from "../runtime/binary/decode.ts";
import { validate } from "../runtime/validate/mod.ts";
import type { Engine, EngineConfig, Imports } from "../runtime/engine.ts";
import { engineByName } from "../runtime/engines.ts";
import { runKernel } from "../runtime/loader/kernel.ts";
import { runUser, wasiUserHost } from "../runtime/loader/user.ts";
import { createWasi } from "../wasi/mod.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { median } from "./_stats.ts";

const MODULE = repoPath("tests/wasi/bench_syscalls.wasm");
const discard = { writeSync: (p: Uint8Array) => p.length };

/** Runs the module with `args` and a preopen of `dir` at /d; returns milliseconds. */
type Run = (args: string[], dir: string) => Promise<number>;

interface Contender {
  name: string;
  run: Run;
}

/** One contender on one workload. */
interface Result {
  workload: string;
  calls: number;
  contender: string;
  nsPerCall: number;
  ratioToKernel: number;
  /** Median of the runs with no calls. */
  startupMs: number;
  roundsMs: number[];
  emptyRoundsMs: number[];
}

/** Node's node:wasi in a child process, which times `wasi.start` only. */
function nodeChild(): Contender | null {
  try {
    const ok = new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
    if (!ok) return null;
  } catch {
    return null;
  }
  const child = repoPath("bench/_node_wasi_child.mjs");
  return {
    name: "node:wasi (Node)",
    async run(args, dir) {
      const out = await new Deno.Command("node", {
        args: ["--no-warnings", child, MODULE, dir, "bench", ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim().split("\n");
      if (!out.success) throw new Error(`node: ${new TextDecoder().decode(out.stderr)}`);
      return Number(text[text.length - 1]);
    },
  };
}

function contenders(
  module: WebAssembly.Module,
  bytes: Uint8Array,
  backend: string,
  engine: Engine,
) {
  const denoWasi: Contender = {
    name: "node:wasi (Deno)",
    run(args, dir) {
      const devNull = fs.openSync("/dev/null", "w");
      try {
        const wasi = new WASI({
          version: "preview1",
          args: ["bench", ...args],
          preopens: { "/d": dir },
          returnOnExit: true,
          stdout: devNull,
        });
        const instance = new WebAssembly.Instance(
          module,
          wasi.getImportObject() as WebAssembly.Imports,
        );
        const t = performance.now();
        const code = wasi.start(instance);
        const ms = performance.now() - t;
        if (code !== 0) throw new Error(`node:wasi: exit ${code}`);
        return Promise.resolve(ms);
      } finally {
        fs.closeSync(devNull);
      }
    },
  };
  const kernel: Contender = {
    name: "kernel",
    async run(args, dir) {
      const t = performance.now();
      const wasi = createWasi({ args: ["bench", ...args], dirs: [`${dir}::/d`], stdout: discard });
      const m = decode(bytes);
      validate(m);
      const imports = wasi.imports as unknown as Imports;
      const code = await runKernel(engine.compile(m), { imports }, (i) => wasi.start(i));
      if (code !== 0) throw new Error(`kernel: exit ${code}`);
      return performance.now() - t;
    },
  };
  const user: Contender = {
    name: "user",
    async run(args, dir) {
      const t = performance.now();
      const wasi = createWasi({ args: ["bench", ...args], dirs: [`${dir}::/d`], stdout: discard });
      const r = await runUser(bytes, { backend, hosts: [wasiUserHost(wasi)] }).result;
      if (r.kind !== "exit" || r.code !== 0) throw new Error(`user: ${JSON.stringify(r)}`);
      return performance.now() - t;
    },
  };
  const node = nodeChild();
  return [...(node ? [node] : []), denoWasi, kernel, user];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      scale: { type: "string", default: "1" },
      backend: { type: "string", default: "singlepass" },
    },
  });
  const rounds = Number(values.rounds);
  const n = (calls: number) => Math.round(calls * Number(values.scale));
  const workloads = [
    {
      name: "fd_write 16 B to a file",
      args: (k: number) => ["write", `${k}`, "/d/out.bin"],
      calls: n(200_000),
    },
    { name: "clock_time_get", args: (k: number) => ["clock", `${k}`], calls: n(200_000) },
    {
      name: "path_filestat_get",
      args: (k: number) => ["stat", `${k}`, "/d/out.bin"],
      calls: n(50_000),
    },
  ];
  const backend = values.backend;
  // As in the user loader's worker: no guard cache, so both loaders compile alike.
  const config: EngineConfig & { cache?: boolean } = { cache: false };
  const made = engineByName(backend, config);
  if (made === null) throw new Error(`unknown backend '${backend}'`);
  const engine = await made;
  const bytes = await Deno.readFile(MODULE);
  const all = contenders(await WebAssembly.compile(bytes), bytes, backend, engine);
  const dir = Deno.makeTempDirSync({ prefix: "kwasm-bench-" });
  Deno.writeFileSync(`${dir}/out.bin`, new Uint8Array(16));
  const results: Result[] = [];
  try {
    for (const w of workloads) {
      for (const c of all) await c.run(w.args(1000), dir); // warm up
      const full = all.map(() => [] as number[]);
      const empty = all.map(() => [] as number[]);
      for (let r = 0; r < rounds; r++) {
        for (const [i, c] of all.entries()) {
          full[i].push(await c.run(w.args(w.calls), dir));
          empty[i].push(await c.run(w.args(0), dir));
        }
      }
      const ns = all.map((_, i) => (median(full[i]) - median(empty[i])) * 1e6 / w.calls);
      const base = ns[all.findIndex((c) => c.name === "kernel")];
      all.forEach((c, i) =>
        results.push({
          workload: w.name,
          calls: w.calls,
          contender: c.name,
          nsPerCall: ns[i],
          ratioToKernel: ns[i] / base,
          startupMs: median(empty[i]),
          roundsMs: full[i],
          emptyRoundsMs: empty[i],
        })
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  const names = all.map((c) => c.name);
  // The user loader's round trip needs both of its threads on a core: a busy machine hurts it most.
  const load = Deno.loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(
    `\nWASI syscalls, ns per call (median of ${rounds} rounds); kwasm on ${backend}; load ${load}`,
  );
  console.log(
    `| syscall | calls | ${names.join(" | ")} | ${
      names.filter((c) => c !== "kernel").map((c) => `${c} ÷ kernel`).join(" | ")
    } |`,
  );
  console.log(`| --- | ---: |${" ---: |".repeat(names.length * 2 - 1)}`);
  for (const w of workloads) {
    const row = results.filter((r) => r.workload === w.name);
    const others = row.filter((r) => r.contender !== "kernel");
    console.log(
      `| ${w.name} | ${w.calls.toLocaleString("en")} | ${
        row.map((r) => r.nsPerCall.toFixed(0)).join(" | ")
      } | ${others.map((r) => r.ratioToKernel.toFixed(2)).join(" | ")} |`,
    );
  }
  const userStart = results.filter((r) => r.contender === "user").map((r) => r.startupMs);
  const kernelStart = results.filter((r) => r.contender === "kernel").map((r) => r.startupMs);
  console.log(
    `\nstart-up (a run with no calls), median: kernel ${median(kernelStart).toFixed(1)} ms, ` +
      `user ${median(userStart).toFixed(1)} ms (a new worker, compilation in it)`,
  );
  console.log("ratio = ns per call / the kernel loader's: above 1, slower than the kernel loader.");
  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/wasi_syscalls.json"),
    JSON.stringify({ date: new Date().toISOString(), rounds, backend, load, results }, null, 2) +
      "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/wasi_syscalls.svg"),
    barChart(
      "WASI syscalls: ns per call relative to the kernel loader (lower is faster)",
      results.map((r) => ({ label: `${r.workload} · ${r.contender}`, value: r.ratioToKernel })),
      { format: (v) => `${v.toFixed(2)}×`, marker: { value: 1, label: "kernel" } },
    ),
  );
}

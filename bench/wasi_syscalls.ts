/**
 * WASI system call cost, side by side on the same module
 * (`tests/wasi/bench_syscalls.wasm`, run on V8 in every case):
 *
 * - `kwasm` — kwasm's WASI host (`wasi/`), imports called directly, as both
 *   backends call imports that never suspend;
 * - `node:wasi (Deno)` — Deno's implementation of Node's WASI module;
 * - `node:wasi (Node)` — Node's own (uvwasi), in a child `node` process
 *   timing only the guest's loop, when `node` is on PATH.
 *
 * Workloads: a million 16-byte `fd_write`s to a file in a preopened
 * directory, a million `clock_time_get`s, 100 000 `path_filestat_get`s.
 * Rounds alternate between contenders so machine noise hits all alike; the
 * table reports the median round as ns per call and each contender's ratio to
 * kwasm (above 1: slower than kwasm). Results go to
 * `bench/results/wasi_syscalls.json` and a chart to `.svg`.
 *
 *     deno run -A bench/wasi_syscalls.ts [--rounds N] [--scale F]
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { WASI } from "node:wasi";
import { createWasi } from "../wasi/mod.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { median } from "./_stats.ts";

const MODULE = repoPath("tests/wasi/bench_syscalls.wasm");
const discard = { writeSync: (p: Uint8Array) => p.length };

interface Workload {
  name: string;
  args: (n: number) => string[];
  calls: number;
}

interface Contender {
  name: string;
  /** Runs the module with `args` and a preopen of `dir` at /d; returns milliseconds. */
  run(module: WebAssembly.Module, args: string[], dir: string): Promise<number> | number;
}

const contenders: Contender[] = [
  {
    name: "kwasm",
    run(module, args, dir) {
      const wasi = createWasi({ args: ["bench", ...args], dirs: [`${dir}::/d`], stdout: discard });
      const instance = new WebAssembly.Instance(
        module,
        wasi.imports as unknown as WebAssembly.Imports,
      );
      const t = performance.now();
      const code = wasi.start(instance);
      const ms = performance.now() - t;
      if (code !== 0) throw new Error(`kwasm: exit ${code}`);
      return ms;
    },
  },
  {
    name: "node:wasi (Deno)",
    run(module, args, dir) {
      const devNull = fs.openSync("/dev/null", "w");
      try {
        const wasi = new WASI({
          version: "preview1",
          args: ["bench", ...args],
          preopens: { "/d": dir },
          returnOnExit: true,
          stdout: devNull,
        });
        const imports = wasi.getImportObject() as WebAssembly.Imports;
        const instance = new WebAssembly.Instance(module, imports);
        const t = performance.now();
        const code = wasi.start(instance);
        const ms = performance.now() - t;
        if (code !== 0) throw new Error(`node:wasi: exit ${code}`);
        return ms;
      } finally {
        fs.closeSync(devNull);
      }
    },
  },
];

function hasNode(): boolean {
  try {
    return new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

if (hasNode()) {
  contenders.push({
    name: "node:wasi (Node)",
    async run(_module, args, dir) {
      const out = await new Deno.Command("node", {
        args: [
          "--no-warnings",
          repoPath("bench/_node_wasi_child.mjs"),
          MODULE,
          dir,
          "bench",
          ...args,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim().split("\n");
      if (!out.success) throw new Error(`node: ${new TextDecoder().decode(out.stderr)}`);
      return Number(text[text.length - 1]);
    },
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { rounds: { type: "string", default: "5" }, scale: { type: "string", default: "1" } },
  });
  const rounds = Number(values.rounds);
  const scale = Number(values.scale);
  const million = Math.round(1_000_000 * scale);
  const workloads: Workload[] = [
    {
      name: "fd_write 16 B to a file",
      args: (n) => ["write", `${n}`, "/d/out.bin"],
      calls: million,
    },
    { name: "clock_time_get", args: (n) => ["clock", `${n}`], calls: million },
    {
      name: "path_filestat_get",
      args: (n) => ["stat", `${n}`, "/d/out.bin"],
      calls: Math.round(million / 10),
    },
  ];
  const module = await WebAssembly.compile(await Deno.readFile(MODULE));
  const dir = Deno.makeTempDirSync({ prefix: "kwasm-bench-" });
  Deno.writeFileSync(`${dir}/out.bin`, new Uint8Array(16));
  const results = [];
  try {
    for (const w of workloads) {
      const args = w.args(w.calls);
      for (const c of contenders) await c.run(module, w.args(1000), dir); // warm up
      const times = contenders.map(() => [] as number[]);
      for (let r = 0; r < rounds; r++) {
        for (const [i, c] of contenders.entries()) times[i].push(await c.run(module, args, dir));
      }
      const base = median(times[0]);
      console.log(`\n${w.name}: ${w.calls.toLocaleString("en")} calls, ${rounds} rounds`);
      console.log("| contender | ns/call (median) | ratio to kwasm |");
      console.log("| --- | ---: | ---: |");
      for (const [i, c] of contenders.entries()) {
        const ms = median(times[i]);
        const ns = (ms * 1e6) / w.calls;
        console.log(`| ${c.name} | ${ns.toFixed(0)} | ${(ms / base).toFixed(2)} |`);
        results.push({
          workload: w.name,
          calls: w.calls,
          contender: c.name,
          nsPerCall: ns,
          ratioToKwasm: ms / base,
          roundsMs: times[i],
        });
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  console.log("\nratio = contender time / kwasm time: above 1, kwasm is faster.");
  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/wasi_syscalls.json"),
    JSON.stringify({ date: new Date().toISOString(), rounds, results }, null, 2) + "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/wasi_syscalls.svg"),
    barChart(
      "WASI syscalls: time relative to kwasm (lower is faster)",
      results.map((r) => ({ label: `${r.workload} · ${r.contender}`, value: r.ratioToKwasm })),
      { format: (v) => `${v.toFixed(2)}×`, marker: { value: 1, label: "kwasm" } },
    ),
  );
}

/**
 * WASI system calls under each loader, side by side on the same module
 * (`tests/wasi/bench_syscalls.wasm`) and backend (singlepass):
 *
 * - `kernel` — the kernel loader: imports called directly on guest memory;
 * - `user` — the user loader: the guest in a permission-less Worker, each
 *   call a syscall over the SharedArrayBuffer channel with its buffers
 *   copied in and out, served by the same WASI host in this isolate.
 *
 * Each contender runs every workload with N calls and with none (worker
 * start, compilation, instantiation); the difference divided by N is the
 * cost of a call. Rounds alternate between contenders; the table reports
 * medians and the ratio user / kernel. Results go to
 * `bench/results/user_loader_syscalls.json` and a chart to `.svg`.
 *
 *     deno run -A bench/user_loader_syscalls.ts [--rounds N] [--calls N]
 */
import { parseArgs } from "node:util";
import { decode } from "../runtime/binary/decode.ts";
import { validate } from "../runtime/validate/mod.ts";
import type { Imports } from "../runtime/engine.ts";
import { singlepass } from "../runtime/singlepass/mod.ts";
import { runKernel } from "../runtime/loader/kernel.ts";
import { runUser, wasiUserHost } from "../runtime/loader/user.ts";
import { createWasi } from "../wasi/mod.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { median } from "./_stats.ts";

const MODULE = repoPath("tests/wasi/bench_syscalls.wasm");
const discard = { writeSync: (p: Uint8Array) => p.length };

type Run = (bytes: Uint8Array, args: string[], dir: string) => Promise<number>;

const engine = singlepass({ cache: false });

const contenders: { name: string; run: Run }[] = [
  {
    name: "kernel",
    async run(bytes, args, dir) {
      const t = performance.now();
      const wasi = createWasi({ args: ["bench", ...args], dirs: [`${dir}::/d`], stdout: discard });
      const module = decode(bytes);
      validate(module);
      const compiled = engine.compile(module);
      const imports = wasi.imports as unknown as Imports;
      const code = await runKernel(compiled, { imports }, (i) => wasi.start(i));
      if (code !== 0) throw new Error(`kernel: exit ${code}`);
      return performance.now() - t;
    },
  },
  {
    name: "user",
    async run(bytes, args, dir) {
      const t = performance.now();
      const wasi = createWasi({ args: ["bench", ...args], dirs: [`${dir}::/d`], stdout: discard });
      const r = await runUser(bytes, { hosts: [wasiUserHost(wasi)] }).result;
      if (r.kind !== "exit" || r.code !== 0) throw new Error(`user: ${JSON.stringify(r)}`);
      return performance.now() - t;
    },
  },
];

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      calls: { type: "string", default: "100000" },
    },
  });
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);
  const workloads = [
    { name: "fd_write 16 B to a file", args: (n: number) => ["write", `${n}`, "/d/out.bin"] },
    { name: "clock_time_get", args: (n: number) => ["clock", `${n}`] },
    { name: "path_filestat_get", args: (n: number) => ["stat", `${n}`, "/d/out.bin"] },
  ];
  const bytes = await Deno.readFile(MODULE);
  const dir = Deno.makeTempDirSync({ prefix: "kwasm-bench-" });
  Deno.writeFileSync(`${dir}/out.bin`, new Uint8Array(16));
  const results = [];
  try {
    for (const w of workloads) {
      for (const c of contenders) await c.run(bytes, w.args(1000), dir); // warm up
      const full = contenders.map(() => [] as number[]);
      const empty = contenders.map(() => [] as number[]);
      for (let r = 0; r < rounds; r++) {
        for (const [i, c] of contenders.entries()) {
          full[i].push(await c.run(bytes, w.args(calls), dir));
          empty[i].push(await c.run(bytes, w.args(0), dir));
        }
      }
      const ns = contenders.map((_, i) => (median(full[i]) - median(empty[i])) * 1e6 / calls);
      console.log(`\n${w.name}: ${calls.toLocaleString("en")} calls, ${rounds} rounds`);
      console.log("| loader | ns/call (median) | start-up ms | ratio to kernel |");
      console.log("| --- | ---: | ---: | ---: |");
      for (const [i, c] of contenders.entries()) {
        const ratio = ns[i] / ns[0];
        console.log(
          `| ${c.name} | ${ns[i].toFixed(0)} | ${median(empty[i]).toFixed(1)} | ${
            ratio.toFixed(2)
          } |`,
        );
        results.push({
          workload: w.name,
          calls,
          loader: c.name,
          nsPerCall: ns[i],
          startupMs: median(empty[i]),
          ratioToKernel: ratio,
        });
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  console.log("\nratio = user ns/call / kernel ns/call (singlepass backend in both).");
  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/user_loader_syscalls.json"),
    JSON.stringify({ date: new Date().toISOString(), rounds, results }, null, 2) + "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/user_loader_syscalls.svg"),
    barChart(
      "WASI syscalls: user loader cost relative to the kernel loader",
      results.map((r) => ({ label: `${r.workload} · ${r.loader}`, value: r.ratioToKernel })),
      { format: (v) => `${v.toFixed(2)}×`, marker: { value: 1, label: "kernel" } },
    ),
  );
}

/**
 * Network benchmark: the wasm echo and HTTP servers (`kwasm run --net`,
 * singlepass and interp, under the kernel loader and under the user loader)
 * side by side with their Deno-native equivalents, on 127.0.0.1 — native vs
 * kernel vs user.
 *
 * - HTTP: `wrk` for `BENCH_SECONDS` (default 5) at 32 and 256 connections
 *   against `/`; contenders: `Deno.serve` (the baseline), a raw-TCP
 *   TypeScript responder, and the wasm server.
 * - Echo: the load generator in `_echo_load.ts`, 100 connections streaming
 *   1 KiB and 16 KiB messages; contenders: the idiomatic `Deno.listen` echo
 *   (the baseline) and the wasm server.
 *
 * `BENCH_ONLY=http` or `BENCH_ONLY=echo` runs one kind of workload (and
 * records nothing). Each
 * measurement is repeated `BENCH_ROUNDS` (default 3) times, interleaved across
 * contenders, and the median is reported (the machines are shared and noisy).
 *
 * Each server is started as its own process, loaded, and stopped. One table
 * per workload, with the ratio to the native baseline (> 1: faster than
 * native). Results: `bench/results/net.json` and `bench/results/net.svg`
 * (`--chart-only` redraws the chart from the JSON).
 *
 *   deno task bench:net
 *
 * @module
 */

import { barChart } from "./_chart.ts";
import { echoLoad } from "./_echo_load.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { type Loader, type Server, startDeno, startGuest } from "../tests/net/_server.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const ECHO_CONNECTIONS = 100;

interface Contender {
  name: string;
  start: () => Promise<Server>;
}

interface Row {
  workload: string;
  contender: string;
  value: number;
  unit: string;
  ratio: number;
  samples?: number[];
}

/** The wasm server `example` on each loader and backend: "kernel/singlepass", … */
function guests(example: string): Contender[] {
  const loaders: Loader[] = ["kernel", "user"];
  return loaders.flatMap((loader) =>
    ["singlepass", "interp"].map((backend) => ({
      name: `${loader}/${backend}`,
      start: () => startGuest(example, backend, ["0"], [], loader),
    }))
  );
}

const httpContenders: Contender[] = [
  { name: "native Deno.serve", start: () => startDeno(["examples/native/http_serve.ts", "0"]) },
  { name: "native raw TCP (TS)", start: () => startDeno(["examples/native/http_raw.ts", "0"]) },
  ...guests("http-server"),
];

const echoContenders: Contender[] = [
  { name: "native Deno.listen", start: () => startDeno(["examples/native/echo.ts", "0"]) },
  ...guests("echo-server"),
];

async function wrk(port: number, connections: number, seconds: number): Promise<number> {
  const threads = Math.min(2, connections);
  const out = await new Deno.Command("wrk", {
    args: [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (m === null) {
    throw new Error(`wrk gave no result:\n${text}${new TextDecoder().decode(out.stderr)}`);
  }
  if (/Non-2xx|Socket errors/.test(text)) {
    console.error(`  note: ${text.match(/(Non-2xx.*|Socket errors.*)/)?.[0]}`);
  }
  return Number(m[1]);
}

async function measure(
  c: Contender,
  run: (port: number, seconds: number) => Promise<number>,
): Promise<number> {
  const server = await c.start();
  try {
    // A one-second warm-up (JIT tiers, connection setup), then the measurement.
    await run(server.port, 1).catch(() => 0);
    return await run(server.port, SECONDS);
  } finally {
    await server.stop();
  }
}

function table(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log("| contender | throughput | ratio to native | user vs kernel |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows) {
    // The user loader's row against the same backend under the kernel loader.
    const kernel = rows.find((k) => k.contender === r.contender.replace(/^user\//, "kernel/"));
    const vsKernel = r.contender.startsWith("user/") && kernel !== undefined
      ? `${(r.value / kernel.value).toFixed(2)}×`
      : "";
    console.log(
      `| ${r.contender} | ${r.value.toFixed(0)} ${r.unit} | ${r.ratio.toFixed(2)}× | ${vsKernel} |`,
    );
  }
}

/**
 * Runs every contender on one workload `ROUNDS` times, interleaved (so that
 * the shared machine's background load hits all of them alike), and keeps
 * each one's median.
 */
async function workload(
  name: string,
  unit: string,
  contenders: Contender[],
  run: (port: number, seconds: number) => Promise<number>,
): Promise<Row[]> {
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of contenders.entries()) samples[i].push(await measure(c, run));
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const rows = contenders.map((c, i) => ({
    workload: name,
    contender: c.name,
    value: median(samples[i]),
    unit,
    ratio: 0,
    samples: samples[i],
  }));
  for (const r of rows) r.ratio = r.value / rows[0].value;
  table(name, rows);
  return rows;
}

/** A short bar label: "kernel/singlepass · HTTP 32c", "user/interp · echo 16 KiB". */
function shortLabel(r: Row): string {
  const who = r.contender.replace("native ", "");
  const http = /wrk, (\d+) connections/.exec(r.workload);
  const what = http ? `HTTP ${http[1]}c` : r.workload.replace(/ messages.*/, "");
  return `${who} · ${what}`;
}

/** Draws the ratios of every non-baseline contender. */
function writeChart(rows: Row[]): void {
  const bars = rows.filter((r) => !r.contender.startsWith("native Deno")).map((r) => ({
    label: shortLabel(r),
    value: r.ratio,
  }));
  Deno.writeTextFileSync(
    repoPath("bench/results/net.svg"),
    barChart("Network throughput, ratio to native Deno (1 = native)", bars, {
      format: (v) => `${v.toFixed(2)}×`,
      marker: { value: 1, label: "native" },
    }),
  );
}

async function main() {
  if (Deno.args.includes("--chart-only")) {
    // Redraw the chart from the last results without measuring again.
    writeChart(JSON.parse(Deno.readTextFileSync(repoPath("bench/results/net.json"))).rows);
    return;
  }
  const hasWrk = await new Deno.Command("wrk", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  }).output().then(() => true, () => false);
  const rows: Row[] = [];
  const only = Deno.env.get("BENCH_ONLY"); // "http" or "echo"

  if (only !== "echo") {
    if (!hasWrk) console.log("wrk not found (apt-get install wrk): HTTP workloads skipped");
    for (const conns of hasWrk ? [32, 256] : []) {
      rows.push(
        ...await workload(
          `HTTP GET / (wrk, ${conns} connections)`,
          "req/s",
          httpContenders,
          (port, seconds) => wrk(port, conns, seconds),
        ),
      );
    }
  }

  for (const size of only === "http" ? [] : [1024, 16 * 1024]) {
    rows.push(
      ...await workload(
        `echo ${size / 1024} KiB messages (${ECHO_CONNECTIONS} connections)`,
        "Mbit/s",
        echoContenders,
        async (port, seconds) => {
          const r = await echoLoad({
            port,
            connections: ECHO_CONNECTIONS,
            messageSize: size,
            seconds,
          });
          return r.mbps;
        },
      ),
    );
  }

  if (only !== undefined) return; // a partial run does not replace the recorded results
  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/net.json"),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        seconds: SECONDS,
        rounds: ROUNDS,
        deno: Deno.version.deno,
        rows,
      },
      null,
      2,
    ) + "\n",
  );
  writeChart(rows);
  console.log("\nwrote bench/results/net.json and bench/results/net.svg");
}

if (import.meta.main) await main();

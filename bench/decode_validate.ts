/**
 * Decode + validate throughput on the largest fixture, side by side with the
 * host engine's `WebAssembly.validate` on the same bytes, in one run.
 *
 * Rounds alternate between the contenders so that machine noise hits both
 * alike; each round's speed is bytes / time, and the table reports the median
 * round. Results go to `bench/results/decode_validate.json`, and a chart of
 * the ratios to `bench/results/decode_validate.svg`.
 *
 *     deno run -A bench/decode_validate.ts [FILE.wasm] [--rounds N]
 */
import { parseArgs } from "node:util";
import { decode } from "../runtime/binary/decode.ts";
import { validate } from "../runtime/validate/mod.ts";
import { fixtureFiles, repoPath } from "../tests/_fixtures.ts";
import { barChart } from "./_chart.ts";
import { median } from "./_stats.ts";

interface Contender {
  name: string;
  run: (bytes: Uint8Array<ArrayBuffer>) => void;
}

const contenders: Contender[] = [
  { name: "WebAssembly.validate (V8)", run: (b) => void WebAssembly.validate(b) },
  { name: "kwasm decode", run: (b) => void decode(b) },
  { name: "kwasm decode+validate", run: (b) => validate(decode(b)) },
];

/** Runs `run` for at least `minMs`, returns MB/s. */
function measure(
  run: (b: Uint8Array<ArrayBuffer>) => void,
  bytes: Uint8Array<ArrayBuffer>,
  minMs: number,
): number {
  let iters = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    run(bytes);
    iters++;
    t = performance.now();
  }
  return (bytes.length * iters) / 1e6 / ((t - t0) / 1e3);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { rounds: { type: "string", default: "9" } },
    allowPositionals: true,
  });
  const file = positionals[0] ??
    fixtureFiles().map((f) => ({ f, n: Deno.statSync(f).size })).sort((a, b) => b.n - a.n)[0].f;
  const bytes = Deno.readFileSync(file);
  const rounds = Number(values.rounds);

  if (!WebAssembly.validate(bytes)) throw new Error(`${file} is not valid for the host engine`);
  for (const c of contenders) measure(c.run, bytes, 300); // warm up the JIT

  const speeds = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => speeds[i].push(measure(c.run, bytes, 250)));
  }
  const base = median(speeds[0]);
  const rel = file.replace(repoPath(""), "");
  console.log(
    `decode+validate on ${rel} (${(bytes.length / 1e6).toFixed(2)} MB), ${rounds} rounds`,
  );
  console.log("| contender | MB/s (median) | ratio to V8 |");
  console.log("| --- | ---: | ---: |");
  const rows = contenders.map((c, i) => {
    const mbps = median(speeds[i]);
    console.log(`| ${c.name} | ${mbps.toFixed(1)} | ${(mbps / base).toFixed(3)} |`);
    return { name: c.name, mbps, ratio: mbps / base, rounds: speeds[i] };
  });
  const ratio = rows[2].ratio;
  console.log(
    `kwasm decode+validate runs at ${(ratio * 100).toFixed(1)}% of V8 (target: >= 20%): ` +
      (ratio >= 0.2 ? "met" : "NOT met"),
  );
  Deno.mkdirSync(repoPath("bench/results"), { recursive: true });
  Deno.writeTextFileSync(
    repoPath("bench/results/decode_validate.json"),
    JSON.stringify(
      { file: rel, bytes: bytes.length, date: new Date().toISOString(), results: rows },
      null,
      2,
    ) + "\n",
  );
  Deno.writeTextFileSync(
    repoPath("bench/results/decode_validate.svg"),
    barChart(
      `Throughput relative to WebAssembly.validate (${rel})`,
      rows.map((r) => ({ label: r.name, value: r.ratio })),
      { format: (v) => `${(v * 100).toFixed(1)}%`, marker: { value: 0.2, label: "target 20%" } },
    ),
  );
}

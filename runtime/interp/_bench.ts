/**
 * Compute kernels side by side: the interpreter, the host engine (V8) on
 * the same module untouched, and wabt's `wasm-interp`. Each kernel exports
 * `bench()`; the table gives the time of one call (median of a few) and
 * the interpreter's slowdown against the others, with geometric means.
 *
 *     deno run -A runtime/interp/_bench.ts [--rounds N] [kernel...]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decode } from "../binary/decode.ts";
import { validate } from "../validate/mod.ts";
import { interpEngine } from "./mod.ts";

const DIR = new URL("./testdata/kernels/", import.meta.url).pathname;
const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "3" } },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
const kernels = positionals.length > 0 ? positionals : ["fib", "sieve", "hash64", "matmul", "simd"];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function timeInterp(bytes: Uint8Array): Promise<[number, unknown]> {
  const m = decode(bytes);
  validate(m);
  const inst = await interpEngine().compile(m).instantiate();
  const t = performance.now();
  const r = await inst.invoke("bench", []);
  return [performance.now() - t, r[0]];
}

async function timeHost(bytes: Uint8Array<ArrayBuffer>): Promise<[number, unknown]> {
  const { instance } = await WebAssembly.instantiate(bytes);
  const f = instance.exports.bench as () => unknown;
  const t = performance.now();
  const r = f();
  return [performance.now() - t, r];
}

async function timeWabt(file: string): Promise<[number, unknown]> {
  const t = performance.now();
  const out = await new Deno.Command("wasm-interp", { args: ["--run-all-exports", file] }).output();
  const ms = performance.now() - t;
  return [ms, new TextDecoder().decode(out.stdout).trim()];
}

const rows: string[][] = [];
const ratios = { wabt: [] as number[], host: [] as number[] };
for (const k of kernels) {
  const file = `${DIR}${k}.wasm`;
  const bytes = await Deno.readFile(file);
  const ti: number[] = [];
  const th: number[] = [];
  const tw: number[] = [];
  let results: unknown[] = [];
  for (let r = 0; r < rounds; r++) {
    const [a, ra] = await timeInterp(bytes);
    const [b, rb] = await timeHost(bytes);
    const [c, rc] = await timeWabt(file);
    ti.push(a);
    th.push(b);
    tw.push(c);
    results = [ra, rb, rc];
  }
  const [i, h, w] = [median(ti), median(th), median(tw)];
  ratios.wabt.push(i / w);
  ratios.host.push(i / h);
  rows.push([
    k,
    i.toFixed(0),
    w.toFixed(0),
    h.toFixed(1),
    (i / w).toFixed(2),
    (i / h).toFixed(1),
    String(results[0]),
  ]);
}
const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
console.log(
  ["kernel", "interp ms", "wasm-interp ms", "V8 ms", "interp/wasm-interp", "interp/V8", "result"]
    .join("\t"),
);
for (const r of rows) console.log(r.join("\t"));
console.log(
  `geometric mean: interp/wasm-interp ${geo(ratios.wabt).toFixed(2)}, interp/V8 ${
    geo(ratios.host).toFixed(1)
  }`,
);

/**
 * Differential execution: binaryen's fuzzer (`wasm-opt -ttf`) turns each seed
 * into a random valid module (2.0 features, SIMD included); the module runs
 * untouched on the host engine (V8) and on each kwasm engine, every export is
 * called with the same seeded arguments, and the executors must agree on
 * results, on trapping (and, between two kwasm engines, on the spec's trap
 * message), on the values the module logs, and on the final memory contents.
 * Any NaN equals any NaN: their bits are nondeterministic in wasm.
 *
 * Everything is a function of the seed, so a disagreement is reproduced with
 * `deno task fuzz --from SEED --seeds 1`.
 *
 * @module
 */
import { decode } from "../../runtime/binary/decode.ts";
import type { Exports } from "../../runtime/engine.ts";
import { engineByName } from "../../runtime/engines.ts";
import { Exhaustion } from "../../runtime/errors.ts";
import type { Module } from "../../runtime/module.ts";
import { ValType } from "../../runtime/types.ts";
import { validate } from "../../runtime/validate/mod.ts";

/** The name of the host engine among the executors. */
export const HOST = "v8";

/** Every executor: the host engine, then the kwasm engines. */
export const EXECUTORS: readonly string[] = [HOST, "interp", "singlepass"];

const FEATURES = [
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals",
  "--enable-multivalue",
  "--enable-simd",
];

/**
 * Seeds whose disagreements are explained (and allowed by the spec), with
 * the reason. Every entry was checked by hand.
 */
export const EXPLAINED: ReadonlyMap<number, string> = new Map([
  [673, "NaN sign: f64.min of a NaN stored to memory (interp canonicalizes, V8 keeps -nan)"],
  [1679, "NaN sign: f64.max of a NaN stored to memory (interp canonicalizes, V8 keeps -nan)"],
]);

/** What to run: seeds `from` .. `from + seeds - 1` on `engines`. */
export interface DifferentialOptions {
  /** How many seeds. */
  seeds: number;
  /** The first seed (default 0). */
  from?: number;
  /** Executors to compare (default {@linkcode EXECUTORS}); `"v8"` is the host engine. */
  engines?: readonly string[];
}

/** One way two executors disagreed on one seed's module. */
export interface Disagreement {
  /** The seed the module was generated from. */
  seed: number;
  /** The two executors, e.g. `"v8/interp"`. */
  pair: string;
  /** What differed: the export or `memory`/`log`/`instantiate`, and both sides. */
  detail: string;
  /** Why the spec allows it, when the seed is in {@linkcode EXPLAINED}. */
  explained?: string;
}

/** Counts and disagreements of a run. */
export interface DifferentialReport {
  /** Modules generated and run. */
  modules: number;
  /** Per executor pair (`"v8/interp"`): the number of export calls compared. */
  calls: Record<string, number>;
  /**
   * How many of those calls have v128 in the signature, which the JS API
   * cannot pass: each must throw a TypeError on every executor.
   */
  vectorCalls: number;
  /** Every disagreement found, in seed order. */
  disagreements: Disagreement[];
}

/** True when binaryen's `wasm-opt` is installed. */
export function hasWasmOpt(): boolean {
  try {
    return new Deno.Command("wasm-opt", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The module binaryen generates from seed `s` (deterministic: same seed, same bytes). */
export async function generate(s: number, dir: string): Promise<Uint8Array<ArrayBuffer>> {
  const rand = prng(s);
  const seed = new Uint8Array(4096);
  for (let i = 0; i < seed.length; i++) seed[i] = rand() * 256;
  await Deno.writeFile(`${dir}/seed.bin`, seed);
  const out = await new Deno.Command("wasm-opt", {
    args: ["-ttf", `${dir}/seed.bin`, "-o", `${dir}/m.wasm`, ...FEATURES],
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`wasm-opt failed on seed ${s}`);
  return await Deno.readFile(`${dir}/m.wasm`);
}

/** Interesting argument values, by wasm type. */
const I32S = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 65535, 65536];
const I64S = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n];
const FLOATS = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e300, 3.4e38, 1e-40];

/** Arguments for a function with `params`, drawn from `rand`; null when JS cannot pass them. */
function argsFor(params: readonly number[], rand: () => number): unknown[] | null {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const args: unknown[] = [];
  for (const t of params) {
    if (t === ValType.i32) args.push(rand() < 0.5 ? pick(I32S) : (rand() * 2 ** 32) | 0);
    else if (t === ValType.i64) args.push(pick(I64S));
    else if (t === ValType.f32) args.push(Math.fround(pick(FLOATS)));
    else if (t === ValType.f64) args.push(pick(FLOATS));
    else if (t === ValType.v128) return null;
    else args.push(null);
  }
  return args;
}

/** A value in a form two executors' values compare by. */
function show(v: unknown): string {
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (Object.is(v, -0)) return "-0";
  if (Array.isArray(v)) return `[${v.map(show).join(",")}]`;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return "func";
  return String(v);
}

/** An outcome: the result, or the class of what was thrown (and its message). */
interface Outcome {
  kind: "ok" | "trap" | "exhaustion" | "type error";
  text: string;
}

function thrown(e: unknown): Outcome {
  const text = e instanceof Error ? e.message : String(e);
  if (e instanceof Exhaustion || e instanceof RangeError) return { kind: "exhaustion", text };
  if (e instanceof WebAssembly.RuntimeError) return { kind: "trap", text };
  if (e instanceof TypeError) return { kind: "type error", text };
  throw e;
}

/** The fuzzer's import module, logging into `log`. */
function fuzzingSupport(log: string[]): WebAssembly.Imports {
  const push = (v: unknown) => void log.push(show(v));
  return {
    "fuzzing-support": {
      "log-i32": push,
      "log-i64": push,
      "log-f32": push,
      "log-f64": push,
      "log-v128": () => {},
      "call-export": () => {},
      "call-export-catch": () => 0,
    },
  };
}

/** What one executor did with one module. */
interface Run {
  /** Instantiation failure, if any. */
  instantiate: Outcome | null;
  /** Per export call, in order. */
  calls: Outcome[];
  log: string[];
  memory: Uint8Array | null;
}

/** A called export: its name and the arguments every executor gets. */
interface Call {
  name: string;
  args: unknown[] | null;
  /** True when v128 is in the signature. */
  vector: boolean;
}

/** The function exports of `m`, each with arguments drawn from seed `s`. */
function callsOf(m: Module, s: number): Call[] {
  const rand = prng(s ^ 0x5eed);
  const funcTypes = [
    ...m.imports.flatMap((i) => i.desc.kind === "func" ? [i.desc.type] : []),
    ...m.funcs.map((f) => f.type),
  ];
  return m.exports.filter((e) => e.kind === "func").map((e) => {
    const type = m.types[funcTypes[e.index]].composite;
    if (type.kind !== "func") throw new Error(`export ${e.name} is not a function`);
    const vector = [...type.params, ...type.results].includes(ValType.v128);
    return { name: e.name, args: argsFor(type.params, rand), vector };
  });
}

async function instantiate(
  executor: string,
  bytes: Uint8Array<ArrayBuffer>,
  m: Module,
  log: string[],
): Promise<Exports | WebAssembly.Exports> {
  if (executor === HOST) {
    return (await WebAssembly.instantiate(bytes, fuzzingSupport(log))).instance.exports;
  }
  const engine = await engineByName(executor);
  if (engine === null) throw new Error(`no engine called ${executor}`);
  return (await engine.compile(m).instantiate(fuzzingSupport(log) as never)).exports;
}

async function run(
  executor: string,
  bytes: Uint8Array<ArrayBuffer>,
  m: Module,
  calls: Call[],
): Promise<Run> {
  const log: string[] = [];
  let exports: Record<string, unknown>;
  try {
    exports = await instantiate(executor, bytes, m, log);
  } catch (e) {
    return { instantiate: thrown(e), calls: [], log, memory: null };
  }
  const outcomes = calls.map(({ name, args }): Outcome => {
    const f = exports[name] as (...a: unknown[]) => unknown;
    try {
      // v128 parameters cannot cross the JS API: every executor must throw a TypeError.
      return { kind: "ok", text: show(f(...(args ?? new Array(f.length).fill(0)))) };
    } catch (e) {
      return thrown(e);
    }
  });
  const mem = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
  return {
    instantiate: null,
    calls: outcomes,
    log,
    memory: mem ? new Uint8Array(mem.buffer).slice() : null,
  };
}

function same(a: Outcome, b: Outcome, bothOurs: boolean): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "ok") return a.text === b.text;
  // Trap messages are the spec's wording only in kwasm engines; V8 words its own. An engine
  // may add detail after the spec phrase ("undefined element 7"), as runners match by prefix.
  return a.kind !== "trap" || !bothOurs || a.text.startsWith(b.text) || b.text.startsWith(a.text);
}

const fmt = (o: Outcome | null) =>
  o === null ? "ok" : o.kind === "ok" ? o.text : `${o.kind}: ${o.text}`;

/** The disagreements between executors `a` and `b`'s runs. */
function compare(
  seed: number,
  a: string,
  b: string,
  ra: Run,
  rb: Run,
  calls: Call[],
): Disagreement[] {
  const pair = `${a}/${b}`;
  const bothOurs = a !== HOST && b !== HOST;
  const out: Disagreement[] = [];
  const explained = EXPLAINED.get(seed);
  const differ = (detail: string) =>
    out.push(explained === undefined ? { seed, pair, detail } : { seed, pair, detail, explained });
  if ((ra.instantiate === null) !== (rb.instantiate === null)) {
    differ(`instantiate: ${fmt(ra.instantiate)} vs ${fmt(rb.instantiate)}`);
    return out;
  }
  for (let i = 0; i < ra.calls.length; i++) {
    if (!same(ra.calls[i], rb.calls[i], bothOurs)) {
      const args = calls[i].args?.map(show).join(",") ?? "-";
      differ(`${calls[i].name}(${args}): ${fmt(ra.calls[i])} vs ${fmt(rb.calls[i])}`);
    }
  }
  if (ra.log.join() !== rb.log.join()) {
    const i = ra.log.findIndex((v, j) => v !== rb.log[j]);
    differ(
      `log entry ${i}: ${ra.log[i]} vs ${rb.log[i]} (lengths ${ra.log.length}, ${rb.log.length})`,
    );
  }
  const ma = ra.memory, mb = rb.memory;
  if ((ma === null) !== (mb === null) || (ma && mb && ma.length !== mb.length)) {
    differ(`memory size: ${ma?.length ?? "none"} vs ${mb?.length ?? "none"}`);
  } else if (ma && mb) {
    const i = ma.findIndex((v, j) => v !== mb[j]);
    if (i >= 0) differ(`memory byte 0x${i.toString(16)}: ${ma[i]} vs ${mb[i]}`);
  }
  return out;
}

/**
 * Generates a module for each seed, runs it on every executor in `engines`
 * and compares each pair; returns the counts and every disagreement.
 * Needs binaryen's `wasm-opt` (see {@linkcode hasWasmOpt}).
 *
 * @example
 * ```ts ignore
 * const { disagreements } = await runDifferential({ seeds: 10 });
 * ```
 */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const { seeds, from = 0, engines = EXECUTORS } = options;
  const report: DifferentialReport = {
    modules: 0,
    calls: {},
    vectorCalls: 0,
    disagreements: [],
  };
  const pairs: [number, number][] = [];
  for (let i = 0; i < engines.length; i++) {
    for (let j = i + 1; j < engines.length; j++) {
      pairs.push([i, j]);
      report.calls[`${engines[i]}/${engines[j]}`] = 0;
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "kwasm-fuzz-" });
  try {
    for (let s = from; s < from + seeds; s++) {
      const bytes = await generate(s, dir);
      const m = decode(bytes);
      validate(m);
      const calls = callsOf(m, s);
      const runs: Run[] = [];
      for (const e of engines) runs.push(await run(e, bytes, m, calls));
      report.modules++;
      report.vectorCalls += calls.filter((c) => c.vector).length;
      for (const [i, j] of pairs) {
        report.calls[`${engines[i]}/${engines[j]}`] += runs[i].calls.length;
        report.disagreements.push(...compare(s, engines[i], engines[j], runs[i], runs[j], calls));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return report;
}

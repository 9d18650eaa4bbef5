/**
 * Differential execution: binaryen's fuzzer (`wasm-opt -ttf`) turns each seed
 * into a random valid module (2.0 features, SIMD included); the module runs
 * on the host engine (V8) and on each kwasm engine, every export is called
 * with the same seeded arguments, and the executors must agree on results, on
 * trapping (and, between two kwasm engines, on the spec's trap message), on
 * the values the module logs, and on the final memory contents (compared by
 * `scenario.ts`). Any NaN equals any NaN, and NaN bits that differ in memory,
 * integers or lanes are explained (`nan_bits.ts`): they are nondeterministic
 * in wasm.
 *
 * Modules run untouched, except that functions with v128 in their signature
 * are adapted to pass i32 lanes instead (`v128_adapter.ts`: exports through
 * an adapter, imports such as `log-v128` through a shim), since JS cannot
 * pass a v128; all executors get the same adapted module.
 *
 * Everything is a function of the seed, so a disagreement is reproduced with
 * `deno task fuzz --from SEED --seeds 1`; `--save` minimises it
 * (`minimize.ts`) and keeps it in `regressions/differential/`.
 *
 * @module
 */
import { decode } from "../../runtime/binary/decode.ts";
import { encode } from "../../runtime/binary/encode.ts";
import type { Module } from "../../runtime/module.ts";
import { ValType } from "../../runtime/types.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { adaptV128 } from "./v128_adapter.ts";
import {
  type Call,
  compareRuns,
  type Disagreement,
  executorByName,
  EXECUTORS,
  prng,
  runOn,
  show,
} from "./scenario.ts";

export {
  type Call,
  type Disagreement,
  type Executor,
  executorByName,
  EXECUTORS,
  HOST,
  type Outcome,
  type Run,
  type Scenario,
} from "./scenario.ts";

/** binaryen's flags for the 2.0 features (SIMD included): what `-ttf` may generate. */
export const WASM_2_0_FEATURES: readonly string[] = [
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals",
  "--enable-multivalue",
  "--enable-simd",
];

/**
 * Seeds whose disagreements are explained (and allowed by the spec), with
 * the reason, beyond what `nan_bits.ts` explains by itself. Every entry was
 * checked by hand and is kept, minimised, in `regressions/differential/`.
 */
export const EXPLAINED: ReadonlyMap<number, string> = new Map([
  [673, "NaN sign: f64.min of a NaN stored to memory (interp canonicalizes, V8 keeps -nan)"],
  [1679, "NaN sign: f64.max of a NaN stored to memory (interp canonicalizes, V8 keeps -nan)"],
  [
    12459,
    "NaN payload: f32x4.mul of two non-canonical NaNs (V8 keeps the first, interp the second)",
  ],
  [
    13100,
    "NaN payload: f64x2.add of two non-canonical NaNs (V8 keeps the first, interp the second)",
  ],
]);

/** What to run: seeds `from` .. `from + seeds - 1` on `engines`. */
export interface DifferentialOptions {
  /** How many seeds (at most; see `timeMs`). */
  seeds: number;
  /** The first seed (default 0). */
  from?: number;
  /** Stop starting new seeds after this many milliseconds (default: no bound). */
  timeMs?: number;
  /** Executors to compare (default {@linkcode EXECUTORS}); `"v8"` is the host engine. */
  engines?: readonly string[];
  /** Called with each seed that disagreed, its scenario and its disagreements, as found. */
  onDisagreement?: (scenario: SeedScenario, found: Disagreement[]) => Promise<void> | void;
}

/** Counts and disagreements of a run. */
export interface DifferentialReport {
  /** Modules generated and run (seeds `from` .. `from + modules - 1`). */
  modules: number;
  /** Per executor pair (`"v8/interp"`): the number of export calls compared. */
  calls: Record<string, number>;
  /**
   * How many of those calls have v128 in the original signature (called
   * through a lane adapter).
   */
  vectorCalls: number;
  /** How many of the v128 calls returned (rather than trapped) on the first executor. */
  vectorReturns: number;
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

/** The module binaryen generates from seed `s` (deterministic: same seed, same bytes). */
export async function generate(s: number, dir: string): Promise<Uint8Array<ArrayBuffer>> {
  const rand = prng(s);
  const seed = new Uint8Array(4096);
  for (let i = 0; i < seed.length; i++) seed[i] = rand() * 256;
  await Deno.writeFile(`${dir}/seed.bin`, seed);
  const out = await new Deno.Command("wasm-opt", {
    args: ["-ttf", `${dir}/seed.bin`, "-o", `${dir}/m.wasm`, ...WASM_2_0_FEATURES],
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`wasm-opt failed on seed ${s}`);
  return await Deno.readFile(`${dir}/m.wasm`);
}

/** Interesting argument values, by wasm type. */
const I32S = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 65535, 65536];
const I64S = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n];
const FLOATS = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e300, 3.4e38, 1e-40];
/** i32 lanes of interesting v128s: float bit patterns too (1.0f, -0.0f, NaN, inf). */
const LANES = [...I32S, 0x3f800000, -0x80000000, 0x7fc00000, 0x7f800000, 0xff, 0x8000];

/** Arguments for a function with `params` drawn from `rand`; `lanes`: i32s are v128 lanes. */
function argsFor(params: readonly number[], rand: () => number, lanes: boolean): unknown[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const args: unknown[] = [];
  for (const t of params) {
    if (t === ValType.i32) {
      args.push(rand() < 0.5 ? pick(lanes ? LANES : I32S) : (rand() * 2 ** 32) | 0);
    } else if (t === ValType.i64) args.push(pick(I64S));
    else if (t === ValType.f32) args.push(Math.fround(pick(FLOATS)));
    else if (t === ValType.f64) args.push(pick(FLOATS));
    else args.push(null);
  }
  return args;
}

/** The exported functions of `m` whose signature has a v128. */
function vectorExports(m: Module): Set<string> {
  const types = [
    ...m.imports.flatMap((i) => i.desc.kind === "func" ? [i.desc.type] : []),
    ...m.funcs.map((f) => f.type),
  ];
  const out = new Set<string>();
  for (const e of m.exports) {
    const t = e.kind === "func" ? m.types[types[e.index]].composite : null;
    if (t?.kind === "func" && [...t.params, ...t.results].includes(ValType.v128)) out.add(e.name);
  }
  return out;
}

/** The function exports of `m`, each with arguments drawn from seed `s`. */
function callsOf(m: Module, s: number, vector: Set<string>): Call[] {
  const rand = prng(s ^ 0x5eed);
  const funcTypes = [
    ...m.imports.flatMap((i) => i.desc.kind === "func" ? [i.desc.type] : []),
    ...m.funcs.map((f) => f.type),
  ];
  return m.exports.filter((e) => e.kind === "func").map((e) => {
    const type = m.types[funcTypes[e.index]].composite;
    if (type.kind !== "func") throw new Error(`export ${e.name} is not a function`);
    const lanes = vector.has(e.name);
    return { name: e.name, args: argsFor(type.params, rand, lanes), vector: lanes };
  });
}

/** A seed's module, ready to run: bytes (v128 exports adapted), the decoded module, the calls. */
export interface SeedScenario {
  /** The seed. */
  seed: number;
  /** The module's bytes as every executor gets them. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The same module, decoded and validated. */
  module: Module;
  /** The export calls, in order. */
  calls: Call[];
}

/** Generates seed `s`'s module in `dir` and prepares it to run (see {@linkcode SeedScenario}). */
export async function seedScenario(s: number, dir: string): Promise<SeedScenario> {
  let bytes = await generate(s, dir);
  let m = decode(bytes);
  validate(m);
  const vector = vectorExports(m);
  const adapted = adaptV128(m);
  if (adapted.exports + adapted.imports > 0) {
    bytes = encode(m);
    m = decode(bytes);
    validate(m);
  }
  return { seed: s, bytes, module: m, calls: callsOf(m, s, vector) };
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
  const { seeds, from = 0, engines = EXECUTORS, timeMs = Infinity, onDisagreement } = options;
  const executors = await Promise.all(engines.map((e) => executorByName(e)));
  const report: DifferentialReport = {
    modules: 0,
    calls: {},
    vectorCalls: 0,
    vectorReturns: 0,
    disagreements: [],
  };
  for (let i = 0; i < engines.length; i++) {
    for (let j = i + 1; j < engines.length; j++) report.calls[`${engines[i]}/${engines[j]}`] = 0;
  }
  const deadline = performance.now() + timeMs;
  const dir = await Deno.makeTempDir({ prefix: "kwasm-fuzz-" });
  try {
    for (let s = from; s < from + seeds && performance.now() < deadline; s++) {
      const scenario = await seedScenario(s, dir);
      const runs = await runOn(executors, scenario);
      report.modules++;
      scenario.calls.forEach((c, i) => {
        if (!c.vector) return;
        report.vectorCalls++;
        if (runs[0].calls[i]?.kind === "ok") report.vectorReturns++;
      });
      for (const pair of Object.keys(report.calls)) report.calls[pair] += scenario.calls.length;
      const found = compareRuns(executors, runs, scenario.calls).map((d): Disagreement => {
        const explained = EXPLAINED.get(s) ?? d.explained;
        return explained === undefined ? { ...d, seed: s } : { ...d, seed: s, explained };
      });
      report.disagreements.push(...found);
      if (found.length > 0) await onDisagreement?.(scenario, found);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return report;
}

/** One line per call: `name(args)`, for messages. */
export function describeCall(c: Call): string {
  return `${c.name}(${c.args.map(show).join(",")})`;
}

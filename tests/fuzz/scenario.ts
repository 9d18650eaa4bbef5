/**
 * Running one module on several executors and comparing what they did: the
 * core of the differential fuzzer (`differential.ts`), its minimiser's
 * predicate (`minimize.ts`) and the regression replay
 * (`regressions_test.ts`).
 *
 * A scenario is a module and a list of export calls made in order on one
 * instance; a run records each call's outcome, the values the module logged
 * through binaryen's `fuzzing-support` imports, and the final contents of the
 * exported memory.
 *
 * @module
 */
import type { EngineConfig, InstantiateOptions } from "../../runtime/engine.ts";
import { engineByName } from "../../runtime/engines.ts";
import { Exhaustion } from "../../runtime/errors.ts";
import type { Module } from "../../runtime/module.ts";
import { NAN_BITS, nanOnlyMemory, nanOnlyValues } from "./nan_bits.ts";

export { NAN_BITS } from "./nan_bits.ts";

/** The name of the host engine among the executors. */
export const HOST = "v8";

/** Every executor: the host engine, then the kwasm engines. */
export const EXECUTORS: readonly string[] = [HOST, "interp", "singlepass"];

/** Something that runs modules: the host engine, a kwasm engine, or a test's fake. */
export interface Executor {
  /** Its name, as in {@linkcode EXECUTORS}. */
  readonly name: string;
  /** Instantiates the module (given as both bytes and decoded) with `imports`; returns its exports. */
  instantiate(
    bytes: Uint8Array<ArrayBuffer>,
    module: Module,
    imports: WebAssembly.Imports,
  ): Promise<Record<string, unknown>>;
}

/** The host engine as an executor. */
export const hostExecutor: Executor = {
  name: HOST,
  async instantiate(bytes, _module, imports) {
    return (await WebAssembly.instantiate(bytes, imports)).instance.exports;
  },
};

/**
 * The executor called `name`: {@linkcode HOST} or a registered kwasm engine,
 * created with `config` and instantiated with `options` (fuel, say).
 */
export async function executorByName(
  name: string,
  config: EngineConfig = {},
  options: InstantiateOptions = {},
): Promise<Executor> {
  if (name === HOST) return hostExecutor;
  const engine = await engineByName(name, config);
  if (engine === null) throw new Error(`no engine called ${name}`);
  return {
    name,
    async instantiate(_bytes, module, imports) {
      return (await engine.compile(module).instantiate(imports as never, options)).exports;
    },
  };
}

/** A called export: its name and the arguments every executor gets. */
export interface Call {
  /** The export. */
  name: string;
  /** Its arguments (JS values). */
  args: unknown[];
  /** True when the export had v128 in its signature (it is called through a lane adapter). */
  vector: boolean;
}

/** A module and the export calls to make on one instance of it, in order. */
export interface Scenario {
  /** The module's bytes. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The same module, decoded and validated. */
  module: Module;
  /** The calls. */
  calls: Call[];
}

/** An outcome: the result, or the class of what was thrown (and its message). */
export interface Outcome {
  /** What happened. */
  kind: "ok" | "trap" | "exhaustion" | "type error" | "host error";
  /** The result ({@linkcode show}n) or the message. */
  text: string;
}

/** What one executor did with one scenario. */
export interface Run {
  /** Instantiation failure, if any. */
  instantiate: Outcome | null;
  /** Per call, in order. */
  calls: Outcome[];
  /** The values logged, shown. */
  log: string[];
  /** The exported memory at the end, if any. */
  memory: Uint8Array | null;
}

/** One way two executors disagreed on a scenario. */
export interface Disagreement {
  /** The seed the module was generated from, if it was. */
  seed?: number;
  /** The two executors, e.g. `"v8/interp"`. */
  pair: string;
  /**
   * What differed, stable under minimisation: `"v8/interp memory"`, `"… log"`,
   * `"… instantiate"` or `"… call NAME"`.
   */
  key: string;
  /** What differed, with both sides. */
  detail: string;
  /** Why the spec allows it, when it is explained. */
  explained?: string;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value in a form two executors' values compare by (and {@linkcode parseShown} reads back). */
export function show(v: unknown): string {
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (Object.is(v, -0)) return "-0";
  if (Array.isArray(v)) return `[${v.map(show).join(",")}]`;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return "func";
  return String(v);
}

/** The number or bigint {@linkcode show} turned into `s`. */
export function parseShown(s: string): number | bigint {
  if (s.endsWith("n") && s !== "NaN") return BigInt(s.slice(0, -1));
  return s === "-0" ? -0 : Number(s);
}

function thrown(e: unknown): Outcome {
  const text = e instanceof Error ? e.message : String(e);
  if (e instanceof Exhaustion || e instanceof RangeError) return { kind: "exhaustion", text };
  if (e instanceof WebAssembly.RuntimeError) return { kind: "trap", text };
  if (e instanceof TypeError) return { kind: "type error", text };
  // Anything else is an executor's own failure: it disagrees with every other outcome.
  return { kind: "host error", text: e instanceof Error ? `${e.name}: ${text}` : text };
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
      // Taking i32 lanes: `v128_adapter.ts` adapts the import.
      "log-v128": (...lanes: unknown[]) => push(lanes),
      "call-export": () => {},
      "call-export-catch": () => 0,
    },
  };
}

/** Runs `scenario` on `executor`. */
export async function runScenario(executor: Executor, scenario: Scenario): Promise<Run> {
  const log: string[] = [];
  let exports: Record<string, unknown>;
  try {
    exports = await executor.instantiate(scenario.bytes, scenario.module, fuzzingSupport(log));
  } catch (e) {
    return { instantiate: thrown(e), calls: [], log, memory: null };
  }
  const outcomes = scenario.calls.map(({ name, args }): Outcome => {
    const f = exports[name] as (...a: unknown[]) => unknown;
    try {
      return { kind: "ok", text: show(f(...args)) };
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

/** Runs `scenario` on each executor in turn. */
export async function runOn(executors: readonly Executor[], scenario: Scenario): Promise<Run[]> {
  const runs: Run[] = [];
  for (const e of executors) runs.push(await runScenario(e, scenario));
  return runs;
}

function same(a: Outcome, b: Outcome, bothOurs: boolean): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "ok") return a.text === b.text;
  // Trap messages are the spec's wording only in kwasm engines; V8 words its own. An engine
  // may add detail after the spec phrase ("undefined element 7"), as runners match by prefix.
  return a.kind !== "trap" || !bothOurs || a.text.startsWith(b.text) || b.text.startsWith(a.text);
}

/** An outcome as text: the result, or `kind: message`. */
export function formatOutcome(o: Outcome | null): string {
  return o === null ? "ok" : o.kind === "ok" ? o.text : `${o.kind}: ${o.text}`;
}

/** The disagreements between runs `ra` of executor `a` and `rb` of `b` on `calls`. */
export function compareTwo(a: string, b: string, ra: Run, rb: Run, calls: Call[]): Disagreement[] {
  const pair = `${a}/${b}`;
  const bothOurs = a !== HOST && b !== HOST;
  const out: Disagreement[] = [];
  const differ = (what: string, detail: string, nanOnly: boolean) =>
    out.push({
      pair,
      key: `${pair} ${what}`,
      detail: `${what}: ${detail}`,
      ...(nanOnly ? { explained: NAN_BITS } : {}),
    });
  if ((ra.instantiate === null) !== (rb.instantiate === null)) {
    const detail = `${formatOutcome(ra.instantiate)} vs ${formatOutcome(rb.instantiate)}`;
    differ("instantiate", detail, false);
    return out;
  }
  for (let i = 0; i < ra.calls.length; i++) {
    const oa = ra.calls[i], ob = rb.calls[i];
    if (same(oa, ob, bothOurs)) continue;
    const args = calls[i].args.map(show).join(",");
    const nanOnly = oa.kind === "ok" && ob.kind === "ok" && nanOnlyValues(oa.text, ob.text);
    differ(
      `call ${calls[i].name}`,
      `(${args}) ${formatOutcome(oa)} vs ${formatOutcome(ob)}`,
      nanOnly,
    );
  }
  const la = ra.log, lb = rb.log;
  if (la.join() !== lb.join()) {
    const i = la.findIndex((v, j) => v !== lb[j]);
    const nanOnly = la.length === lb.length && la.every((v, j) => nanOnlyValues(v, lb[j]));
    differ("log", `entry ${i}: ${la[i]} vs ${lb[i]} (lengths ${la.length}, ${lb.length})`, nanOnly);
  }
  const ma = ra.memory, mb = rb.memory;
  if ((ma === null) !== (mb === null) || (ma && mb && ma.length !== mb.length)) {
    differ("memory", `size ${ma?.length ?? "none"} vs ${mb?.length ?? "none"}`, false);
  } else if (ma && mb) {
    const i = ma.findIndex((v, j) => v !== mb[j]);
    if (i >= 0) {
      differ("memory", `byte 0x${i.toString(16)}: ${ma[i]} vs ${mb[i]}`, nanOnlyMemory(ma, mb));
    }
  }
  return out;
}

/** The disagreements between every pair of `executors`' `runs` of one scenario's `calls`. */
export function compareRuns(
  executors: readonly Executor[],
  runs: readonly Run[],
  calls: Call[],
): Disagreement[] {
  const out: Disagreement[] = [];
  for (let i = 0; i < executors.length; i++) {
    for (let j = i + 1; j < executors.length; j++) {
      out.push(...compareTwo(executors[i].name, executors[j].name, runs[i], runs[j], calls));
    }
  }
  return out;
}

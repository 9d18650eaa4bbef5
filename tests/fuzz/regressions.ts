/**
 * Differential regressions: a disagreement between executors, minimised
 * (`minimize.ts`) and kept as `regressions/differential/NAME.wasm` plus a
 * `NAME.json` sidecar ({@linkcode Sidecar}: the export calls, what the host
 * engine did, what differed and why). `regressions_test.ts` replays every
 * one on every executor; `deno task fuzz --save` writes them.
 *
 * @module
 */
import { decode } from "../../runtime/binary/decode.ts";
import type { Module } from "../../runtime/module.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { minimize, type MinimizeOptions, type MinimizeResult, type Predicate } from "./minimize.ts";
import {
  type Call,
  compareRuns,
  compareTwo,
  type Disagreement,
  type Executor,
  executorByName,
  formatOutcome,
  HOST,
  parseShown,
  type Run,
  runOn,
  runScenario,
  type Scenario,
  show,
} from "./scenario.ts";

/** Where differential regressions live. */
export const REGRESSIONS_DIR: URL = new URL("./regressions/differential/", import.meta.url);

/** Fuel of the guard run that keeps the minimiser away from candidates that never stop. */
const GUARD_FUEL = 20_000_000;

/** The JSON sidecar of a saved regression. */
export interface Sidecar {
  /** The fuzzer seed it came from, if any. */
  seed: number | null;
  /** What differed, as a {@linkcode Disagreement.key}: `"v8/interp memory"`. */
  key: string;
  /** The disagreement when it was saved, with both sides. */
  detail: string;
  /** The export calls, in order, arguments as {@linkcode show} writes them. */
  calls: { export: string; args: string[]; vector?: boolean }[];
  /** What the host engine did: instantiation (`ok` or the error) and each call's outcome. */
  expected: { instantiate: string; calls: string[] };
  /** Why it was saved: the bug it caught (and its fix), or what the fuzzer saw. */
  why: string;
  /**
   * When set, the disagreement on `key`'s subject (`memory`, `log`, `call NAME`) is allowed by
   * the spec, for this reason, between any two executors.
   */
  explained?: string;
}

/** A saved regression, loaded. */
export interface Regression {
  /** The file name without extension. */
  name: string;
  /** The module and its calls. */
  scenario: Scenario;
  /** Its sidecar. */
  sidecar: Sidecar;
}

/** `calls` restricted to the functions `m` still exports. */
export function callsIn(m: Module, calls: readonly Call[]): Call[] {
  const names = new Set(m.exports.filter((e) => e.kind === "func").map((e) => e.name));
  return calls.filter((c) => names.has(c.name));
}

/**
 * A predicate that holds while executors still disagree on `key` (of
 * {@linkcode Disagreement}) when making those of `calls` the module still
 * exports. A fuel-metered interpreter runs each candidate first: one that
 * runs out of fuel (a reduction can turn a loop infinite) is not interesting.
 */
export async function disagreesOn(
  key: string,
  calls: readonly Call[],
  executors: readonly Executor[],
): Promise<Predicate> {
  const [a, b] = key.split(" ")[0].split("/");
  const pair = [a, b].map((name) => {
    const e = executors.find((x) => x.name === name);
    if (e === undefined) throw new Error(`no executor ${name} for ${key}`);
    return e;
  });
  const guard = await executorByName("interp", { fuel: true }, { fuel: GUARD_FUEL });
  return async (bytes, module) => {
    const scenario = { bytes, module, calls: callsIn(module, calls) };
    const g = await runScenario(guard, scenario);
    const outcomes = g.instantiate === null ? g.calls : [g.instantiate];
    if (outcomes.some((o) => o.kind === "exhaustion" && o.text.includes("fuel"))) return false;
    const [ra, rb] = await runOn(pair, scenario);
    return compareTwo(a, b, ra, rb, scenario.calls).some((d) => d.key === key);
  };
}

/** Minimises `scenario` while its executors keep disagreeing on `d.key`; returns the result. */
export async function minimizeDisagreement(
  scenario: Scenario,
  d: Disagreement,
  executors: readonly Executor[],
  options: MinimizeOptions = {},
): Promise<{ scenario: Scenario; result: MinimizeResult }> {
  const result = await minimize(
    scenario.bytes,
    await disagreesOn(d.key, scenario.calls, executors),
    options,
  );
  const module = decode(result.bytes);
  validate(module);
  return {
    scenario: { bytes: result.bytes, module, calls: callsIn(module, scenario.calls) },
    result,
  };
}

/** What the host engine did, as recorded in a sidecar. */
function expectation(host: Run): Sidecar["expected"] {
  return { instantiate: formatOutcome(host.instantiate), calls: host.calls.map(formatOutcome) };
}

/**
 * Saves `scenario` as regression `name` (overwriting it), with the host
 * engine's outcomes as the expectation; returns the path of the `.wasm`.
 */
export async function saveRegression(
  name: string,
  scenario: Scenario,
  info: Pick<Sidecar, "seed" | "key" | "detail" | "why" | "explained">,
  dir: URL = REGRESSIONS_DIR,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const host = await runScenario(await executorByName(HOST), scenario);
  const sidecar: Sidecar = {
    seed: info.seed,
    key: info.key,
    detail: info.detail,
    calls: scenario.calls.map((c) => ({
      export: c.name,
      args: c.args.map(show),
      ...(c.vector ? { vector: true } : {}),
    })),
    expected: expectation(host),
    why: info.why,
    ...(info.explained === undefined ? {} : { explained: info.explained }),
  };
  const wasm = new URL(`${name}.wasm`, dir);
  await Deno.writeFile(wasm, scenario.bytes);
  await Deno.writeTextFile(new URL(`${name}.json`, dir), JSON.stringify(sidecar, null, 2) + "\n");
  return wasm.pathname;
}

/** Every regression saved in `dir`, by name. */
export async function loadRegressions(dir: URL = REGRESSIONS_DIR): Promise<Regression[]> {
  const out: Regression[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw e;
  }
  for (const entry of entries.filter((e) => e.name.endsWith(".json"))) {
    const name = entry.name.slice(0, -".json".length);
    const sidecar: Sidecar = JSON.parse(await Deno.readTextFile(new URL(entry.name, dir)));
    const bytes = await Deno.readFile(new URL(`${name}.wasm`, dir));
    const module = decode(bytes);
    validate(module);
    const calls = sidecar.calls.map((c): Call => ({
      name: c.export,
      args: c.args.map(parseShown),
      vector: c.vector === true,
    }));
    out.push({ name, scenario: { bytes, module, calls }, sidecar });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** What replaying a regression found. */
export interface Replay {
  /** Disagreements neither the sidecar nor the comparison itself explains. */
  unexplained: Disagreement[];
  /** The explained disagreements, when they still show. */
  explained: Disagreement[];
  /** What the host engine did (compare with the sidecar's `expected`). */
  host: Sidecar["expected"];
}

/** Runs regression `r` on `executors` (the first must be the host engine) and compares them. */
export async function replay(r: Regression, executors: readonly Executor[]): Promise<Replay> {
  const runs = await runOn(executors, r.scenario);
  const found = compareRuns(executors, runs, r.scenario.calls);
  // An explained difference shows between the host engine and the kwasm engine concerned, and so
  // also between that engine and the other one: it is allowed on its subject, between any pair.
  const subject = (key: string) => key.slice(key.indexOf(" ") + 1);
  const allowed = (d: Disagreement) =>
    d.explained !== undefined ||
    (r.sidecar.explained !== undefined && subject(d.key) === subject(r.sidecar.key));
  return {
    unexplained: found.filter((d) => !allowed(d)),
    explained: found.filter(allowed),
    host: expectation(runs[0]),
  };
}

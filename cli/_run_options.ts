/**
 * The command line of `kwasm run`, read the way wasmtime reads it: options
 * first, then the module, then the guest's own arguments untouched
 * (`kwasm run -W fuel=1000 app.wasm --verbose` gives `--verbose` to the
 * guest). wasmtime's option groups `-W KEY[=VALUE]` (wasm) and `-S KEY[=VALUE]`
 * (WASI) take comma-separated lists, as in `-W fuel=1000,timeout=2s`.
 *
 * `node:util` `parseArgs` cannot stop at the first positional argument, so
 * {@linkcode splitCommandLine} cuts the line first, knowing which options
 * take a value; `parseArgs` then reads the options part strictly.
 *
 * @module
 */

import { type ParseArgsOptionsConfig } from "node:util";
import { HELP_OPTION, parseCommandLine } from "./_args.ts";
import { CliError, EXIT_USAGE } from "./_io.ts";

/** The options of `kwasm run` as `parseArgs` reads them. */
const OPTIONS = {
  ...HELP_OPTION,
  backend: { type: "string" },
  loader: { type: "string" },
  dir: { type: "string", multiple: true },
  env: { type: "string", multiple: true },
  invoke: { type: "string" },
  argv0: { type: "string" },
  wasm: { type: "string", short: "W", multiple: true },
  wasi: { type: "string", short: "S", multiple: true },
  net: { type: "boolean" },
  "disable-cache": { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

/** Everything `kwasm run` was asked to do. */
export interface RunOptions {
  /** `--help`: print help and do nothing else. */
  help: boolean;
  /** The module to run (`.wasm` or `.wat`). */
  file: string;
  /** The arguments after the module: the guest's argv[1..], or `--invoke`'s values. */
  args: string[];
  /** `--argv0`: the guest's argv[0] (default: the module's file name, as wasmtime). */
  argv0: string | undefined;
  /** `--backend`. */
  backend: string;
  /** `--loader`. */
  loader: string;
  /** `--dir HOST[::GUEST]`, in order. */
  dirs: string[];
  /** `--env NAME[=VAL]`: a missing value inherits the host's. */
  env: { name: string; value: string | undefined }[];
  /** `-S inherit-env`: pass the host's whole environment. */
  inheritEnv: boolean;
  /** `--invoke NAME`. */
  invoke: string | undefined;
  /** `-W fuel=N`. */
  fuel: number | undefined;
  /** `-W timeout=DURATION`, in milliseconds. */
  timeoutMs: number | undefined;
  /** `-W max-wasm-stack=N` (kwasm counts nested calls, not bytes). */
  maxWasmStack: number | undefined;
  /** `-W max-memory-size=BYTES`. */
  maxMemoryBytes: number | undefined;
  /** `-W unknown-imports-trap`. */
  unknownImportsTrap: boolean;
  /** `-S tcplisten=ADDR`, in order. */
  tcpListen: string[];
  /** `--net`. */
  net: boolean;
  /** False with `--disable-cache`. */
  cache: boolean;
}

/** Long options that take a value (`--dir X` or `--dir=X`). */
const LONG_WITH_VALUE: ReadonlySet<string> = new Set(
  Object.entries(OPTIONS).filter(([, o]) => o.type === "string").map(([name]) => name),
);
/** Short options that take a value (`-W X` or `-WX`). */
const SHORT_WITH_VALUE: ReadonlySet<string> = new Set(["W", "S"]);

/**
 * Cuts `args` into kwasm's options and the rest: the first argument that is
 * not an option or an option's value is the module, and it and everything
 * after it are returned as `rest`. A `--` ends the options explicitly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCommandLine } from "./_run_options.ts";
 * const { options, rest } = splitCommandLine(["--dir", ".", "app.wasm", "--dir", "x"]);
 * assert.deepEqual(options, ["--dir", "."]);
 * assert.deepEqual(rest, ["app.wasm", "--dir", "x"]);
 * ```
 */
export function splitCommandLine(args: readonly string[]): { options: string[]; rest: string[] } {
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (a === "--") return { options: args.slice(0, i), rest: args.slice(i + 1) };
    if (!a.startsWith("-") || a === "-") break;
    i += takesSeparateValue(a) ? 2 : 1;
  }
  return { options: args.slice(0, Math.min(i, args.length)), rest: args.slice(i) };
}

/** Whether option `a` takes its value from the next argument. */
function takesSeparateValue(a: string): boolean {
  if (a.startsWith("--")) return !a.includes("=") && LONG_WITH_VALUE.has(a.slice(2));
  return a.length === 2 && SHORT_WITH_VALUE.has(a[1]);
}

/** A usage error of `kwasm run`, with the pointer to its help. */
function usageError(message: string): CliError {
  return new CliError(`run: ${message}; run 'kwasm run --help' for usage`, EXIT_USAGE);
}

/**
 * Reads the command line of `kwasm run` (the arguments after `run`).
 *
 * @throws {CliError} a usage error (exit 2) naming what is wrong.
 */
export function parseRunCommandLine(args: readonly string[]): RunOptions {
  const { options, rest } = splitCommandLine(args);
  const { values } = parseCommandLine("run", options, OPTIONS);
  const opts: RunOptions = {
    help: values.help ?? false,
    file: rest[0] ?? "",
    args: rest.slice(1),
    argv0: values.argv0,
    backend: values.backend ?? "singlepass",
    loader: values.loader ?? "kernel",
    dirs: values.dir ?? [],
    env: (values.env ?? []).map(parseEnv),
    inheritEnv: false,
    invoke: values.invoke,
    fuel: undefined,
    timeoutMs: undefined,
    maxWasmStack: undefined,
    maxMemoryBytes: undefined,
    unknownImportsTrap: false,
    tcpListen: [],
    net: values.net ?? false,
    cache: !(values["disable-cache"] ?? false),
  };
  if (opts.help) return opts;
  for (const list of values.wasm ?? []) {
    for (const [key, value] of groupItems(list)) applyWasmOption(opts, key, value);
  }
  for (const list of values.wasi ?? []) {
    for (const [key, value] of groupItems(list)) applyWasiOption(opts, key, value);
  }
  if (!["kernel", "user"].includes(opts.loader)) {
    throw usageError(`unknown loader '${opts.loader}' (kernel or user)`);
  }
  for (const dir of opts.dirs) {
    if (dir === "" || dir.startsWith("::")) {
      throw usageError(`--dir '${dir}' names no host directory`);
    }
  }
  if (opts.file === "") throw usageError("no module to run");
  return opts;
}

/** `NAME[=VALUE]` of `--env`. */
function parseEnv(spec: string): { name: string; value: string | undefined } {
  const eq = spec.indexOf("=");
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (name === "") throw usageError(`--env '${spec}' has no variable name`);
  return { name, value: eq < 0 ? undefined : spec.slice(eq + 1) };
}

/** The `KEY[=VALUE]` items of one `-W`/`-S` argument: `fuel=10,timeout=1s`. */
function groupItems(list: string): [string, string | undefined][] {
  return list.split(",").filter((item) => item !== "").map((item) => {
    const eq = item.indexOf("=");
    return eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
  });
}

function applyWasmOption(opts: RunOptions, key: string, value: string | undefined): void {
  switch (key) {
    case "fuel":
      opts.fuel = integerValue(`-W ${key}`, value, 0);
      return;
    case "timeout":
      opts.timeoutMs = durationValue(`-W ${key}`, value);
      return;
    case "max-wasm-stack":
      opts.maxWasmStack = integerValue(`-W ${key}`, value, 1);
      return;
    case "max-memory-size":
      opts.maxMemoryBytes = integerValue(`-W ${key}`, value, 0);
      return;
    case "unknown-imports-trap":
      opts.unknownImportsTrap = booleanValue(`-W ${key}`, value);
      return;
  }
  throw usageError(`unknown -W option '${key}'`);
}

function applyWasiOption(opts: RunOptions, key: string, value: string | undefined): void {
  switch (key) {
    case "inherit-env":
      opts.inheritEnv = booleanValue(`-S ${key}`, value);
      return;
    case "tcplisten":
      if (value === undefined || value === "") throw usageError("-S tcplisten needs an address");
      opts.tcpListen.push(value);
      return;
  }
  throw usageError(`unknown -S option '${key}'`);
}

/** A non-negative integer option value of at least `min`. */
function integerValue(what: string, value: string | undefined, min: number): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(`${what} needs an integer${min > 0 ? ` of at least ${min}` : ""}`);
  }
  return n;
}

/** wasmtime's booleans: a bare key is on; `y`/`yes`/`true` and `n`/`no`/`false`. */
function booleanValue(what: string, value: string | undefined): boolean {
  if (value === undefined || ["y", "yes", "true"].includes(value)) return true;
  if (["n", "no", "false"].includes(value)) return false;
  throw usageError(`${what} takes y or n, not '${value}'`);
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

function durationValue(what: string, value: string | undefined): number {
  const ms = value === undefined ? null : parseDuration(value);
  if (ms === null) throw usageError(`${what} needs a duration such as 100ms, 2s or 1m`);
  return ms;
}

/**
 * Milliseconds in a duration as wasmtime reads it: a bare number is seconds,
 * else numbers with units (`100ms`, `2s`, `1m30s`, `1.5h`); null when
 * `text` is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./_run_options.ts";
 * assert.equal(parseDuration("100ms"), 100);
 * assert.equal(parseDuration("2"), 2000);
 * assert.equal(parseDuration("1m 30s"), 90_000);
 * assert.equal(parseDuration("soon"), null);
 * ```
 */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const part = /(\d+(?:\.\d+)?)\s*([a-zµ]+)\s*/gy;
  let total = 0;
  let end = 0;
  for (let m = part.exec(t); m !== null; m = part.exec(t)) {
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    end = part.lastIndex;
  }
  return end > 0 && end === t.length ? total : null;
}

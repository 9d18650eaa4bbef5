/**
 * Runners for the hostile-input tests: one module on one engine in-process
 * (compile → instantiate → invoke, timed), and the CLI in a subprocess with
 * its peak resident memory, for the cases whose memory use must be measured
 * apart from the test process.
 *
 * @module
 */

import assert from "node:assert/strict";
import { decode } from "../../runtime/binary/decode.ts";
import type { EngineConfig, RawValue } from "../../runtime/engine.ts";
import { engineByName } from "../../runtime/engines.ts";
import { validate } from "../../runtime/validate/mod.ts";

/** Both backends, by the names `--backend` takes. */
export const BACKENDS = ["interp", "singlepass"] as const;

/**
 * Multiplier for every time bound, for slow machines:
 * `KWASM_HOSTILE_SLACK=3 deno test -A tests/hostile/`.
 */
export const SLACK = Number(Deno.env.get("KWASM_HOSTILE_SLACK") ?? 1);

/** What running a module produced: results, or the error, and how long it took. */
export interface Outcome {
  /** Results of the call, when everything succeeded. */
  results?: RawValue[];
  /** The error thrown by decode, validate, compile, instantiate or the call. */
  error?: unknown;
  /** Wall time of the whole run in milliseconds. */
  ms: number;
}

/**
 * Decodes, validates, compiles and instantiates `bytes` on `backend` with
 * `config`, then calls `invoke` (an export name and its arguments) if given.
 * Never throws: the first error ends the run and is returned.
 */
export async function runModule(
  backend: string,
  bytes: Uint8Array,
  options: { config?: EngineConfig; invoke?: [string, RawValue[]] } = {},
): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const config = { ...options.config, cache: false } as EngineConfig;
    const engine = await engineByName(backend, config)!;
    const module = decode(bytes);
    validate(module);
    const instance = await engine.compile(module).instantiate();
    if (options.invoke === undefined) return { results: [], ms: performance.now() - t0 };
    const results = await instance.invoke(...options.invoke);
    return { results, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

/**
 * Asserts that `o` ended in an error of class `cls` whose message starts with
 * `phrase`, within `maxMs` (times {@linkcode SLACK}).
 */
export function assertFailed(
  o: Outcome,
  cls: abstract new (...args: never[]) => Error,
  phrase: string,
  maxMs: number,
): void {
  assert.ok(o.error !== undefined, `expected "${phrase}", got results ${String(o.results)}`);
  const e = o.error as Error;
  assert.ok(e instanceof cls, `expected a ${cls.name} "${phrase}", got ${e?.name}: ${e?.message}`);
  assert.ok(e.message.startsWith(phrase), `expected "${phrase}…", got "${e.message}"`);
  assertWithin(o, maxMs);
}

/** Asserts that `o` succeeded with `results` within `maxMs` (times {@linkcode SLACK}). */
export function assertResults(o: Outcome, results: RawValue[], maxMs: number): void {
  if (o.error !== undefined) {
    const e = o.error as Error;
    assert.fail(`expected ${JSON.stringify(results)}, got ${e?.name}: ${e?.message}`);
  }
  assert.deepEqual(o.results, results);
  assertWithin(o, maxMs);
}

function assertWithin(o: Outcome, maxMs: number): void {
  assert.ok(o.ms < maxMs * SLACK, `took ${o.ms.toFixed(0)} ms, bound ${maxMs * SLACK} ms`);
}

/** What a CLI run produced. */
export interface CliOutcome {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** Peak resident set of the process (VmHWM) in MiB; 0 when /proc is unavailable. */
  peakMiB: number;
}

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/**
 * Runs `kwasm ARGS…` (`deno run -A cli.ts`) in a subprocess, sampling its
 * peak resident set from `/proc/PID/status` every 20 ms until it exits.
 */
export async function kwasmProcess(...args: string[]): Promise<CliOutcome> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let peakKiB = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      try {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (kib > peakKiB) peakKiB = kib;
      } catch {
        break; // exited (or no /proc)
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const out = await child.output();
  const ms = performance.now() - t0;
  done = true;
  await sampler;
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
    ms,
    peakMiB: Math.round(peakKiB / 1024),
  };
}

let tempDir: string | null = null;

/**
 * Writes `bytes` to a new `.wasm` file in this process's temporary folder
 * (removed when the process unloads) and returns its path.
 */
export async function tempWasm(bytes: Uint8Array): Promise<string> {
  if (tempDir === null) {
    const dir = tempDir = await Deno.makeTempDir({ prefix: "kwasm_hostile_" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  }
  const path = await Deno.makeTempFile({ dir: tempDir, suffix: ".wasm" });
  await Deno.writeFile(path, bytes);
  return path;
}

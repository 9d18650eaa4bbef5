/**
 * `deno task spec`: runs the WebAssembly spec test suite through kwasm and
 * prints a per-file table with totals.
 *
 *     deno task spec [--backend interp|singlepass] [--fuel] [--max-wasm-stack N] [-v]
 *                    [--loader user [--jobs N]] [DIR | FILE.wast ...]
 *
 * `--fuel` compiles fuel metering in (with unlimited fuel) and
 * `--max-wasm-stack` sets the depth bound, so the suite also checks the code
 * those options add. `--loader user` runs each script inside a permission-less
 * Worker (the user loader's) on the backend (default singlepass), `spectest`'s
 * functions served as syscalls from this process; `--jobs` sets how many such
 * workers run at once (default 1).
 *
 * DIR defaults to `$KWASM_SPEC_TESTSUITE`, else `../shared/spec-testsuite/wasm-2.0`.
 * Without a backend, execution commands are counted as skipped.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Engine, EngineConfig } from "../../runtime/engine.ts";
import { engineByName, engineNames } from "../../runtime/engines.ts";
import { runScript, type ScriptResult } from "../../runtime/script/run.ts";
import { type UserScriptOptions, UserScriptRunner } from "../../runtime/script/user_runner.ts";
import { specSuiteDir } from "../_fixtures.ts";

/** One script's result, with its file name. */
export interface FileResult extends ScriptResult {
  /** The script's file name. */
  file: string;
}

/** The `.wast` files of `dir`, sorted. */
export function scriptsIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".wast"))
    .map((e) => `${dir}/${e.name}`).sort();
}

/** Runs each script, in order. */
export async function runFiles(files: string[], engine?: Engine): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for (const path of files) {
    const r = await runScript(await Deno.readFile(path), { engine });
    out.push({ file: path.slice(path.lastIndexOf("/") + 1), ...r });
  }
  return out;
}

/** Options of {@linkcode runFilesUser}. */
export interface UserRunOptions extends UserScriptOptions {
  /** Workers running scripts at once. Default 1. */
  jobs?: number;
}

/**
 * Runs each script under the user loader (a permission-less worker per job
 * slot, reused from script to script); results in the files' order.
 */
export async function runFilesUser(
  files: string[],
  options: UserRunOptions,
): Promise<FileResult[]> {
  const out: FileResult[] = new Array(files.length);
  let next = 0;
  const slot = async () => {
    const runner = new UserScriptRunner(options);
    try {
      for (let i = next++; i < files.length; i = next++) {
        const r = await runner.run(await Deno.readFile(files[i]));
        out[i] = { file: files[i].slice(files[i].lastIndexOf("/") + 1), ...r };
      }
    } finally {
      runner.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, slot));
  return out;
}

/** Prints the per-file table and the totals line `N passed, N failed`. */
export function printTable(results: FileResult[], verbose: boolean): void {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${"file".padEnd(40)} ${pad("passed", 7)} ${pad("failed", 7)} ${pad("skipped", 8)}`);
  let passed = 0, failed = 0, skipped = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failures.length;
    skipped += r.skipped;
    console.log(
      `${r.file.padEnd(40)} ${pad(r.passed, 7)} ${pad(r.failures.length, 7)} ${pad(r.skipped, 8)}`,
    );
    for (const f of verbose ? r.failures : r.failures.slice(0, 3)) {
      console.log(`    ${r.file}:${f}`);
    }
  }
  console.log(`${results.length} scripts, ${skipped} commands skipped`);
  console.log(`${passed} passed, ${failed} failed`);
}

async function engineNamed(
  name: string | undefined,
  config: EngineConfig,
): Promise<Engine | undefined> {
  if (name === undefined || name === "none") return undefined;
  const engine = engineByName(name, config);
  if (engine === null) {
    console.error(
      `spec: unknown backend '${name}' (available: ${engineNames().join(", ") || "none yet"})`,
    );
    Deno.exit(2);
  }
  return await engine;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      backend: { type: "string" },
      fuel: { type: "boolean", default: false },
      "max-wasm-stack": { type: "string" },
      verbose: { type: "boolean", short: "v", default: false },
      loader: { type: "string", default: "kernel" },
      jobs: { type: "string", default: "1" },
    },
    allowPositionals: true,
  });
  let files: string[];
  if (positionals.length > 0) {
    files = positionals.flatMap((p) => Deno.statSync(p).isDirectory ? scriptsIn(p) : [p]);
  } else {
    const dir = specSuiteDir();
    if (dir === null) {
      console.log(
        "spec: the WebAssembly test suite was not found (looked in $KWASM_SPEC_TESTSUITE and " +
          "../shared/spec-testsuite/wasm-2.0). Get it from https://github.com/WebAssembly/testsuite " +
          "and point KWASM_SPEC_TESTSUITE at it. Skipping.",
      );
      Deno.exit(0);
    }
    files = scriptsIn(dir);
  }
  const depth = values["max-wasm-stack"];
  const config: EngineConfig = {
    fuel: values.fuel,
    maxWasmStack: depth === undefined ? undefined : Number(depth),
  };
  let results: FileResult[];
  if (values.loader === "user") {
    const backend = values.backend ?? "singlepass";
    if (await engineNamed(backend, config) === undefined) { // also validates the name
      console.error("spec: the user loader runs scripts on a backend, not 'none'");
      Deno.exit(2);
    }
    results = await runFilesUser(files, { backend, config, jobs: Number(values.jobs) });
  } else if (values.loader === "kernel") {
    results = await runFiles(files, await engineNamed(values.backend, config));
  } else {
    console.error(`spec: unknown loader '${values.loader}' (kernel or user)`);
    Deno.exit(2);
  }
  printTable(results, values.verbose);
  Deno.exit(results.some((r) => r.failures.length > 0) ? 1 : 0);
}

/**
 * `kwasm wast FILE.wast…`: run WebAssembly spec test scripts. One line per
 * script (`file: N passed, N failed, N skipped`) with its failures under it,
 * then the totals `N passed, N failed` (and `, N skipped` when any). Exits 1
 * when anything failed.
 *
 * Without `--backend`, module commands (parse, decode, validate,
 * `assert_malformed`, `assert_invalid`) run and execution commands are
 * skipped; engines come from the registry in `runtime/engines.ts`.
 *
 * With `--loader user`, each script runs in a permission-less Worker
 * (`runtime/script/user_runner.ts`, the runner behind `deno task spec
 * --loader user`) on the backend (default singlepass), the `spectest`
 * module's functions served from this process as syscalls.
 *
 * @module
 */

import type { Engine } from "../runtime/engine.ts";
import { engineByName, engineNames } from "../runtime/engines.ts";
import { runScript, type ScriptResult } from "../runtime/script/run.ts";
import { UserScriptRunner } from "../runtime/script/user_runner.ts";
import { type Command, HELP_OPTION, parseCommandLine } from "./_args.ts";
import {
  CliError,
  errorText,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  type Output,
  paint,
  readInput,
  reportError,
} from "./_io.ts";

const HELP = `Usage: kwasm wast [options] FILE...

Runs WebAssembly spec test scripts (.wast): prints one line per script with
its failures under it, then the totals. Without a backend, modules are
parsed, decoded and validated (assert_malformed, assert_invalid) and
commands that execute code are counted as skipped. Exits 1 if anything
failed.

Options:
  --backend NAME   execute with engine NAME (singlepass or interp)
  --loader NAME    kernel (default: scripts run in this process) or user
                   (each script in a Worker without permissions, the
                   spectest functions served as syscalls; the backend
                   defaults to singlepass; needs Deno's
                   --unstable-worker-options, which deno.json sets)
  -h, --help       show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  backend: { type: "string" },
  loader: { type: "string" },
} as const;

/** Runs one script (its text as bytes) and counts its commands. */
type ScriptRunner = (script: Uint8Array) => Promise<ScriptResult>;

/** A usage error for a backend name no engine has. */
function unknownBackend(name: string): CliError {
  const names = engineNames();
  const available = names.length > 0 ? `available: ${names.join(", ")}` : "no engine yet";
  return new CliError(`wast: backend '${name}' is not available (${available})`, EXIT_USAGE);
}

/** The engine `--backend` names, or a usage error when there is no such engine. */
async function selectEngine(name: string | undefined): Promise<Engine | undefined> {
  if (name === undefined) return undefined;
  const engine = engineByName(name);
  if (engine === null) throw unknownBackend(name);
  try {
    return await engine;
  } catch (e) {
    throw new CliError(`wast: backend '${name}' failed to load: ${errorText(e)}`);
  }
}

/**
 * Runs `body` with the script runner `--loader` and `--backend` choose:
 * in this process, or in a user-loader worker (stopped when `body` is done).
 */
async function withRunner<T>(
  loader: string | undefined,
  backend: string | undefined,
  body: (run: ScriptRunner) => Promise<T>,
): Promise<T> {
  if (loader === undefined || loader === "kernel") {
    const engine = await selectEngine(backend);
    return await body((script) => runScript(script, { engine }));
  }
  if (loader !== "user") {
    throw new CliError(
      `wast: unknown loader '${loader}' (kernel or user); run 'kwasm wast --help' for usage`,
      EXIT_USAGE,
    );
  }
  const name = backend ?? "singlepass";
  // The worker loads the engine; only the name is checked here.
  if (!engineNames().includes(name)) throw unknownBackend(name);
  const runner = new UserScriptRunner({ backend: name });
  try {
    return await body((script) => runner.run(script));
  } finally {
    runner.close();
  }
}

function count(n: number, what: string, color: boolean, style: "green" | "red" | "yellow") {
  return paint(color && n > 0, style, `${n} ${what}`);
}

async function run(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandLine("wast", args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    throw new CliError("wast: no input files; run 'kwasm wast --help' for usage", EXIT_USAGE);
  }
  return await withRunner(
    values.loader,
    values.backend,
    (runOne) => runAll(positionals, runOne, io),
  );
}

/** Runs each file with `runOne`, printing its line and failures, then the totals. */
async function runAll(files: string[], runOne: ScriptRunner, io: Output): Promise<number> {
  const color = io.colorOut;
  let passed = 0, failed = 0, skipped = 0;
  for (const file of files) {
    let script: Uint8Array;
    try {
      script = await readInput(file);
    } catch (e) {
      reportError(io, e instanceof CliError ? e.message : errorText(e));
      failed++;
      continue;
    }
    const r = await runOne(script);
    passed += r.passed;
    failed += r.failures.length;
    skipped += r.skipped;
    io.out(
      `${paint(color, "bold", file)}: ${count(r.passed, "passed", color, "green")}, ` +
        `${count(r.failures.length, "failed", color, "red")}, ` +
        `${count(r.skipped, "skipped", color, "yellow")}\n`,
    );
    for (const f of r.failures) io.out(`  ${file}:${f}\n`);
  }
  const skippedText = skipped > 0 ? `, ${count(skipped, "skipped", color, "yellow")}` : "";
  io.out(
    `${count(passed, "passed", color, "green")}, ${
      count(failed, "failed", color, "red")
    }${skippedText}\n`,
  );
  return failed > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** The `wast` subcommand. */
export const wastCommand: Command = {
  name: "wast",
  summary: "run WebAssembly spec test scripts",
  help: HELP,
  run,
};

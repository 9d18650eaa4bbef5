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
 * @module
 */

import type { Engine } from "../runtime/engine.ts";
import { engineByName, engineNames } from "../runtime/engines.ts";
import { runScript } from "../runtime/script/run.ts";
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
  --backend NAME   execute with engine NAME
  -h, --help       show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  backend: { type: "string" },
} as const;

/** The engine `--backend` names, or a usage error when there is no such engine. */
async function selectEngine(name: string | undefined): Promise<Engine | undefined> {
  if (name === undefined) return undefined;
  const engine = engineByName(name);
  if (engine === null) {
    const names = engineNames();
    const available = names.length > 0 ? `available: ${names.join(", ")}` : "no engine yet";
    throw new CliError(`wast: backend '${name}' is not available (${available})`, EXIT_USAGE);
  }
  try {
    return await engine;
  } catch (e) {
    throw new CliError(`wast: backend '${name}' failed to load: ${errorText(e)}`);
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
  const engine = await selectEngine(values.backend);
  const color = io.colorOut;
  let passed = 0, failed = 0, skipped = 0;
  for (const file of positionals) {
    let script: Uint8Array;
    try {
      script = await readInput(file);
    } catch (e) {
      reportError(io, e instanceof CliError ? e.message : errorText(e));
      failed++;
      continue;
    }
    const r = await runScript(script, { engine });
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

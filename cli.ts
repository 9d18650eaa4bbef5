/**
 * The `kwasm` command line: `kwasm <command> [options] [args]`, modelled on
 * wasmtime's. Each subcommand lives in `cli/`; this file holds the command
 * table, the top-level options (`--help`, `--version`) and the one place
 * where any failure becomes a single `kwasm: …` line and an exit code.
 *
 * ```sh
 * deno run -A cli.ts run app.wasm arg1 arg2
 * deno run -A cli.ts validate m.wasm
 * deno run -A cli.ts inspect --json m.wasm
 * deno run -A cli.ts wat2wasm m.wat -o m.wasm
 * deno run -A cli.ts wast suite/*.wast
 * ```
 *
 * @module
 */

import denoJson from "./deno.json" with { type: "json" };
import type { Command } from "./cli/_args.ts";
import {
  CliError,
  errorText,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  type Output,
  processOutput,
  reportError,
} from "./cli/_io.ts";
import { inspectCommand } from "./cli/inspect.ts";
import { runCommand } from "./cli/run.ts";
import { validateCommand } from "./cli/validate.ts";
import { wasm2watCommand } from "./cli/wasm2wat.ts";
import { wastCommand } from "./cli/wast.ts";
import { wat2wasmCommand } from "./cli/wat2wasm.ts";

export type { Output } from "./cli/_io.ts";

/** The version of kwasm, from `deno.json`. */
export const VERSION: string = denoJson.version;

/**
 * Every subcommand, in the order help lists them. An entry without `run` is
 * planned but not implemented yet: help lists it, invoking it exits 2.
 */
const COMMANDS: readonly Command[] = [
  runCommand,
  validateCommand,
  inspectCommand,
  wastCommand,
  wat2wasmCommand,
  wasm2watCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), "help".length);
  const list = [...COMMANDS, { name: "help", summary: "show help for a command" }]
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n`)
    .join("");
  return `kwasm ${VERSION}: a WebAssembly runtime for Deno

Usage: kwasm <command> [options] [args]

Commands:
${list}
Options:
  -h, --help     show this help
  -V, --version  print the version

Run 'kwasm <command> --help' for the options of a command.
`;
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new CliError(`unknown command '${name}'; run 'kwasm --help' for usage`, EXIT_USAGE);
  }
  return command;
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /** Where to write; defaults to the process's stdout and stderr. */
  output?: Output;
}

/**
 * Runs the command line `args` (without the program name) and resolves to
 * the exit code. Nothing is thrown: every failure is reported as one line on
 * the output's standard error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 * import { captureOutput } from "./cli/_io.ts";
 * const output = captureOutput();
 * const code = await main(["--version"], { output });
 * assert.equal(code, 0);
 * assert.match(output.stdout, /^kwasm \d+\.\d+\.\d+\n$/);
 * ```
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const io = options.output ?? processOutput();
  try {
    return await dispatch(args, io);
  } catch (e) {
    if (e instanceof CliError) {
      reportError(io, e.message);
      return e.exitCode;
    }
    reportError(io, `internal error (a bug in kwasm, please report it): ${errorText(e)}`);
    return EXIT_FAILURE;
  }
}

async function dispatch(args: string[], io: Output): Promise<number> {
  const [first, ...rest] = args;
  switch (first) {
    case undefined:
      io.out(usage());
      return EXIT_USAGE;
    case "-h":
    case "--help":
      io.out(usage());
      return EXIT_OK;
    case "-V":
    case "--version":
      io.out(`kwasm ${VERSION}\n`);
      return EXIT_OK;
    case "help":
      io.out(rest.length === 0 ? usage() : findCommand(rest[0]).help);
      return EXIT_OK;
  }
  if (first.startsWith("-")) {
    throw new CliError(`unknown option '${first}'; run 'kwasm --help' for usage`, EXIT_USAGE);
  }
  const command = findCommand(first);
  if (command.run === undefined) {
    throw new CliError(`'${command.name}' is not implemented yet`, EXIT_USAGE);
  }
  return await command.run(rest, io);
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `kwasm validate FILE…`: decode (or parse, for `.wat` files) and validate
 * each module, print `FILE: valid` or the one-line reason it is not, and
 * exit 1 if any is not.
 *
 * @module
 */

import { type Command, HELP_OPTION, parseCommandLine } from "./_args.ts";
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  moduleFailure,
  type Output,
  paint,
  reportError,
} from "./_io.ts";
import { loadModule, validateLoaded } from "./_load.ts";

const HELP = `Usage: kwasm validate [options] FILE...

Decodes and validates each WebAssembly binary. Prints "FILE: valid" for a
valid module; for any other, one line saying why (malformed or invalid, with
the byte offset) on standard error. Exits 1 if any file is not valid.

A file named *.wat or *.wast that does not start with the binary magic is
read as a text module; its errors are located by line and column (syntax)
or by function (validation).

Options:
  -q, --quiet   print nothing for valid modules
  -h, --help    show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  quiet: { type: "boolean", short: "q" },
} as const;

async function run(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandLine("validate", args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    throw new CliError(
      "validate: no input files; run 'kwasm validate --help' for usage",
      EXIT_USAGE,
    );
  }
  let status = EXIT_OK;
  for (const file of positionals) {
    try {
      validateLoaded(file, await loadModule(file));
      if (!values.quiet) io.out(`${file}: ${paint(io.colorOut, "green", "valid")}\n`);
    } catch (e) {
      reportError(io, moduleFailure(file, e));
      status = EXIT_FAILURE;
    }
  }
  return status;
}

/** The `validate` subcommand. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check that WebAssembly modules (binary or .wat) are valid",
  help: HELP,
  run,
};

/**
 * `kwasm wasm2wat IN.wasm [-o OUT.wat]`: print a module in the text format,
 * with `$names` from its name section. Like wabt's `wasm2wat`, the module is
 * validated first unless `--no-check`.
 *
 * @module
 */

import { printWat } from "../runtime/text/mod.ts";
import { type Command, HELP_OPTION, parseCommandLine, singleInput } from "./_args.ts";
import {
  EXIT_FAILURE,
  EXIT_OK,
  moduleFailure,
  type Output,
  reportError,
  writeOutput,
} from "./_io.ts";
import { type LoadedModule, loadModule, validateLoaded } from "./_load.ts";

const HELP = `Usage: kwasm wasm2wat [options] FILE

Prints a WebAssembly binary in the text format, on standard output unless
-o is given. Names in the module's name section become $names. Reading the
text back (kwasm wat2wasm) gives the same binary, except for what the text
format cannot hold: custom sections and a data count section no
instruction needs. FILE may also be a .wat file (printed afresh).

Options:
  -o, --output FILE   write the text to FILE
  --no-names          ignore the name section: print every index as a number
  --no-check          print the module even if it is not valid
  -h, --help          show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  output: { type: "string", short: "o" },
  "no-names": { type: "boolean" },
  "no-check": { type: "boolean" },
} as const;

async function run(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandLine("wasm2wat", args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const file = singleInput("wasm2wat", positionals);
  let loaded: LoadedModule;
  try {
    loaded = await loadModule(file);
  } catch (e) {
    reportError(io, moduleFailure(file, e));
    return EXIT_FAILURE;
  }
  if (!values["no-check"]) {
    try {
      validateLoaded(file, loaded);
    } catch (e) {
      reportError(io, `${moduleFailure(file, e)}; --no-check prints it anyway`);
      return EXIT_FAILURE;
    }
  }
  const text = printWat(loaded.module, { names: !values["no-names"] });
  if (values.output === undefined) io.out(text);
  else await writeOutput(values.output, text);
  return EXIT_OK;
}

/** The `wasm2wat` subcommand. */
export const wasm2watCommand: Command = {
  name: "wasm2wat",
  summary: "print a WebAssembly binary in the text format",
  help: HELP,
  run,
};

/**
 * `kwasm wat2wasm IN.wat [-o OUT.wasm]`: compile a text module to a binary,
 * validating it first (as wabt's `wat2wasm` does), with a `name` section
 * holding the text's `$id`s unless `--no-names`.
 *
 * @module
 */

import { decode } from "../runtime/binary/decode.ts";
import { encode } from "../runtime/binary/encode.ts";
import { parseWat } from "../runtime/text/mod.ts";
import { type Command, HELP_OPTION, parseCommandLine, singleInput } from "./_args.ts";
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  moduleFailure,
  type Output,
  readInput,
  reportError,
  writeOutput,
} from "./_io.ts";
import { validateLoaded } from "./_load.ts";

const HELP = `Usage: kwasm wat2wasm [options] FILE

Compiles a WebAssembly text module (.wat) to a binary. The output is FILE
with the extension .wasm unless -o says otherwise. The module is validated
first; a syntax error is reported as FILE:LINE:COLUMN: message.

Options:
  -o, --output FILE   write the binary to FILE
  --no-names          leave out the name section (the text's $names)
  --no-check          do not validate the module before writing it
  -h, --help          show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  output: { type: "string", short: "o" },
  "no-names": { type: "boolean" },
  "no-check": { type: "boolean" },
} as const;

/** `dir/m.wat` → `dir/m.wasm`; a name without an extension gets `.wasm` appended. */
export function defaultOutput(input: string): string {
  const slash = input.lastIndexOf("/");
  const dot = input.lastIndexOf(".");
  const stem = dot > slash + 1 ? input.slice(0, dot) : input;
  return `${stem}.wasm`;
}

async function run(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandLine("wat2wasm", args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const file = singleInput("wat2wasm", positionals);
  const output = values.output ?? defaultOutput(file);
  if (output === file) {
    throw new CliError(`wat2wasm: the output would overwrite '${file}'; name one with -o`);
  }
  let bytes: Uint8Array;
  try {
    const text = await readInput(file);
    if (text[0] === 0 && text[1] === 0x61 && text[2] === 0x73 && text[3] === 0x6d) {
      throw new CliError(`${file}: this is a binary module already, not text`);
    }
    bytes = encode(parseWat(text, { names: !values["no-names"] }));
    if (!values["no-check"]) {
      validateLoaded(file, { module: decode(bytes), bytes, fromText: true });
    }
  } catch (e) {
    reportError(io, moduleFailure(file, e));
    return EXIT_FAILURE;
  }
  await writeOutput(output, bytes);
  return EXIT_OK;
}

/** The `wat2wasm` subcommand. */
export const wat2wasmCommand: Command = {
  name: "wat2wasm",
  summary: "translate WebAssembly text to a binary",
  help: HELP,
  run,
};

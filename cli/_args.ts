/**
 * The shape of a subcommand and the parsing of its command line
 * (`node:util` `parseArgs`, with its errors turned into one usage line).
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { CliError, EXIT_USAGE, type Output } from "./_io.ts";

/** A subcommand: its help and, once implemented, what it does. */
export interface Command {
  /** The word that selects it: `validate`. */
  readonly name: string;
  /** One line for the command listing. */
  readonly summary: string;
  /** Full help: usage line, description, options. */
  readonly help: string;
  /**
   * Runs the command with the arguments after its name; resolves to the exit
   * code. Absent while the command is not implemented yet.
   */
  readonly run?: (args: string[], io: Output) => Promise<number>;
}

/** The `--help`/`-h` option every subcommand accepts. */
export const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/**
 * Parses a subcommand's arguments strictly (unknown options are errors,
 * positionals allowed). A malformed command line throws a {@linkcode CliError}
 * with exit code 2 and a pointer to the command's help.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  command: string,
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(
      `${command}: ${argErrorText(e)}; run 'kwasm ${command} --help' for usage`,
      EXIT_USAGE,
    );
  }
}

/** `parseArgs`'s message, shortened to its first sentence and lower-cased. */
function argErrorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // "Unknown option '--x'. To specify a positional argument …" → "unknown option '--x'"
  const first = message.split(". ")[0];
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/**
 * The one input file of a command that takes exactly one; a usage error
 * (exit 2) naming `command` otherwise.
 */
export function singleInput(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    const what = positionals.length === 0 ? "no input file" : "expects exactly one file";
    throw new CliError(`${command}: ${what}; run 'kwasm ${command} --help' for usage`, EXIT_USAGE);
  }
  return positionals[0];
}

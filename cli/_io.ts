/**
 * What every subcommand shares: where output goes ({@linkcode Output}, so
 * tests capture it without spawning a process), reading an input file, and
 * turning any failure into the one clear line the user sees — never a stack
 * trace.
 *
 * @module
 */

import { styleText } from "node:util";
import { InvalidError, MalformedError } from "../runtime/errors.ts";
import { TextError } from "../runtime/text/errors.ts";

/** Exit code of a successful run. */
export const EXIT_OK = 0;
/** Exit code when an input is bad (unreadable, malformed, invalid). */
export const EXIT_FAILURE = 1;
/** Exit code for a usage error (unknown command or option, missing argument). */
export const EXIT_USAGE = 2;

/** Where a command writes: standard output and standard error, each maybe colored. */
export interface Output {
  /** Writes `text` (newlines included) to standard output. */
  out(text: string): void;
  /** Writes `text` (newlines included) to standard error. */
  err(text: string): void;
  /** Whether standard output may carry ANSI colors. */
  readonly colorOut: boolean;
  /** Whether standard error may carry ANSI colors. */
  readonly colorErr: boolean;
}

/** An {@linkcode Output} that keeps everything written, for tests. */
export interface CapturedOutput extends Output {
  /** Everything written to standard output. */
  readonly stdout: string;
  /** Everything written to standard error. */
  readonly stderr: string;
}

const encoder = new TextEncoder();

/** Writes all of `text` to a stream, ignoring a closed pipe (`kwasm inspect x | head`). */
function writeAll(stream: typeof Deno.stdout, text: string): void {
  const bytes = encoder.encode(text);
  try {
    for (let off = 0; off < bytes.length;) off += stream.writeSync(bytes.subarray(off));
  } catch (e) {
    if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
  }
}

/**
 * The process's own streams. Colors are on only for a terminal, and never
 * when `NO_COLOR` is set.
 */
export function processOutput(): Output {
  return {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    colorOut: !Deno.noColor && Deno.stdout.isTerminal(),
    colorErr: !Deno.noColor && Deno.stderr.isTerminal(),
  };
}

/** An output that records what is written and never colors. */
export function captureOutput(): CapturedOutput {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    colorOut: false,
    colorErr: false,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** Text styles used by the commands. */
export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

/** Styles `text` when `enabled`, else returns it unchanged. */
export function paint(enabled: boolean, style: Style | Style[], text: string): string {
  return enabled ? styleText(style, text, { validateStream: false }) : text;
}

/**
 * A failure a command reports as one line: `kwasm: <message>`. `exitCode`
 * is {@linkcode EXIT_FAILURE} for bad input, {@linkcode EXIT_USAGE} for a bad
 * command line.
 */
export class CliError extends Error {
  /** The process exit code this failure maps to. */
  readonly exitCode: number;
  /** Creates the error; `message` is one line, advice included. */
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * Reads a whole input file. Failures become a {@linkcode CliError} phrased
 * like the OS (`cannot read 'x.wasm': No such file or directory`).
 */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new CliError(`cannot read '${path}': ${osErrorReason(e)}`);
  }
}

/** The OS's own words for why a read or write failed, without Deno's decorations. */
function osErrorReason(e: unknown): string {
  if (e instanceof Deno.errors.NotCapable) {
    return "Permission denied (run with --allow-read)";
  }
  if (!(e instanceof Error)) return String(e);
  // Deno phrases I/O errors as "<strerror> (os error N): readfile '<path>'".
  const cut = e.message.indexOf(" (os error");
  return cut > 0 ? e.message.slice(0, cut) : e.message;
}

/**
 * Writes a whole output file. Failures become a {@linkcode CliError}
 * (`cannot write 'out/x.wasm': No such file or directory`).
 */
export async function writeOutput(path: string, data: Uint8Array | string): Promise<void> {
  try {
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotCapable
      ? "Permission denied (run with --allow-write)"
      : osErrorReason(e);
    throw new CliError(`cannot write '${path}': ${reason}`);
  }
}

/**
 * The one line describing why `file` could not be parsed, decoded or
 * validated: `x.wasm: malformed module: unexpected end (at offset 0x8)`, or
 * for text `x.wat:3:14: unknown operator i32.ad`. Errors that are none of
 * these are bugs in kwasm, and say so.
 */
export function moduleFailure(file: string, e: unknown): string {
  if (e instanceof TextError) return `${file}:${e.line}:${e.column}: ${e.phrase}`;
  if (e instanceof MalformedError) return `${file}: malformed module: ${e.message}`;
  if (e instanceof InvalidError) return `${file}: invalid module: ${e.message}`;
  if (e instanceof CliError) return e.message;
  return `${file}: internal error (a bug in kwasm, please report it): ${errorText(e)}`;
}

/** A thrown value's message on one line. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.replaceAll(/\s*\n\s*/g, " ");
}

/** Prints `kwasm: <message>` on standard error, always as exactly one line. */
export function reportError(io: Output, message: string): void {
  const prefix = paint(io.colorErr, ["bold", "red"], "kwasm:");
  io.err(`${prefix} ${message.replaceAll(/\s*\n\s*/g, " ")}\n`);
}

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

/** A byte stream a guest program writes to (its stdout or stderr); `Deno.stdout` is one. */
export interface ByteSink {
  /** Writes some of `p`; returns how many bytes were written. */
  writeSync(p: Uint8Array): number;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

/** A byte stream a guest program reads from (its stdin); `Deno.stdin` is one. */
export interface ByteSource {
  /** Reads into `p`: bytes read, or null at end of input. */
  read(p: Uint8Array): Promise<number | null>;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

/**
 * Where a command writes: standard output and standard error, each maybe
 * colored. A program run by `kwasm run` reads and writes bytes: through
 * `rawOut`, `rawErr` and `stdin` when given (see {@linkcode guestStreams}).
 */
export interface Output {
  /** Writes `text` (newlines included) to standard output. */
  out(text: string): void;
  /** Writes `text` (newlines included) to standard error. */
  err(text: string): void;
  /** Whether standard output may carry ANSI colors. */
  readonly colorOut: boolean;
  /** Whether standard error may carry ANSI colors. */
  readonly colorErr: boolean;
  /** Standard output as bytes, for a guest's writes. Default: decoded and passed to `out`. */
  readonly rawOut?: ByteSink;
  /** Standard error as bytes, for a guest's writes. Default: decoded and passed to `err`. */
  readonly rawErr?: ByteSink;
  /** Standard input, for a guest's reads. Default: empty. */
  readonly stdin?: ByteSource;
}

/** The byte streams of a guest program run with output `io`. */
export interface GuestStreams {
  /** The guest's stdin. */
  stdin: ByteSource;
  /** The guest's stdout. */
  stdout: ByteSink;
  /** The guest's stderr. */
  stderr: ByteSink;
}

/** A sink that decodes UTF-8 (across writes) and hands the text to `write`. */
function textSink(write: (text: string) => void): ByteSink {
  const decoder = new TextDecoder();
  return {
    writeSync(p) {
      write(decoder.decode(p, { stream: true }));
      return p.length;
    },
  };
}

/** A source that holds `data` and then ends. */
function bytesSource(data: Uint8Array): ByteSource {
  let rest = data;
  return {
    read(p) {
      if (rest.length === 0) return Promise.resolve(null);
      const n = Math.min(p.length, rest.length);
      p.set(rest.subarray(0, n));
      rest = rest.subarray(n);
      return Promise.resolve(n);
    },
  };
}

/**
 * The streams a guest program gets under output `io`: its raw streams when
 * it has them, else text sinks over `out`/`err` and an empty stdin.
 */
export function guestStreams(io: Output): GuestStreams {
  return {
    stdin: io.stdin ?? bytesSource(new Uint8Array()),
    stdout: io.rawOut ?? textSink((text) => io.out(text)),
    stderr: io.rawErr ?? textSink((text) => io.err(text)),
  };
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
    rawOut: Deno.stdout,
    rawErr: Deno.stderr,
    stdin: Deno.stdin,
  };
}

/** Options of {@linkcode captureOutput}. */
export interface CaptureOptions {
  /** What a guest program reads on stdin (default: nothing). */
  stdin?: string | Uint8Array;
}

/**
 * An output that records what is written and never colors. A guest's bytes
 * are decoded as UTF-8 into the same text.
 */
export function captureOutput(options: CaptureOptions = {}): CapturedOutput {
  let stdout = "";
  let stderr = "";
  const input = options.stdin ?? new Uint8Array();
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    colorOut: false,
    colorErr: false,
    rawOut: textSink((text) => stdout += text),
    rawErr: textSink((text) => stderr += text),
    stdin: bytesSource(typeof input === "string" ? encoder.encode(input) : input),
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

/**
 * The OS's own words for why a file operation failed, without Deno's
 * decorations: `No such file or directory`.
 */
export function osErrorReason(e: unknown): string {
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

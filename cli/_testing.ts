/**
 * Helpers for the command-line tests: run `main` in-process with captured
 * output, and make broken inputs in a temporary folder.
 *
 * @module
 */

import assert from "node:assert/strict";
import { main } from "../cli.ts";
import { captureOutput } from "./_io.ts";

/** What a command-line run produced. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `kwasm ARGS…` in-process. */
export async function kwasm(...args: string[]): Promise<RunResult> {
  const output = captureOutput();
  const code = await main(args, { output });
  return { code, stdout: output.stdout, stderr: output.stderr };
}

/** Path of a file in `cli/testdata`. */
export function testdata(name: string): string {
  return decodeURIComponent(new URL(`./testdata/${name}`, import.meta.url).pathname);
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * Well-formed but invalid: `(module (func (result i32)))`, whose body ends
 * without the promised i32 — "type mismatch" at offset 0x18.
 */
export const INVALID_MODULE: Uint8Array = new Uint8Array([
  ...HEADER,
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f], // type section: (func (result i32))
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // code section: empty body
]);

/** Broken inputs written into a fresh temporary folder, by name. */
export interface BadInputs {
  /** The folder (itself a bad input: a directory). */
  dir: string;
  /** A zero-byte file. */
  empty: string;
  /** The first 100 bytes of the kitchen-sink module (cut inside its global section). */
  truncated: string;
  /** 4 KiB of random bytes starting with 0xff (so never the magic). */
  random: string;
  /** A text file. */
  text: string;
  /** A module with version 2. */
  version: string;
  /** {@linkcode INVALID_MODULE}. */
  invalid: string;
  /** A path that does not exist. */
  missing: string;
}

/** Writes the {@linkcode BadInputs} into a new temporary folder. */
export async function makeBadInputs(): Promise<BadInputs> {
  const dir = await Deno.makeTempDir({ prefix: "kwasm_cli_" });
  const random = crypto.getRandomValues(new Uint8Array(4096));
  random[0] = 0xff;
  const files = {
    empty: new Uint8Array(),
    truncated: (await Deno.readFile(testdata("kitchen_sink.wasm"))).subarray(0, 100),
    random,
    text: new TextEncoder().encode("(module)\n"),
    version: new Uint8Array([...HEADER.slice(0, 4), 2, 0, 0, 0]),
    invalid: INVALID_MODULE,
  };
  const paths: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    paths[name] = `${dir}/${name}.wasm`;
    await Deno.writeFile(paths[name], bytes);
  }
  return { ...paths, dir, missing: `${dir}/missing.wasm` } as BadInputs;
}

/**
 * Starts `kwasm run FLAGS... FILE` as a process with a stdin that stays open,
 * waits for the guest's first line (`ready`), presses Ctrl-C (SIGINT) — or,
 * with `press` false, leaves the process to end by itself (`-W timeout`) —
 * and returns the exit code, stderr, and how long the process took to end
 * after `ready`.
 */
export async function ctrlC(
  flags: string[],
  file: string,
  ready: string,
  press = true,
): Promise<{ code: number; stderr: string; ms: number }> {
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "run", ...flags, file],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), ready);
  const t0 = performance.now();
  if (press) child.kill("SIGINT");
  const status = await child.status;
  const ms = performance.now() - t0;
  reader.releaseLock();
  await child.stdout.cancel();
  await child.stdin.close();
  const stderr = await new Response(child.stderr).text();
  return { code: status.code, stderr, ms };
}

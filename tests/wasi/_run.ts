/**
 * Test helper: runs a WASI command on the host engine (V8) with kwasm's WASI
 * host, the way a JSPI backend does: imports that may return a Promise are
 * wrapped in `WebAssembly.Suspending`, `_start` in `WebAssembly.promising`.
 * Captures stdout/stderr and the host's one-line warnings.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createWasi, type WasiHost, type WasiOptions } from "../../wasi/mod.ts";
import type { WasiReader, WasiWriter } from "../../wasi/mod.ts";
import { repoPath } from "../_fixtures.ts";

/** What a run produced. */
export interface RunResult {
  /** Exit code (0 when `_start` returned). */
  code: number;
  /** Everything written to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
  /** Host diagnostics (permission hints). */
  warnings: string[];
}

/** Options of {@linkcode runWasi}: WASI options plus stdin contents. */
export interface RunOptions extends WasiOptions {
  /** Bytes or text for the guest's stdin (default: empty). */
  stdinData?: string | Uint8Array;
  /** Delivers stdin in chunks of this size, with a macrotask between chunks. */
  stdinChunk?: number;
}

/** A writer that keeps what it is given. */
export class Collector implements WasiWriter {
  #parts: Uint8Array[] = [];
  /** Keeps a copy. */
  writeSync(p: Uint8Array): number {
    this.#parts.push(p.slice());
    return p.length;
  }
  /** Everything written, as text. */
  text(): string {
    const all = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.#parts) {
      all.set(p, o);
      o += p.length;
    }
    return new TextDecoder().decode(all);
  }
}

/** A reader serving fixed bytes, optionally in small chunks with a delay. */
export class BytesReader implements WasiReader {
  #data: Uint8Array;
  #chunk: number;
  #delayMs: number;
  /** Serves `data`, at most `chunk` bytes per read. */
  constructor(data: string | Uint8Array, chunk = Infinity, delayMs = 0) {
    this.#data = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.#chunk = chunk;
    this.#delayMs = delayMs;
  }
  /** Copies the next chunk. */
  async read(p: Uint8Array): Promise<number | null> {
    await new Promise((r) => setTimeout(r, this.#delayMs));
    if (this.#data.length === 0) return null;
    const n = Math.min(p.length, this.#chunk, this.#data.length);
    p.set(this.#data.subarray(0, n));
    this.#data = this.#data.subarray(n);
    return n;
  }
}

/** JS Promise Integration, which Deno's TypeScript library does not declare yet. */
interface Jspi {
  Suspending: new (f: (...args: never[]) => unknown) => WebAssembly.ImportValue;
  promising(f: (...args: never[]) => unknown): (...args: unknown[]) => Promise<unknown>;
}
const jspi = WebAssembly as unknown as Jspi;

/** `WebAssembly.promising(f)`. */
export function promising(f: unknown): () => Promise<unknown> {
  return jspi.promising(f as () => unknown);
}

/** Imports for a JSPI engine: suspending imports wrapped in `WebAssembly.Suspending`. */
export function jspiImports(host: WasiHost): WebAssembly.Imports {
  const out: WebAssembly.Imports = {};
  for (const [mod, fns] of Object.entries(host.imports)) {
    const m: Record<string, WebAssembly.ImportValue> = {};
    for (const [name, fn] of Object.entries(fns)) {
      m[name] = host.mayReturnPromise(name) ? new jspi.Suspending(fn) : fn;
    }
    out[mod] = m;
  }
  return out;
}

const modules = new Map<string, WebAssembly.Module>();

/** Compiles (once) the committed test program `tests/wasi/NAME.wasm`. */
export async function testModule(name: string): Promise<WebAssembly.Module> {
  let m = modules.get(name);
  if (m === undefined) {
    m = await WebAssembly.compile(await Deno.readFile(repoPath(`tests/wasi/${name}.wasm`)));
    modules.set(name, m);
  }
  return m;
}

/** Runs the test program `name` (or a compiled module) with `options`. */
export async function runWasi(
  name: string | WebAssembly.Module,
  options: RunOptions = {},
): Promise<RunResult> {
  const module = typeof name === "string" ? await testModule(name) : name;
  const stdout = new Collector();
  const stderr = new Collector();
  const warnings: string[] = [];
  const host = createWasi({
    stdin: new BytesReader(options.stdinData ?? "", options.stdinChunk),
    stdout,
    stderr,
    warn: (line) => warnings.push(line),
    ...options,
  });
  const instance = await WebAssembly.instantiate(module, jspiImports(host));
  const start = promising(instance.exports._start);
  const code = await host.start({ exports: { ...instance.exports, _start: start } });
  return { code, stdout: stdout.text(), stderr: stderr.text(), warnings };
}

/** A WASI program of this folder, how to run it, and what it must print. */
export interface LoaderProgram {
  /** Module name (`NAME.wasm` here). */
  name: string;
  /** The guest's argv. */
  args: string[];
  /** What the guest reads from stdin. */
  stdin?: string;
  /** Checks the guest's stdout (and stderr, collected together). */
  want: (out: string) => void;
}

/** The programs every backend and loader must run alike (`backends_test`, `user_loader_test`). */
export const LOADER_PROGRAMS: readonly LoaderProgram[] = [
  { name: "files", args: ["files"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  { name: "dirs", args: ["dirs"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  { name: "abi", args: ["abi"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  {
    name: "clocks_poll",
    args: ["clocks_poll"],
    stdin: "a line\n",
    want: (out) => assert.match(out, /\n0 failures\n$/),
  },
  {
    name: "stdio",
    args: ["stdio", "echo"],
    stdin: "hello\nworld\n",
    want: (out) => assert.equal(out, "HELLO\nWORLD\n12 bytes, 2 lines, 2 reads\n"),
  },
  { name: "args_env", args: ["args_env", "x", ""], want: (out) => assert.match(out, /x/) },
  { name: "preview0", args: [], want: (out) => assert.equal(out, "preview0 ok\n") },
];

/**
 * `createWasi`: the WASI host module, an import resolver for
 * `wasi_snapshot_preview1` and `wasi_unstable` over one shared context.
 *
 * ```text
 *   createWasi(options) ──▶ WasiHost
 *                             .imports   { wasi_snapshot_preview1: {...}, wasi_unstable: {...} }
 *                             .mayReturnPromise(name)   which imports can suspend the guest
 *                             .start(instance)          bind memory, run _start → exit code
 *                             .fds                      the fd table (shared with `net`)
 * ```
 *
 * File descriptors: 0–2 are stdio; then the preopened sockets (wasmtime's
 * `-S tcplisten`), then the preopened directories in the order given, as
 * wasmtime numbers them.
 *
 * @module
 */

import type { CallResult } from "./context.ts";
import { WasiContext } from "./context.ts";
import { ExitStatus } from "./errors.ts";
import type { MemoryLike } from "./memory.ts";
import { DIRECTORY_INHERITING, DIRECTORY_RIGHTS } from "./abi/rights.ts";
import type { Descriptor } from "./fd/descriptor.ts";
import { DirectoryDescriptor } from "./fd/directory.ts";
import { OutputDescriptor, StdinDescriptor, type WasiReader, type WasiWriter } from "./fd/stdio.ts";
import { FdTable } from "./fd/table.ts";
import { type HostCall, PREVIEW0, PREVIEW1, SUSPENDING_CALLS } from "./calls/mod.ts";

/** A directory to preopen: host path, and the name the guest sees (default: the host path). */
export interface Preopen {
  /** Directory on the host. */
  host: string;
  /** Name under which the guest finds it (`fd_prestat_dir_name`). */
  guest?: string;
}

/** Options of {@linkcode createWasi}; everything defaults to "nothing granted". */
export interface WasiOptions {
  /** `argv`, program name first. Default: `[]`. */
  args?: readonly string[];
  /** Environment variables. Default: none. */
  env?: Readonly<Record<string, string>>;
  /**
   * Directories to preopen: `"HOST[::GUEST]"` strings as on wasmtime's
   * command line (`--dir`), or {@linkcode Preopen} objects.
   */
  dirs?: readonly (string | Preopen)[];
  /** The guest's stdin. Default: `Deno.stdin`. */
  stdin?: WasiReader;
  /** The guest's stdout. Default: `Deno.stdout`. */
  stdout?: WasiWriter;
  /** The guest's stderr. Default: `Deno.stderr`. */
  stderr?: WasiWriter;
  /**
   * Preopened sockets (listeners for `sock_accept`, as wasmtime's
   * `-S tcplisten=ADDR`), installed at fd 3 onwards, before the directories.
   */
  sockets?: readonly Descriptor[];
  /**
   * Descriptors whose writes can block (sockets of the `net` module) may be
   * in the table: `fd_write` may then return a Promise. Default: true when
   * `sockets` is non-empty.
   */
  asyncWrites?: boolean;
  /** Where one-line host diagnostics go (permission hints). Default: `console.error`. */
  warn?: (line: string) => void;
  /** Most descriptors open at once (`EMFILE` beyond). Default: 65536. */
  maxFds?: number;
}

/** A host function as the import object holds it. */
export type WasiFunction = (...args: (number | bigint)[]) => number | Promise<number>;

/** The exports `start` needs from a WASI command instance. */
export interface WasiInstance {
  /** The instance's exports: `memory` and `_start` (or `_initialize` for a reactor). */
  readonly exports: Record<string, unknown>;
}

/** A WASI host: the import objects and the program lifecycle. */
export interface WasiHost {
  /** The import modules, ready to pass to instantiation. */
  readonly imports: {
    /** Preview1. */
    readonly wasi_snapshot_preview1: Readonly<Record<string, WasiFunction>>;
    /** Preview0. */
    readonly wasi_unstable: Readonly<Record<string, WasiFunction>>;
  };
  /** The descriptor table (the `net` module installs its sockets here). */
  readonly fds: FdTable;
  /**
   * True when the import `name` (of either module) may return a Promise:
   * a backend wraps exactly those for suspension (e.g. in
   * `WebAssembly.Suspending`); all others always return a number. The same
   * functions carry the `Symbol.for("kwasm.maySuspend")` mark.
   */
  mayReturnPromise(name: string): boolean;
  /** Attaches the guest memory that pointers refer to (done by `start`). */
  bindMemory(memory: MemoryLike): void;
  /**
   * Runs a command: binds `exports.memory`, calls `exports._start` and
   * returns the exit code (0 when `_start` returns, the `proc_exit` code
   * otherwise), as a Promise when `_start` returns one (a suspending
   * guest). Traps are rethrown. Closes every descriptor at the end.
   */
  start(instance: WasiInstance): number | Promise<number>;
  /** Initializes a reactor: binds memory and calls `exports._initialize` if present. */
  initialize(instance: WasiInstance): void | Promise<void>;
  /** Closes every open descriptor. */
  close(): void;
}

/** Parses wasmtime's `--dir HOST[::GUEST]` syntax. */
export function parseDir(spec: string): Preopen {
  const i = spec.indexOf("::");
  return i < 0 ? { host: spec } : { host: spec.slice(0, i), guest: spec.slice(i + 2) };
}

const encoder = new TextEncoder();

function encodeAll(what: string, list: readonly string[]): Uint8Array[] {
  return list.map((s) => {
    if (s.includes("\0")) {
      throw new TypeError(`WASI: ${what} contains a NUL byte: ${JSON.stringify(s)}`);
    }
    return encoder.encode(s);
  });
}

function openPreopen(p: Preopen): DirectoryDescriptor {
  const guest = p.guest ?? p.host;
  const fail = (why: string): never => {
    throw new Error(`WASI: cannot preopen directory ${JSON.stringify(p.host)}: ${why}`);
  };
  let real = "";
  let file: Deno.FsFile | null = null;
  try {
    real = Deno.realPathSync(p.host);
    file = Deno.openSync(real, { read: true });
  } catch (e) {
    fail((e as Error).message);
  }
  if (!file!.statSync().isDirectory) {
    file!.close();
    fail("not a directory");
  }
  return new DirectoryDescriptor(file!, real, DIRECTORY_RIGHTS, DIRECTORY_INHERITING, guest);
}

/**
 * The registered symbol kwasm's backends look for on a host function that
 * may return a Promise (see `runtime/singlepass/jspi.ts`): a backend wraps
 * exactly those for suspension. Registered, so no import is needed.
 */
const MAY_SUSPEND_MARK = Symbol.for("kwasm.maySuspend");

function wrap(ctx: WasiContext, name: string, call: HostCall, suspends: boolean): WasiFunction {
  type Arg = number | bigint | undefined;
  const f = call as unknown as (
    ctx: WasiContext,
    ...args: [Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg]
  ) => CallResult;
  const onError = (e: unknown) => ctx.fail(e);
  // Fixed parameters (path_open has the most, 9) instead of rest arguments: no array per call.
  const fn = (a?: Arg, b?: Arg, c?: Arg, d?: Arg, e?: Arg, g?: Arg, h?: Arg, i?: Arg, j?: Arg) => {
    try {
      ctx.mem.refresh();
      const r = f(ctx, a, b, c, d, e, g, h, i, j);
      return typeof r === "number" ? r : r.then(undefined, onError);
    } catch (err) {
      return ctx.fail(err);
    }
  };
  Object.defineProperty(fn, "name", { value: name });
  if (suspends) Object.defineProperty(fn, MAY_SUSPEND_MARK, { value: true });
  return fn as WasiFunction;
}

function table(
  ctx: WasiContext,
  calls: Readonly<Record<string, HostCall>>,
  suspending: ReadonlySet<string>,
) {
  const out: Record<string, WasiFunction> = {};
  for (const [name, call] of Object.entries(calls)) {
    out[name] = wrap(ctx, name, call, suspending.has(name));
  }
  return Object.freeze(out);
}

/**
 * Creates a WASI host. Preopened directories are opened now (an unreadable
 * or missing one throws an `Error` with a one-line message).
 *
 * @example Run a command on the host engine (its imports never suspend here)
 * ```ts ignore
 * import { createWasi } from "./host.ts";
 * const wasi = createWasi({ args: ["hello"], dirs: ["./data::/data"] });
 * const { instance } = await WebAssembly.instantiate(bytes, wasi.imports);
 * const code = await wasi.start(instance);
 * ```
 */
export function createWasi(options: WasiOptions = {}): WasiHost {
  const args = encodeAll("an argument", options.args ?? []);
  const env = encodeAll(
    "an environment variable",
    Object.entries(options.env ?? {}).map(([k, v]) => {
      if (k.includes("=")) {
        throw new TypeError(`WASI: environment variable name contains "=": ${k}`);
      }
      return `${k}=${v}`;
    }),
  );
  const fds = new FdTable(options.maxFds);
  fds.insert(new StdinDescriptor(options.stdin ?? Deno.stdin));
  fds.insert(new OutputDescriptor(options.stdout ?? Deno.stdout));
  fds.insert(new OutputDescriptor(options.stderr ?? Deno.stderr));
  const sockets = options.sockets ?? [];
  try {
    for (const s of sockets) fds.insert(s);
    for (const d of options.dirs ?? []) {
      fds.insert(openPreopen(typeof d === "string" ? parseDir(d) : d));
    }
  } catch (e) {
    fds.closeAll();
    throw e;
  }
  // deno-lint-ignore no-console
  const warn = options.warn ?? ((line: string) => console.error(line));
  const ctx = new WasiContext(fds, args, env, warn);
  const suspending = new Set(SUSPENDING_CALLS);
  if (options.asyncWrites ?? sockets.length > 0) suspending.add("fd_write");

  const imports = Object.freeze({
    wasi_snapshot_preview1: table(ctx, PREVIEW1, suspending),
    wasi_unstable: table(ctx, PREVIEW0, suspending),
  });
  let started = false;

  const bindFrom = (instance: WasiInstance) => {
    const memory = instance.exports.memory as MemoryLike | undefined;
    if (
      memory === undefined ||
      !(memory.buffer instanceof ArrayBuffer || memory.buffer instanceof SharedArrayBuffer)
    ) {
      throw new TypeError('WASI: the module does not export its memory as "memory"');
    }
    ctx.mem.bind(memory);
  };

  return {
    imports,
    fds,
    mayReturnPromise: (name) => suspending.has(name),
    bindMemory: (memory) => ctx.mem.bind(memory),
    start(instance) {
      if (started) throw new Error("WASI: start was already called on this host");
      started = true;
      const entry = instance.exports._start;
      if (typeof entry !== "function") {
        throw new TypeError('WASI: the module has no "_start" export (it is not a command)');
      }
      bindFrom(instance);
      const finish = (e: unknown): number => {
        fds.closeAll();
        if (e === undefined) return 0;
        if (e instanceof ExitStatus) return e.code;
        throw e;
      };
      let r: unknown;
      try {
        r = entry();
      } catch (e) {
        return finish(e);
      }
      if (r instanceof Promise) return r.then(() => finish(undefined), finish);
      return finish(undefined);
    },
    initialize(instance) {
      bindFrom(instance);
      const init = instance.exports._initialize;
      if (typeof init !== "function") return;
      const r = init();
      if (r instanceof Promise) return r.then(() => {});
    },
    close: () => fds.closeAll(),
  };
}

/**
 * `kwasm run [options] FILE [ARGS...]`: run a WebAssembly program, with
 * wasmtime's command line. The module (binary or `.wat`) is validated,
 * linked with WASI, compiled by the chosen backend and run under the kernel
 * loader, which stops it on `-W timeout` or Ctrl-C — or, with `--loader
 * user`, in a permission-less Worker (`runUser`) whose WASI calls this
 * process serves.
 *
 * ```text
 *   options ─▶ engine ─┐
 *   FILE ─load/validate─▶ link (WASI, unknown imports) ─▶ compile ─▶ runKernel ─▶ _start | --invoke
 *                                                                     │
 *            exit code ◀── proc_exit / return · trap: message + backtrace, 134
 * ```
 *
 * @module
 */

import type { Engine, EngineConfig, Imports, Instance, RawValue } from "../runtime/engine.ts";
import type { CompiledModule } from "../runtime/engine.ts";
import { engineByName, engineNames } from "../runtime/engines.ts";
import { Trap } from "../runtime/errors.ts";
import { runKernel } from "../runtime/loader/kernel.ts";
import { runUser, wasiUserHost } from "../runtime/loader/user.ts";
import { netUserHost } from "../runtime/loader/user_net.ts";
import { type FuncType, funcTypeAt, type Module } from "../runtime/module.ts";
import { valTypeName } from "../runtime/types.ts";
import { createWasi, type Descriptor, ExitStatus, type WasiHost } from "../wasi/mod.ts";
import { createNet, type NetHost, tcpListener } from "../net/mod.ts";
import type { Command } from "./_args.ts";
import {
  CliError,
  errorText,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  guestStreams,
  moduleFailure,
  osErrorReason,
  type Output,
  reportError,
} from "./_io.ts";
import { linkImports } from "./_link.ts";
import { loadModule, validateLoaded } from "./_load.ts";
import { parseRunCommandLine, type RunOptions } from "./_run_options.ts";
import { backtraceLines, wasmFrames } from "./_trap.ts";
import { formatValue, parseValue } from "./_values.ts";

/**
 * Exit code after a trap (an interrupt and exhausted fuel or stack
 * included): 128 + SIGABRT, what wasmtime exits with on Unix.
 */
export const EXIT_TRAP = 134;

const HELP = `Usage: kwasm run [options] FILE [ARGS...]

Runs a WebAssembly program: calls its "_start" export (a WASI command) with
ARGS as its arguments, or with --invoke, one exported function with ARGS as
its parameters. FILE is a binary module or a .wat text module. Options go
before FILE; everything after FILE belongs to the program. The command line
is wasmtime's: a wasmtime command line for a preview1 program works as is.

Exit status: the program's exit code (the low 8 bits of proc_exit's code),
0 when "_start" returns. A trap prints "kwasm: FILE: <message>" and the wasm
backtrace and exits 134, as wasmtime does; running out of time (-W timeout),
Ctrl-C, fuel or stack are traps too ("interrupted", "all fuel consumed",
"call stack exhausted"). A module that cannot run (unreadable, malformed,
invalid, unknown imports) prints one line and exits 1; a bad command line
exits 2.

Options:
  --backend NAME        execution engine: singlepass (default) or interp
  --loader NAME         kernel (default: the guest runs in this process) or
                        user (in a Worker without permissions; every host
                        call is a syscall to this process; needs Deno's
                        --unstable-worker-options, which deno.json sets)
  --dir HOST[::GUEST]   give the program the directory HOST, named GUEST
                        (default: HOST); repeatable
  --env NAME[=VAL]      set an environment variable; a bare NAME passes on
                        the host's value; repeatable
  --invoke NAME         call the exported function NAME with ARGS (i32, i64
                        as decimals; f32, f64 as decimals, inf, nan; v128 as
                        an unsigned decimal or 0x hex) and print its results,
                        one per line, as wasmtime does
  --argv0 NAME          the program's argv[0] (default: FILE's base name)
  --net                 link the kernel-net module (sockets and epoll; Deno
                        must allow the addresses: --allow-net)
  --disable-cache       do not cache singlepass's compiled code
  -W KEY[=VAL,...]      wasm options:
       fuel=N                 trap "all fuel consumed" after N units of fuel
       timeout=DURATION       interrupt after 100ms, 2s, 1m (a bare number
                              is seconds)
       max-wasm-stack=N       at most N nested wasm calls (kwasm counts
                              calls, not bytes; default 100000)
       max-memory-size=BYTES  memory.grow beyond BYTES returns -1
       unknown-imports-trap   stand in a trapping function for each
                              function import nothing provides
  -S KEY[=VAL,...]      WASI options:
       inherit-env            pass the host's whole environment
       tcplisten=ADDR         a listening socket for sock_accept (fd 3 on),
                              HOST:PORT
  -h, --help            show this help
`;

/** The engine for `--backend` and the `-W` limits. */
async function selectEngine(opts: RunOptions): Promise<Engine> {
  // `cache` is singlepass's own option; other engines ignore it.
  const config: EngineConfig & { cache?: boolean } = {
    fuel: opts.fuel !== undefined,
    maxWasmStack: opts.maxWasmStack,
    maxMemoryBytes: opts.maxMemoryBytes,
    cache: opts.cache,
  };
  const engine = engineByName(opts.backend, config);
  if (engine === null) {
    const names = engineNames();
    const available = names.length > 0 ? `available: ${names.join(", ")}` : "no engine yet";
    throw new CliError(`backend '${opts.backend}' is not available (${available})`, EXIT_USAGE);
  }
  try {
    return await engine;
  } catch (e) {
    throw new CliError(`backend '${opts.backend}' failed to load: ${errorText(e)}`);
  }
}

/** The guest's environment: `-S inherit-env`, then each `--env`. */
function guestEnv(opts: RunOptions): Record<string, string> {
  try {
    const env = opts.inheritEnv ? Deno.env.toObject() : {};
    for (const { name, value } of opts.env) {
      const v = value ?? Deno.env.get(name);
      if (v !== undefined) env[name] = v;
    }
    return env;
  } catch (e) {
    throw new CliError(`cannot read the host's environment: ${osErrorReason(e)}`);
  }
}

/** Each `--dir` host path must be a readable directory. */
async function checkDirs(opts: RunOptions): Promise<void> {
  for (const spec of opts.dirs) {
    const host = spec.split("::")[0];
    let isDirectory: boolean;
    try {
      isDirectory = (await Deno.stat(host)).isDirectory;
    } catch (e) {
      throw new CliError(`--dir: cannot open '${host}': ${osErrorReason(e)}`);
    }
    if (!isDirectory) throw new CliError(`--dir: '${host}' is not a directory`);
  }
}

/** The `-S tcplisten` listeners, or one line on why one cannot listen. */
function tcpListeners(opts: RunOptions): Descriptor[] {
  const sockets: Descriptor[] = [];
  for (const addr of opts.tcpListen) {
    try {
      sockets.push(tcpListener(addr));
    } catch (e) {
      for (const s of sockets) s.close();
      if (e instanceof TypeError) throw new CliError(`run: -S tcplisten: ${e.message}`, EXIT_USAGE);
      throw new CliError(`-S tcplisten: cannot listen on ${addr}: ${osErrorReason(e)}`);
    }
  }
  return sockets;
}

/** The WASI host for the program, on `io`'s streams (and `--net` on the same fd table). */
function createHost(opts: RunOptions, io: Output): { wasi: WasiHost; net: NetHost | null } {
  const argv0 = opts.argv0 ?? opts.file.split(/[\\/]/).pop()!;
  const streams = guestStreams(io);
  const warn = (line: string) => io.err(`${line}\n`);
  const sockets = tcpListeners(opts);
  try {
    const wasi = createWasi({
      args: [argv0, ...opts.args], // with --invoke too, as wasmtime
      env: guestEnv(opts),
      dirs: opts.dirs,
      ...streams,
      sockets,
      asyncWrites: opts.net || sockets.length > 0,
      warn,
    });
    return { wasi, net: opts.net ? createNet(wasi, { warn }) : null };
  } catch (e) {
    for (const s of sockets) s.close();
    if (e instanceof CliError) throw e;
    throw new CliError(`${opts.file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Reads, validates and links nothing yet: the module, or one line on why not. */
async function load(file: string): Promise<{ module: Module; bytes: Uint8Array }> {
  try {
    const loaded = await loadModule(file);
    validateLoaded(file, loaded);
    return loaded;
  } catch (e) {
    throw new CliError(moduleFailure(file, e));
  }
}

/** The type of function `index` (imports first). */
function funcType(module: Module, index: number): FuncType {
  const imported = module.imports.filter((imp) => imp.desc.kind === "func");
  const typeIndex = index < imported.length
    ? (imported[index].desc as { type: number }).type
    : module.funcs[index - imported.length].type;
  return funcTypeAt(module, typeIndex)!;
}

/** The names of the exported functions, for error messages: `a, b` or `none`. */
function exportedFunctions(module: Module): string {
  const names = module.exports.filter((e) => e.kind === "func").map((e) => e.name);
  return names.length === 0 ? "none" : names.join(", ");
}

/** What to call: `--invoke`'s export with its arguments read, or `_start`. */
interface Entry {
  /** The export's name. */
  name: string;
  /** Its type. */
  type: FuncType;
  /** Arguments for `--invoke`; null for `_start`. */
  args: RawValue[] | null;
}

function findEntry(opts: RunOptions, module: Module): Entry {
  const name = opts.invoke ?? "_start";
  const exp = module.exports.find((e) => e.name === name && e.kind === "func");
  if (exp === undefined) {
    const why = opts.invoke === undefined
      ? 'no "_start" function (not a WASI command); call a function with --invoke NAME'
      : `no exported function '${name}'`;
    throw new CliError(`${opts.file}: ${why} (exported functions: ${exportedFunctions(module)})`);
  }
  const type = funcType(module, exp.index);
  if (opts.invoke === undefined) return { name, type, args: null };
  const params = type.params.map(valTypeName).join(", ");
  if (opts.args.length !== type.params.length) {
    throw new CliError(
      `run: '${name}' takes ${type.params.length} argument(s) (${params}), ` +
        `got ${opts.args.length}`,
      EXIT_USAGE,
    );
  }
  const args = type.params.map((t, i) => {
    const v = parseValue(t, opts.args[i]);
    if (v === null) {
      throw new CliError(
        `run: argument ${i + 1} of '${name}' is not a valid ${valTypeName(t)}: '${opts.args[i]}'`,
        EXIT_USAGE,
      );
    }
    return v;
  });
  return { name, type, args };
}

/** Whether `value` is a memory that WASI can bind to. */
function isMemory(value: unknown): boolean {
  return typeof value === "object" && value !== null && "buffer" in value;
}

/**
 * What WASI works on when the guest exports no memory: nothing, so calls
 * without pointers (`sched_yield`, `proc_exit`) work and the others get
 * `EFAULT`, as wasmtime does.
 */
const NO_MEMORY = { buffer: new ArrayBuffer(0) };

/** Runs the entry in the instance; resolves to the exit code. */
async function runEntry(
  instance: Instance,
  wasi: WasiHost,
  entry: Entry,
  io: Output,
): Promise<number> {
  const hasMemory = isMemory(instance.exports.memory);
  if (entry.args === null && hasMemory) return (await wasi.start(instance)) & 0xff;
  if (!hasMemory) wasi.bindMemory(NO_MEMORY);
  if (entry.args === null) {
    await instance.invoke("_start", []); // proc_exit throws ExitStatus: see guestFailure
    return EXIT_OK;
  }
  // As wasmtime: a reactor is initialized before the call.
  if (hasMemory) await wasi.initialize(instance);
  else if (typeof instance.exports._initialize === "function") {
    await instance.invoke("_initialize", []);
  }
  const results = await instance.invoke(entry.name, entry.args);
  io.out(results.map((r, i) => `${formatValue(entry.type.results[i], r)}\n`).join(""));
  return EXIT_OK;
}

/**
 * What a failure of the running guest means for the user: its exit code,
 * after reporting traps (with the backtrace) and link errors. Anything else
 * is a bug in kwasm and is rethrown.
 */
function guestFailure(file: string, e: unknown, io: Output): number {
  if (e instanceof ExitStatus) return e.code & 0xff;
  if (e instanceof WebAssembly.RuntimeError) {
    reportError(io, `${file}: ${e.message}`);
    const lines = backtraceLines(wasmFrames(e));
    if (lines.length > 0) io.err(lines.join("\n") + "\n");
    return EXIT_TRAP;
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    // The host engine's own stack ran out before the guard's bound.
    reportError(io, `${file}: call stack exhausted`);
    return EXIT_TRAP;
  }
  if (e instanceof WebAssembly.LinkError) {
    reportError(io, `${file}: cannot link: ${e.message}`);
    return EXIT_FAILURE;
  }
  if (e instanceof TypeError && e.message.startsWith("WASI: ")) {
    reportError(io, `${file}: ${e.message.slice("WASI: ".length)}`);
    return EXIT_FAILURE;
  }
  throw e;
}

/**
 * Ctrl-C or the `-W timeout` deadline while the guest is suspended on a host
 * Promise (waiting for stdin, say): the watchdog sets the interrupt flag,
 * but the guest polls it only once it runs again, which may be never. The
 * main thread's own SIGINT listener and deadline timer run only while the
 * guest is suspended (or done), so when the guest has not trapped shortly
 * after either, `promise` rejects with the trap and the command stops
 * waiting for the guest.
 */
function interruptWhileSuspended(
  timeoutMs: number | undefined,
): { promise: Promise<never>; dispose(): void } {
  let onSigint = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    onSigint = () => {
      timer ??= setTimeout(() => reject(new Trap("interrupted")), SUSPENDED_GRACE_MS);
    };
    if (timeoutMs !== undefined) deadline = setTimeout(onSigint, timeoutMs);
  });
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // No signal listeners here: a suspended guest then waits for its Promise.
  }
  return {
    promise,
    dispose() {
      clearTimeout(timer);
      clearTimeout(deadline);
      if (listening) Deno.removeSignalListener("SIGINT", onSigint);
    },
  };
}

/** How long a guest has to trap by itself after Ctrl-C before the command stops waiting. */
const SUSPENDED_GRACE_MS = 100;

/** `compile`, with the original bytes as singlepass's cache key (other engines ignore them). */
function compile(engine: Engine, file: string, module: Module, bytes: Uint8Array): CompiledModule {
  type CompileWithBytes = (module: Module, options: { bytes: Uint8Array }) => CompiledModule;
  try {
    return (engine.compile as CompileWithBytes).call(engine, module, { bytes });
  } catch (e) {
    throw new CliError(`${file}: cannot compile for ${engine.name}: ${errorText(e)}`);
  }
}

/**
 * Runs the entry under the user loader: in a permission-less Worker, WASI
 * (and `net` with `--net`) served from this process; same exit codes and
 * trap reports as the kernel loader.
 */
async function runInWorker(
  opts: RunOptions,
  bytes: Uint8Array,
  wasi: WasiHost,
  net: NetHost | null,
  entry: Entry,
  io: Output,
): Promise<number> {
  const config: EngineConfig = {
    fuel: opts.fuel !== undefined,
    maxWasmStack: opts.maxWasmStack,
    maxMemoryBytes: opts.maxMemoryBytes,
  };
  const guest = runUser(bytes, {
    backend: opts.backend,
    config,
    hosts: net === null ? [wasiUserHost(wasi)] : [wasiUserHost(wasi), netUserHost(net)],
    invoke: entry.args === null ? undefined : { name: entry.name, args: entry.args },
    initialize: entry.args !== null,
    fuel: opts.fuel,
    timeoutMs: opts.timeoutMs,
    interruptOnSigint: true,
    trapUnknown: opts.unknownImportsTrap,
  });
  let outcome;
  try {
    outcome = await guest.result;
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) {
      throw new CliError(`${opts.file}: cannot compile for ${opts.backend}: ${errorText(e)}`);
    }
    try {
      return guestFailure(opts.file, e, io);
    } catch {
      throw new CliError(`${opts.file}: ${errorText(e)}`);
    }
  }
  if (outcome.kind === "exit") return outcome.code & 0xff;
  const results = outcome.results;
  io.out(results.map((r, i) => `${formatValue(entry.type.results[i], r)}\n`).join(""));
  return EXIT_OK;
}

async function run(args: string[], io: Output): Promise<number> {
  const opts = parseRunCommandLine(args);
  if (opts.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const engine = await selectEngine(opts);
  const { module, bytes } = await load(opts.file);
  await checkDirs(opts);
  const { wasi, net } = createHost(opts, io);
  try {
    const provided = { ...wasi.imports, ...net?.imports } as unknown as Imports;
    const imports = linkImports(opts.file, module, provided, opts.unknownImportsTrap);
    const entry = findEntry(opts, module);
    if (opts.loader === "user") return await runInWorker(opts, bytes, wasi, net, entry, io);
    const compiled = compile(engine, opts.file, module, bytes);
    const kernel = { imports, fuel: opts.fuel, timeoutMs: opts.timeoutMs, interruptOnSigint: true };
    const sigint = interruptWhileSuspended(opts.timeoutMs);
    try {
      const guest = runKernel(compiled, kernel, (instance) => {
        if (net !== null && isMemory(instance.exports.memory)) {
          net.bindMemory(instance.exports.memory as WebAssembly.Memory);
        }
        return runEntry(instance, wasi, entry, io);
      });
      return await Promise.race([guest, sigint.promise]);
    } catch (e) {
      return guestFailure(opts.file, e, io);
    } finally {
      sigint.dispose();
    }
  } finally {
    wasi.close();
  }
}

/** The `run` subcommand. */
export const runCommand: Command = {
  name: "run",
  summary: "run a WebAssembly program (WASI preview1)",
  help: HELP,
  run,
};

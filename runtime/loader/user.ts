/**
 * The user loader: the guest runs in a Worker with Deno permissions
 * `"none"` — user space — and every host function is a syscall to this
 * isolate — the kernel — over a SharedArrayBuffer channel
 * (`user_channel.ts`). The kernel side runs the very same host modules as
 * the kernel loader (one WASI implementation, two ways to reach it) against
 * a per-guest *shadow memory*: the worker copies in the bytes the call reads
 * (`copy_from_user`), the call runs on the shadow, and the bytes it wrote go
 * back (`copy_to_user`). Which bytes those are comes from each host module's
 * effect table (`user_effects.ts`).
 *
 * ```text
 *   worker (permissions: none)                     kernel (this isolate)
 *   guest ─▶ stub: args, ranges in ─▶ channel ─▶ serve(): shadow ◀─ ranges
 *            Atomics.wait                         host function (maybe async)
 *   guest ◀─ ranges out, result  ◀── channel ◀─ Atomics.notify
 * ```
 *
 * A host function that returns a Promise blocks only its guest's worker;
 * this isolate keeps serving other guests. `kill()` terminates the worker at
 * once and closes what the guest held here. The timeout and Ctrl-C
 * interrupt as under the kernel loader — flag first, so the guest traps
 * "interrupted" in its worker with its wasm backtrace — and terminate the
 * worker when the guest has not trapped {@linkcode INTERRUPT_GRACE_MS}
 * later, or at once when it is blocked in a host call that returned a
 * Promise (it cannot see the flag there; the kernel loader gives up on such
 * a guest too, without frames).
 *
 * Needs Deno's `--unstable-worker-options` (set in `deno.json`).
 *
 * @module
 */

import type { EngineConfig, RawValue } from "../engine.ts";
import { Exhaustion, LinkError, Trap } from "../errors.ts";
import { attachBacktrace } from "../instance/backtrace.ts";
import { interrupt, InterruptCause } from "../watchdog.ts";
import { ExitStatus, type MemoryLike, type WasiHost } from "../../wasi/mod.ts";
import { Channel, H, State, Status } from "./user_channel.ts";
import { readRequest, ShadowMemory, writeResponse } from "./user_copy.ts";
import { type EffectTable, WASI_P0_EFFECTS, WASI_P1_EFFECTS } from "./user_effects.ts";
import type { DoneMessage, GuestError, StartMessage } from "./user_worker.ts";

/**
 * A host module as the user loader serves it: an import resolver whose
 * functions run in this isolate on a shadow of the guest's memory.
 */
export interface UserHost {
  /** Host functions by import module and name (only functions can be served). */
  readonly imports: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Memory effects by import module and name (missing: the function touches no memory). */
  readonly effects: Readonly<Record<string, EffectTable>>;
  /** Lengths the effects refer to by name (`Effect.lenOf`). */
  readonly sizes?: Readonly<Record<string, number>>;
  /**
   * When `out` ranges hold valid data: a result of 0 (WASI's errno) or any
   * result ≥ 0 (`net`'s convention). Default `"zero"`.
   */
  readonly success?: "zero" | "nonNegative";
  /** Points the host's pointers at the guest's shadow memory. */
  bindMemory(memory: MemoryLike): void;
  /** Releases what the guest held (descriptors, sockets); called once the guest is gone. */
  close?(): void;
}

/** WASI as a {@linkcode UserHost}: its imports, its effect table, its argv/env sizes. */
export function wasiUserHost(wasi: WasiHost): UserHost {
  // The argv/env buffers' sizes, asked of WASI itself on a scratch memory.
  const scratch = { buffer: new ArrayBuffer(16) };
  wasi.bindMemory(scratch);
  const p1 = wasi.imports.wasi_snapshot_preview1;
  const dv = new DataView(scratch.buffer);
  p1.args_sizes_get(0, 4);
  const [argc, argBytes] = [dv.getUint32(0, true), dv.getUint32(4, true)];
  p1.environ_sizes_get(8, 12);
  const [envc, envBytes] = [dv.getUint32(8, true), dv.getUint32(12, true)];
  return {
    imports: wasi.imports,
    effects: { wasi_snapshot_preview1: WASI_P1_EFFECTS, wasi_unstable: WASI_P0_EFFECTS },
    sizes: { argvPtrs: argc * 4, argvBytes: argBytes, envPtrs: envc * 4, envBytes: envBytes },
    bindMemory: (m) => wasi.bindMemory(m),
    close: () => wasi.close(),
  };
}

/** Options of {@linkcode runUser}. */
export interface UserOptions {
  /** Engine name (`engineByName`): `"singlepass"` (default) or `"interp"`. */
  backend?: string;
  /** Engine configuration (singlepass's cache is always off in the worker: it has no files). */
  config?: EngineConfig;
  /** Host modules, served from this isolate. */
  hosts?: readonly UserHost[];
  /** Export to call and its exact arguments. Default: `_start` (a WASI command). */
  invoke?: { name: string; args: RawValue[] };
  /** With `invoke`: call `_initialize` first when exported (a reactor). */
  initialize?: boolean;
  /** Initial fuel, for engines created with fuel metering. */
  fuel?: number;
  /**
   * Interrupt the guest this many milliseconds after it starts (once compiled in its worker):
   * it traps "interrupted", with its backtrace.
   */
  timeoutMs?: number;
  /** Interrupt the guest on Ctrl-C (SIGINT): it traps "interrupted", with its backtrace. */
  interruptOnSigint?: boolean;
  /** Function imports no host provides trap when called, instead of failing the link. */
  trapUnknown?: boolean;
}

/** How a guest ended. */
export type UserResult =
  | { kind: "exit"; code: number }
  | { kind: "return"; results: RawValue[] };

/** A guest running in its own Worker. */
export interface UserGuest {
  /**
   * Settles when the guest is done and what it held is released (its
   * sockets closed, its ports free): its exit code (`_start` returned: 0;
   * `proc_exit`: the code) or `invoke`'s results; rejects with its trap
   * (a `Trap`/`Exhaustion` with the wasm backtrace) or link/compile error.
   */
  readonly result: Promise<UserResult>;
  /** Ends the guest now (the worker is terminated); `result` rejects with `reason`. */
  kill(reason?: Error): void;
}

/**
 * How long the kernel side keeps polling for the guest's next syscall after
 * answering one, before it yields to the event loop (`Atomics.waitAsync`,
 * whose wake-up costs a task switch, tens of microseconds). A guest in a
 * syscall loop then finds the kernel side still looking; other guests and
 * timers wait at most this long. The adaptive spin of a futex.
 */
const SPIN_MS = 0.05;

/**
 * How long an interrupted guest has to trap by itself before its worker is
 * terminated. Guarded code and the interpreter see the flag within
 * microseconds, and the trap's message takes a few milliseconds to arrive,
 * so this is only ever waited out by a guest stuck where nothing polls
 * (a huge `memory.fill`, say) — and it keeps such a guest within the
 * timeout's bound (the deadline plus 100 ms, `tests/hostile/timeout_test.ts`).
 */
export const INTERRUPT_GRACE_MS = 50;

/** Polls `h`'s state until the next request (true) or SPIN_MS passed (false). */
function spinForRequest(h: Int32Array): boolean {
  const end = performance.now() + SPIN_MS;
  for (let i = 1;; i++) {
    const state = Atomics.load(h, H.STATE);
    if (state === State.request) return true;
    if (state === State.closed) return false;
    if ((i & 63) === 0 && performance.now() > end) return false;
  }
}

function rebuild(e: GuestError): Error {
  const make: Record<string, (m: string) => Error> = {
    Trap: (m) => new Trap(m),
    Exhaustion: (m) => new Exhaustion(m),
    RuntimeError: (m) => new WebAssembly.RuntimeError(m),
    LinkError: (m) => new LinkError(m),
    CompileError: (m) => new WebAssembly.CompileError(m),
    TypeError: (m) => new TypeError(m),
  };
  const err = (make[e.name] ?? ((m: string) => new Error(m)))(e.message);
  if (e.frames !== null) attachBacktrace(err, e.frames);
  else if (e.stackLines.length > 0) {
    err.stack = [`${err.name}: ${err.message}`, ...e.stackLines.map((l) => `    ${l}`)].join("\n");
  }
  return err;
}

/**
 * The options every user-loader worker is started with: a module worker
 * without any Deno permission (no files, network, environment, FFI,
 * subprocesses), whatever the host process was granted.
 */
export const USER_WORKER_OPTIONS: WorkerOptions = {
  type: "module",
  deno: { permissions: "none" },
} as WorkerOptions;

function startWorker(): Worker {
  try {
    return new Worker(new URL("./user_worker.ts", import.meta.url), USER_WORKER_OPTIONS);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`the user loader cannot start its worker: ${why}`);
  }
}

/**
 * Runs the module `bytes` in a new permission-less Worker, its host calls
 * served by `options.hosts` from this isolate. Many guests can run at once,
 * each with its own worker and hosts.
 *
 * @example
 * ```ts ignore
 * import { runUser, wasiUserHost } from "./user.ts";
 * import { createWasi } from "../../wasi/mod.ts";
 * const wasi = createWasi({ args: ["hello"] });
 * const guest = runUser(await Deno.readFile("hello.wasm"), { hosts: [wasiUserHost(wasi)] });
 * const r = await guest.result; // { kind: "exit", code: 0 }
 * ```
 */
export function runUser(bytes: Uint8Array, options: UserOptions = {}): UserGuest {
  const hosts = options.hosts ?? [];
  const functions: [string, string][] = [];
  const served: { fn: (...a: unknown[]) => unknown; host: UserHost }[] = [];
  const effects: Record<string, EffectTable> = {};
  const sizes: Record<string, number> = {};
  const shadow = new ShadowMemory();
  for (const host of hosts) {
    for (const [mod, fields] of Object.entries(host.imports)) {
      for (const [name, fn] of Object.entries(fields)) {
        if (typeof fn !== "function") continue;
        functions.push([mod, name]);
        served.push({ fn: fn as (...a: unknown[]) => unknown, host });
      }
    }
    Object.assign(effects, host.effects);
    Object.assign(sizes, host.sizes ?? {});
    host.bindMemory(shadow);
  }

  const ch = Channel.create();
  const worker = startWorker();
  let finished = false;
  let resolve!: (r: UserResult) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<UserResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The guest's interrupt flag, from the worker's `running` message. */
  let flag: Int32Array<SharedArrayBuffer> | null = null;
  let interrupted = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  /** The guest waits for a host call's Promise: it cannot poll its flag. */
  let blocked = false;
  const onSigint = () => interruptGuest(InterruptCause.sigint);

  /**
   * Interrupts the guest (once): sets its flag and leaves it the grace period
   * to trap with its backtrace; ends it at once when it cannot see the flag.
   */
  function interruptGuest(cause: number): void {
    if (finished || interrupted) return;
    interrupted = true;
    if (flag === null || blocked) return finish(new Trap("interrupted"));
    interrupt(flag, cause);
    grace = setTimeout(() => finish(new Trap("interrupted")), INTERRUPT_GRACE_MS);
  }

  /** Ends the guest (once): stop the worker and the server, release the hosts. */
  function finish(outcome: UserResult | Error): void {
    if (finished) return;
    finished = true;
    worker.terminate();
    Atomics.store(ch.i32, H.STATE, State.closed);
    Atomics.notify(ch.i32, H.STATE);
    clearTimeout(timer);
    clearTimeout(grace);
    if (options.interruptOnSigint) Deno.removeSignalListener("SIGINT", onSigint);
    let closeError: unknown = null;
    for (const host of hosts) {
      try {
        host.close?.();
      } catch (e) {
        closeError ??= e;
      }
    }
    // Settle one event-loop turn later: Deno frees a listener with an accept pending when that
    // accept is cancelled, on the next turn — so once `result` settles, the guest's ports are free.
    setTimeout(() => {
      if (outcome instanceof Error) reject(outcome);
      else if (closeError !== null) reject(closeError);
      else resolve(outcome);
    }, 0);
  }

  /** Handles the pending request. */
  async function handle(): Promise<void> {
    const h = ch.i32;
    const { fn, host } = served[h[H.CALL]];
    const args = readRequest(ch, shadow); // copy_from_user, into the shadow memory
    let value: unknown;
    try {
      value = fn(...args);
      if (value instanceof Promise) {
        blocked = true;
        if (interrupted) finish(new Trap("interrupted"));
        value = await value;
      }
    } catch (e) {
      if (finished) return;
      if (!(e instanceof ExitStatus)) return finish(e instanceof Error ? e : new Error(String(e)));
      h[H.STATUS] = Status.exit;
      ch.f64[0] = e.code;
      Atomics.store(h, H.STATE, State.response);
      Atomics.notify(h, H.STATE);
      return;
    } finally {
      blocked = false;
    }
    if (finished) return;
    const ok = host.success === "nonNegative"
      ? Number(value) >= 0
      : value === 0 || value === undefined;
    writeResponse(ch, shadow, value, ok); // copy_to_user, from the shadow memory
    Atomics.store(h, H.STATE, State.response);
    Atomics.notify(h, H.STATE);
  }

  /** The kernel side's loop: wait (asynchronously) for requests, serve them, until closed. */
  async function serve(): Promise<void> {
    const h = ch.i32;
    while (!finished) {
      const state = Atomics.load(h, H.STATE);
      if (state === State.request) {
        await handle();
        continue;
      }
      if (state === State.closed) return;
      if (spinForRequest(h)) continue;
      const wait = Atomics.waitAsync(h, H.STATE, state);
      if (wait.async) await wait.value;
    }
  }

  worker.onmessage = (e: MessageEvent<DoneMessage>) => {
    const done = e.data;
    if (done.kind === "running") {
      flag = done.interrupt;
      if (options.timeoutMs !== undefined && !finished) {
        timer = setTimeout(() => interruptGuest(InterruptCause.timeout), options.timeoutMs);
      }
    } else if (done.kind === "error") finish(rebuild(done.error));
    else finish(done);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    finish(new Error(`the user loader's worker failed: ${e.message}`));
  };
  if (options.interruptOnSigint) Deno.addSignalListener("SIGINT", onSigint);
  const start: StartMessage = {
    bytes,
    backend: options.backend ?? "singlepass",
    config: options.config ?? {},
    channel: ch.sab,
    functions,
    effects,
    sizes,
    entry: options.invoke ?? { name: "_start", args: null },
    initialize: options.initialize ?? false,
    fuel: options.fuel,
    trapUnknown: options.trapUnknown ?? false,
    interruptible: options.timeoutMs !== undefined || options.interruptOnSigint === true,
  };
  worker.postMessage(start);
  serve().catch((e) => finish(e instanceof Error ? e : new Error(String(e))));
  return { result, kill: (reason = new Trap("killed")) => finish(reason) };
}

/**
 * The user loader's worker: user space. Started with Deno permissions
 * `"none"`, it compiles and instantiates the guest with the chosen engine,
 * and gives it, for every host function, a stub that makes a syscall over
 * the channel (`user_channel.ts`): arguments marshalled, the memory ranges
 * the call reads copied in, `Atomics.wait` until the kernel side answers,
 * the ranges it wrote copied back. The stubs are synchronous, so the guest
 * never suspends: a blocking host call blocks this thread only.
 *
 * Messages: the kernel posts one {@linkcode StartMessage}; the worker posts
 * `running` (with the guest's interrupt flag) once compiled, then one
 * {@linkcode DoneMessage} when the guest is done.
 *
 * Interrupts (`-W timeout`, Ctrl-C) are the kernel loader's: the guest polls
 * an interrupt flag made here (singlepass needs the flag's memory from this
 * isolate) and shared with the kernel side, which sets it; the guest then
 * traps "interrupted" here, where its wasm frames are, and the trap goes back
 * like any other.
 *
 * @module
 */

import { decode } from "../binary/decode.ts";
import { validate } from "../validate/mod.ts";
import { engineByName } from "../engines.ts";
import type { EngineConfig, Imports, RawValue } from "../engine.ts";
import { Trap } from "../errors.ts";
import { backtraceOf, type WasmFrame } from "../instance/backtrace.ts";
import { createInterruptFlag } from "../watchdog.ts";
import { ExitStatus } from "../../wasi/errors.ts";
import { Channel, H, MAX_ARGS, State, Status } from "./user_channel.ts";
import { readResponse, writeRequest } from "./user_copy.ts";
import { effectRanges, type EffectTable, RangeList } from "./user_effects.ts";

/** The kernel side's one message: what to run and the host functions it serves. */
export interface StartMessage {
  /** The module's bytes. */
  bytes: Uint8Array;
  /** Engine name (`engineByName`). */
  backend: string;
  /** Engine configuration. */
  config: EngineConfig;
  /** The syscall channel. */
  channel: SharedArrayBuffer;
  /** Host functions served by the kernel side, by call index: [module, name]. */
  functions: [string, string][];
  /** Memory effects by module and import name. */
  effects: Record<string, EffectTable>;
  /** Per-guest lengths effects refer to (`Effect.lenOf`). */
  sizes: Record<string, number>;
  /** The export to call, and its exact arguments; null args: a command's `_start`. */
  entry: { name: string; args: RawValue[] | null };
  /** Call `_initialize` first when exported (a reactor under `--invoke`). */
  initialize: boolean;
  /** Initial fuel. */
  fuel?: number;
  /** Function imports nobody provides trap when called (else the link fails). */
  trapUnknown: boolean;
  /** Give the guest an interrupt flag, sent back with `running`, for the kernel side to set. */
  interruptible: boolean;
}

/** A guest failure, as it crosses the thread boundary. */
export interface GuestError {
  /** The error's class: `Trap`, `Exhaustion`, `RuntimeError`, `LinkError`, `CompileError`, … */
  name: string;
  /** Its message. */
  message: string;
  /** The attached wasm backtrace, when there is one. */
  frames: readonly WasmFrame[] | null;
  /** `at … (func N) offset 0x…` lines of its stack otherwise. */
  stackLines: string[];
}

/**
 * The worker's messages: `running` once compiled (with the guest's interrupt
 * flag when the start message asked for one), then one answer.
 */
export type DoneMessage =
  | { kind: "running"; interrupt: Int32Array<SharedArrayBuffer> | null }
  | { kind: "exit"; code: number }
  | { kind: "return"; results: RawValue[] }
  | { kind: "error"; error: GuestError };

const EMPTY = new ArrayBuffer(0);

/** Polls of the channel before the worker sleeps in `Atomics.wait` (a few microseconds). */
const SPINS = 2000;

const FRAME_LINE = /^\s*(at .*\(func \d+\) offset 0x[0-9a-f]+)\s*$/;

function describe(e: unknown): GuestError {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { name: "Exhaustion", message: "call stack exhausted", frames: null, stackLines: [] };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const stackLines = (err.stack ?? "").split("\n").flatMap((l) => FRAME_LINE.exec(l)?.[1] ?? []);
  return { name: err.name, message: err.message, frames: backtraceOf(err) ?? null, stackLines };
}

/**
 * Stops the guest: the kernel side closed the channel (`kill()`, a timeout).
 * `worker.terminate()` alone did not stop a worker woken from `Atomics.wait`
 * by that close (Deno 2.9): the guest carried on with a stale answer and
 * parked in its next call forever, keeping the process alive.
 */
function killed(): never {
  throw new Trap("killed");
}

/** Worker side of the syscalls: one per guest. */
class Syscalls {
  readonly #ch: Channel;
  readonly #msg: StartMessage;
  readonly #ranges = new RangeList();
  /** Views of the guest's memory, re-taken when its buffer changes (growth). */
  #buffer: ArrayBufferLike = EMPTY;
  #mem: Uint8Array = new Uint8Array(EMPTY);
  #dv: DataView = new DataView(EMPTY);
  /** The guest's memory, once the instance exists. */
  memory: WebAssembly.Memory | null = null;
  /** The guest's interrupt flag (a clear one when it has none). */
  readonly #interrupt: Int32Array;

  constructor(msg: StartMessage, interrupt: Int32Array | null) {
    this.#ch = new Channel(msg.channel);
    this.#msg = msg;
    this.#interrupt = interrupt ?? new Int32Array(1);
  }

  /** The stub for call `index`. */
  stub(index: number, module: string, name: string): (...args: (number | bigint)[]) => unknown {
    const effects = this.#msg.effects[module]?.[name] ?? [];
    const stub = (...args: (number | bigint)[]) => this.#call(index, effects, args);
    Object.defineProperty(stub, "name", { value: name });
    return stub;
  }

  #call(index: number, effects: EffectTable[string], args: (number | bigint)[]): unknown {
    const ch = this.#ch;
    // Interrupted: trap here, with the frames, rather than make a call that may block (the
    // kernel side would then terminate this worker, and the frames would be lost).
    if (Atomics.load(this.#interrupt, 0) !== 0) throw new Trap("interrupted");
    if (args.length > MAX_ARGS) throw new Trap(`host call with more than ${MAX_ARGS} arguments`);
    // As under the kernel loader: a call that touches memory from the start function, before
    // the instance (and so its exported memory) exists, traps.
    if (this.memory === null && effects.length > 0) {
      throw new Trap("host call before the guest's memory was bound (from the start function?)");
    }
    const buffer = this.memory?.buffer ?? EMPTY;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#mem = new Uint8Array(buffer);
      this.#dv = new DataView(buffer);
    }
    const mem = this.#mem;
    const ranges = this.#ranges;
    ranges.clear();
    effectRanges(effects, args, this.#msg.sizes, this.#dv, ranges);
    writeRequest(ch, index, args, ranges, mem); // copy_from_user
    const h = ch.i32;
    // Never overwrite `closed`: the guest was killed, and a request now would wait forever.
    if (Atomics.compareExchange(h, H.STATE, State.idle, State.request) !== State.idle) killed();
    Atomics.notify(h, H.STATE);
    // Spin a little first: a quick call is answered before a futex sleep and wake-up would be.
    for (let i = 0; i < SPINS && Atomics.load(h, H.STATE) === State.request; i++);
    while (Atomics.load(h, H.STATE) === State.request) Atomics.wait(h, H.STATE, State.request);
    if (Atomics.load(h, H.STATE) === State.closed) killed();
    if (h[H.STATUS] === Status.exit) {
      Atomics.store(h, H.STATE, State.idle);
      throw new ExitStatus(ch.f64[0]);
    }
    const result = readResponse(ch, mem); // copy_to_user
    Atomics.store(h, H.STATE, State.idle);
    return result;
  }
}

function imports(msg: StartMessage, calls: Syscalls, module: ReturnType<typeof decode>): Imports {
  const out: Imports = {};
  msg.functions.forEach(([mod, name], i) => {
    (out[mod] ??= {})[name] = calls.stub(i, mod, name);
  });
  if (msg.trapUnknown) {
    for (const imp of module.imports) {
      if (imp.desc.kind !== "func" || out[imp.module]?.[imp.name] !== undefined) continue;
      const what = `${imp.module}.${imp.name}`;
      (out[imp.module] ??= {})[imp.name] = () => {
        throw new Trap(`unknown import ${what} called`);
      };
    }
  }
  return out;
}

/** The worker's global scope (Deno's types describe a window). */
const scope = self as unknown as {
  onmessage: (e: MessageEvent<StartMessage>) => void;
  postMessage(message: DoneMessage): void;
};

async function run(msg: StartMessage): Promise<DoneMessage> {
  // No files here: singlepass's cache (its own option) stays off.
  const config: EngineConfig & { cache?: boolean } = { ...msg.config, cache: false };
  const engine = await engineByName(msg.backend, config);
  if (engine === null) throw new Error(`backend '${msg.backend}' is not available`);
  const module = decode(msg.bytes);
  validate(module);
  const interrupt = msg.interruptible ? createInterruptFlag() : null;
  const calls = new Syscalls(msg, interrupt);
  // The guest starts now (its start function may run in instantiate): the timeout counts from here.
  scope.postMessage({ kind: "running", interrupt });
  const instance = await engine.compile(module).instantiate(imports(msg, calls, module), {
    fuel: msg.fuel,
    interrupt: interrupt ?? undefined,
  });
  const memory = instance.exports.memory;
  if (memory instanceof WebAssembly.Memory) calls.memory = memory;
  try {
    if (msg.initialize && typeof instance.exports._initialize === "function") {
      await instance.invoke("_initialize", []);
    }
    const results = await instance.invoke(msg.entry.name, msg.entry.args ?? []);
    if (msg.entry.args === null) return { kind: "exit", code: 0 };
    // References cannot cross threads: a function result arrives as null.
    const cloneable = (v: RawValue) => typeof v === "function" ? null : v;
    return { kind: "return", results: results.map(cloneable) };
  } catch (e) {
    if (e instanceof ExitStatus) return { kind: "exit", code: e.code };
    throw e;
  }
}

scope.onmessage = async (e) => {
  let done: DoneMessage;
  try {
    done = await run(e.data);
  } catch (err) {
    done = { kind: "error", error: describe(err) };
  }
  scope.postMessage(done);
};

/**
 * Interrupting a running guest: an interrupt flag, and a watchdog that sets
 * it on a timeout or on Ctrl-C.
 *
 * The flag is an `Int32Array` whose element 0 guests poll (the interpreter in
 * its loop, singlepass code at function entries and loop headers); non-zero
 * means "stop now", and the guest traps with `"interrupted"`. Set it to a
 * *negative* value, as {@linkcode interrupt} and the watchdog do: singlepass
 * folds the flag into its call-depth test at function entries
 * (`(depth | flag) >u max`, one compare for both), which sees negative
 * values; loop headers see any non-zero value. It lives in a
 * SharedArrayBuffer so that another thread can set it while the main thread
 * is busy in wasm: the watchdog is a Worker, whose timers and signal
 * listeners keep firing while the main thread spins.
 *
 * Flags come from {@linkcode createInterruptFlag}: its buffer belongs to a
 * shared `WebAssembly.Memory`, which singlepass code imports to read the flag
 * with one load (a `WebAssembly.Memory` cannot be made over an existing
 * SharedArrayBuffer, so the memory has to come first).
 *
 * @module
 */

/**
 * Values of a set flag, by cause: the sign bit (so singlepass sees them at
 * function entries too) and a small code.
 */
export const InterruptCause = {
  /** {@linkcode interrupt} called by the host. */
  host: -0x8000_0000 | 1,
  /** A watchdog's deadline passed. */
  timeout: -0x8000_0000 | 2,
  /** A watchdog saw SIGINT (Ctrl-C). */
  sigint: -0x8000_0000 | 3,
} as const;

const memories = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/**
 * A new interrupt flag, cleared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInterruptFlag, interrupt } from "./watchdog.ts";
 * const flag = createInterruptFlag();
 * interrupt(flag);
 * assert.ok(flag[0] < 0);
 * ```
 */
export function createInterruptFlag(): Int32Array<SharedArrayBuffer> {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const flag = new Int32Array(memory.buffer as SharedArrayBuffer, 0, 1);
  memories.set(memory.buffer, memory);
  return flag;
}

/** The shared memory behind a flag made by {@linkcode createInterruptFlag}, else undefined. */
export function interruptMemory(flag: Int32Array): WebAssembly.Memory | undefined {
  return flag.byteOffset === 0 ? memories.get(flag.buffer) : undefined;
}

/** Sets the flag (from any thread), to `cause` ({@linkcode InterruptCause}, negative). */
export function interrupt(flag: Int32Array, cause: number = InterruptCause.host): void {
  Atomics.store(flag, 0, cause);
}

/** Clears the flag. */
export function clearInterrupt(flag: Int32Array): void {
  Atomics.store(flag, 0, 0);
}

/** Options of {@linkcode startWatchdog}. */
export interface WatchdogOptions {
  /** Set the flag this many milliseconds after the start. */
  timeoutMs?: number;
  /** Set the flag on SIGINT (Ctrl-C) instead of letting it end the process. */
  sigint?: boolean;
  /** The flag to set (default: a new one). */
  flag?: Int32Array<SharedArrayBuffer>;
}

/** A running watchdog: a Worker that sets {@linkcode Watchdog.flag} when due. */
export interface Watchdog {
  /** The interrupt flag to hand to instances. */
  readonly flag: Int32Array<SharedArrayBuffer>;
  /** Why the flag was set ({@linkcode InterruptCause}), or 0 while it is clear. */
  readonly cause: number;
  /** Resolves once the worker is listening (its timer runs from the start anyway). */
  readonly ready: Promise<void>;
  /** Stops the worker; the flag keeps its value. */
  stop(): void;
}

// The worker's whole program. It runs its own event loop, so its timer and
// signal listener fire while the main thread is busy in wasm.
const WORKER_SOURCE = `
self.onmessage = (e) => {
  const { flag, deadline, sigint } = e.data;
  const set = (cause) => {
    if (Atomics.compareExchange(flag, 0, 0, cause) === 0) self.postMessage(cause);
  };
  if (deadline !== null) setTimeout(() => set(${InterruptCause.timeout}), Math.max(0, deadline - Date.now()));
  if (sigint) Deno.addSignalListener("SIGINT", () => set(${InterruptCause.sigint}));
  self.postMessage(0);
};
`;

/**
 * Starts a watchdog Worker that sets an interrupt flag after `timeoutMs`
 * and/or on SIGINT. Stop it when the guest is done, or the Worker keeps the
 * process alive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startWatchdog } from "./watchdog.ts";
 * const dog = startWatchdog({ timeoutMs: 10 });
 * await new Promise((r) => setTimeout(r, 200));
 * assert.ok(dog.flag[0] !== 0);
 * dog.stop();
 * ```
 */
export function startWatchdog(options: WatchdogOptions = {}): Watchdog {
  const flag = options.flag ?? createInterruptFlag();
  const deadline = options.timeoutMs === undefined ? null : Date.now() + options.timeoutMs;
  const url = `data:application/javascript,${encodeURIComponent(WORKER_SOURCE)}`;
  const worker = new Worker(url, { type: "module" });
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => resolveReady = r);
  worker.onmessage = (e) => {
    if (e.data === 0) resolveReady();
  };
  worker.postMessage({ flag, deadline, sigint: options.sigint ?? false });
  return {
    flag,
    get cause() {
      return Atomics.load(flag, 0);
    },
    ready,
    stop() {
      worker.terminate();
      resolveReady();
    },
  };
}

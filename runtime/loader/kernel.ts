/**
 * The kernel loader: the guest runs in the host's own isolate, like
 * kernel-wasm's modules in the kernel. Host functions are direct calls on
 * the guest's memory (no copies; they re-take their views when the memory
 * has grown, see `wasi/memory.ts`), and an async host function suspends the
 * guest (JSPI on singlepass, the interpreter's own frames on interp) while
 * the event loop keeps serving timers and sockets.
 *
 * What the loader adds to `engine.compile(…).instantiate(…)` is the
 * interrupt machinery: a watchdog Worker that sets the instance's interrupt
 * flag at the deadline (`-W timeout=…`) or on Ctrl-C, for the whole life of
 * the guest, stopped when the guest is done.
 *
 * ```text
 *   runKernel(compiled, { timeoutMs, interruptOnSigint, fuel, imports }, (instance) => …)
 *     watchdog ──flag──▶ instantiate(imports, { interrupt, fuel }) ──▶ body(instance) ──▶ stop
 * ```
 *
 * @module
 */

import type { CompiledModule, Imports, Instance } from "../engine.ts";
import { startWatchdog, type Watchdog } from "../watchdog.ts";

/** Options of {@linkcode runKernel}. */
export interface KernelOptions {
  /** The import object (host modules resolved): `{ module: { name: value } }`. */
  imports?: Imports;
  /** Initial fuel, for engines created with fuel metering. */
  fuel?: number;
  /** Interrupt the guest this many milliseconds after the start (`-W timeout`). */
  timeoutMs?: number;
  /** Interrupt the guest on Ctrl-C (SIGINT) instead of letting the signal end the process. */
  interruptOnSigint?: boolean;
}

/**
 * Instantiates `compiled` in this isolate and runs `body` with the instance
 * under a watchdog; the watchdog stops when `body` settles. A guest stopped
 * by the watchdog traps with `"interrupted"` (a `Trap`), which `body`'s
 * Promise rejects with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runKernel } from "./kernel.ts";
 * import { singlepass } from "../singlepass/mod.ts";
 * import { parseWat } from "../text/mod.ts";
 *
 * const compiled = singlepass({ cache: false }).compile(
 *   parseWat(`(module (func (export "spin") (loop $l (br $l))))`),
 * );
 * const result = await runKernel(compiled, { timeoutMs: 50 }, (i) => i.invoke("spin", []))
 *   .catch((e) => e.message);
 * assert.equal(result, "interrupted");
 * ```
 */
export async function runKernel<T>(
  compiled: CompiledModule,
  options: KernelOptions,
  body: (instance: Instance) => T | Promise<T>,
): Promise<T> {
  let dog: Watchdog | null = null;
  if (options.timeoutMs !== undefined || options.interruptOnSigint) {
    dog = startWatchdog({ timeoutMs: options.timeoutMs, sigint: options.interruptOnSigint });
  }
  try {
    // The signal listener must be in place before the guest can keep this thread busy.
    if (dog && options.interruptOnSigint) await dog.ready;
    const instance = await compiled.instantiate(options.imports ?? {}, {
      fuel: options.fuel,
      interrupt: dog?.flag,
    });
    return await body(instance);
  } finally {
    dog?.stop();
  }
}

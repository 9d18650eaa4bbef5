/**
 * `proc_exit`, `proc_raise`, `sched_yield`.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { ExitStatus, WasiError } from "../errors.ts";
import { Signal } from "../abi/constants.ts";
import type { WasiContext } from "../context.ts";

/**
 * `proc_exit(rval)`: ends the guest with exit code `rval`. Never returns: it
 * throws {@linkcode ExitStatus}, which unwinds the guest's frames and which
 * the loader turns into the process's exit code.
 */
export function procExit(_ctx: WasiContext, rval: number): never {
  // As a signed i32, like wasmtime's `I32Exit`: the process's status is its low 8 bits.
  throw new ExitStatus(rval | 0);
}

/** Signals whose default action is to do nothing (or to stop, which a guest cannot). */
const HARMLESS: ReadonlySet<number> = new Set([
  Signal.CHLD,
  Signal.CONT,
  Signal.URG,
  Signal.WINCH,
  Signal.STOP,
  Signal.TSTP,
  Signal.TTIN,
  Signal.TTOU,
]);

/**
 * Linux's number for a WASI signal: the same up to SIGTERM (15); above, the
 * witx list has no SIGSTKFLT (Linux 16), so Linux's number is one higher.
 */
export function linuxSignal(signal: number): number {
  return signal <= Signal.TERM ? signal : signal + 1;
}

/**
 * `proc_raise(sig)`: sends a signal to the guest itself. There are no signal
 * handlers in WASI, so the default action applies: a terminating signal ends
 * the guest with exit code 128 + the Linux signal number (what a shell
 * reports for a process killed by it); the others are ignored. (wasmtime
 * traps instead; an exit code keeps the outcome readable.)
 *
 * Result (Errno): `SUCCESS` for an ignored signal; `INVAL` for signal 0 or an
 * unknown signal; otherwise does not return.
 */
export function procRaise(_ctx: WasiContext, sig: number): number {
  if (sig <= Signal.NONE || sig > Signal.SYS) throw new WasiError(Errno.INVAL);
  if (HARMLESS.has(sig)) return Errno.SUCCESS;
  const name = Object.entries(Signal).find(([, v]) => v === sig)![0];
  throw new ExitStatus(128 + linuxSignal(sig), `terminated by signal SIG${name}`);
}

/**
 * `sched_yield()`: gives up the CPU. A guest runs alone on its thread, so
 * this returns at once.
 *
 * Result (Errno): `SUCCESS`.
 */
export function schedYield(_ctx: WasiContext): number {
  return Errno.SUCCESS;
}

/**
 * `clock_res_get`, `clock_time_get`, and the clocks `poll_oneoff` waits on.
 *
 * Times are computed as doubles of nanoseconds (no bigint on the hot path):
 * exact for the monotonic clock (time since the isolate started), and within
 * 256 ns for wall-clock time, which is below the 1 µs resolution reported.
 *
 * @module
 */

import process from "node:process";
import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Clockid } from "../abi/constants.ts";
import type { WasiContext } from "../context.ts";

/** Resolution reported for every clock, in ns. */
export const CLOCK_RESOLUTION_NS = 1000;

/** Nanoseconds on clock `id` (a `Clockid`); `EINVAL` for an unknown clock. */
export function clockNow(id: number): number {
  switch (id) {
    case Clockid.REALTIME:
      return Math.round((performance.timeOrigin + performance.now()) * 1e6);
    case Clockid.MONOTONIC:
      return Math.round(performance.now() * 1e6);
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID: {
      const u = process.cpuUsage();
      return (u.user + u.system) * 1000;
    }
    default:
      throw new WasiError(Errno.INVAL);
  }
}

/**
 * `clock_res_get(id, resolution_ptr)`: the clock's resolution in ns.
 *
 * Result (Errno): `SUCCESS`; `INVAL` for an unknown clock; `FAULT`.
 */
export function clockResGet(ctx: WasiContext, id: number, resolutionPtr: number): number {
  clockNow(id);
  ctx.mem.setU64n(resolutionPtr, CLOCK_RESOLUTION_NS);
  return Errno.SUCCESS;
}

/**
 * `clock_time_get(id, precision, time_ptr)`: the clock's current time in ns
 * (`precision` is a hint and is ignored).
 *
 * Result (Errno): `SUCCESS`; `INVAL` for an unknown clock; `FAULT`.
 */
export function clockTimeGet(
  ctx: WasiContext,
  id: number,
  _precision: bigint,
  timePtr: number,
): number {
  ctx.mem.setU64n(timePtr, clockNow(id));
  return Errno.SUCCESS;
}

/**
 * The harness of the copy tests (user_copy_test.ts for WASI, user_net_test.ts
 * for `net`): a call sent through the user loader's copies — request, a
 * poisoned shadow memory, response — exactly as the worker and the kernel
 * side do it, and the comparison with the same call made directly on guest
 * memory (the kernel loader).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { UserHost } from "./user.ts";
import type { Channel } from "./user_channel.ts";
import {
  readRequest,
  readResponse,
  ShadowMemory,
  writeRequest,
  writeResponse,
} from "./user_copy.ts";
import { type Effect, effectRanges, RangeList } from "./user_effects.ts";

/** Guest memory of the copy tests: one page. */
export const PAGE = 65536;

/** Shadow memory outside the copied ranges: a byte no call writes by chance. */
const POISON = 0x5c;

/** A small deterministic PRNG (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** A call on its way through the copies: the host makes it with `args`, then `respond`s. */
export interface CopiedCall {
  /** The arguments as the kernel side reads them from the request. */
  readonly args: (number | bigint)[];
  /**
   * Copies the call's `value` back, and the ranges it wrote (`ok`: it succeeded), into guest
   * memory; returns the result the guest sees.
   */
  respond(value: unknown, ok: boolean): number | bigint;
}

/**
 * Sends a call with `args` of an import with `effects` from guest `memory` over `ch` to `host`,
 * whose memory is then a fresh shadow of `memory`'s size filled with poison except for the ranges
 * copied in — so a missing or wrong range in the effect table shows up as a poison byte or a
 * different errno.
 */
export function copyCall(
  ch: Channel,
  host: UserHost,
  effects: readonly Effect[],
  args: ArrayLike<number | bigint>,
  memory: Uint8Array,
): CopiedCall {
  const shadow = new ShadowMemory();
  host.bindMemory(shadow);
  const ranges = new RangeList();
  effectRanges(effects, args, host.sizes ?? {}, new DataView(memory.buffer), ranges);
  writeRequest(ch, 0, args, ranges, memory);
  shadow.resize(memory.length);
  shadow.u8.fill(POISON);
  return {
    args: readRequest(ch, shadow),
    respond(value, ok) {
      writeResponse(ch, shadow, value, ok);
      return readResponse(ch, memory);
    },
  };
}

/**
 * Asserts that call `what` gave the same result directly (`resA`, memory `memA`) and through
 * the copies (`resB`, memory `memB`), and left memory the same.
 */
export function assertSameCall(
  what: string,
  resA: unknown,
  memA: Uint8Array,
  resB: unknown,
  memB: Uint8Array,
): void {
  assert.equal(resB, resA, what);
  const diff = memA.findIndex((x, i) => x !== memB[i]);
  assert.equal(diff, -1, `${what}: memory differs at ${diff}`);
}

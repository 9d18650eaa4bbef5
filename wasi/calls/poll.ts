/**
 * `poll_oneoff`: waits for clock deadlines and descriptor readiness.
 *
 * Readiness is asked of each descriptor without side effects
 * (`readable()`/`writable()`: bytes available, or -1). When nothing is
 * ready the call returns a Promise that waits — on a timer for the nearest
 * deadline and on each descriptor's `waitReadable()`/`waitWritable()` — and
 * then looks again, so the guest is suspended while the event loop runs.
 * Every subscription ready at that moment gets an event, not only the first.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { Eventrwflags, Eventtype, Subclockflags } from "../abi/constants.ts";
import { EVENT, SUBSCRIPTION, type SubscriptionLayout } from "../abi/layout.ts";
import { Rights } from "../abi/rights.ts";
import type { CallResult, WasiContext } from "../context.ts";
import type { Descriptor } from "../fd/descriptor.ts";
import { clockNow } from "./clock.ts";

interface Sub {
  userdata: bigint;
  type: number;
  /** Clock subscriptions: the clock and the deadline on it, in ns. */
  clock: number;
  deadline: number;
  /** fd subscriptions: the descriptor (null when the fd is bad: `error` is set). */
  desc: Descriptor | null;
  /** An errno to report at once (bad fd, unknown clock), or 0. */
  error: number;
}

interface Ready {
  sub: Sub;
  nbytes: number;
  flags: number;
}

function parse(ctx: WasiContext, inPtr: number, n: number, layout: SubscriptionLayout): Sub[] {
  const { mem } = ctx;
  const base = mem.check(inPtr, n * layout.SIZE);
  const subs: Sub[] = [];
  for (let i = 0; i < n; i++) {
    const p = base + i * layout.SIZE;
    const sub: Sub = {
      userdata: mem.u64(p + layout.USERDATA),
      type: mem.u8At(p + layout.TAG),
      clock: 0,
      deadline: 0,
      desc: null,
      error: 0,
    };
    if (sub.type === Eventtype.CLOCK) {
      sub.clock = mem.u32(p + layout.CLOCK_ID);
      const timeout = Number(mem.u64(p + layout.CLOCK_TIMEOUT));
      const abs =
        (mem.u16(p + layout.CLOCK_FLAGS) & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
      try {
        sub.deadline = abs ? timeout : clockNow(sub.clock) + timeout;
      } catch {
        sub.error = Errno.INVAL;
      }
    } else if (sub.type === Eventtype.FD_READ || sub.type === Eventtype.FD_WRITE) {
      const d = ctx.fds.get(mem.u32(p + layout.FD));
      if (d === undefined) sub.error = Errno.BADF;
      else if ((d.rightsBase & Rights.POLL_FD_READWRITE) === 0) sub.error = Errno.NOTCAPABLE;
      else sub.desc = d;
    } else {
      throw new WasiError(Errno.INVAL);
    }
    subs.push(sub);
  }
  return subs;
}

function ready(subs: Sub[]): Ready[] {
  const out: Ready[] = [];
  for (const sub of subs) {
    if (sub.error !== 0) {
      out.push({ sub, nbytes: 0, flags: 0 });
    } else if (sub.type === Eventtype.CLOCK) {
      if (clockNow(sub.clock) >= sub.deadline) out.push({ sub, nbytes: 0, flags: 0 });
    } else {
      const d = sub.desc!;
      const n = sub.type === Eventtype.FD_READ ? d.readable() : d.writable();
      if (n >= 0) {
        out.push({ sub, nbytes: n, flags: d.hangup() ? Eventrwflags.FD_READWRITE_HANGUP : 0 });
      }
    }
  }
  return out;
}

function writeEvents(ctx: WasiContext, outPtr: number, neventsPtr: number, events: Ready[]) {
  const { mem } = ctx;
  const base = mem.check(outPtr, events.length * EVENT.SIZE);
  mem.check(neventsPtr, 4);
  for (let i = 0; i < events.length; i++) {
    const { sub, nbytes, flags } = events[i];
    const p = base + i * EVENT.SIZE;
    mem.u8.fill(0, p, p + EVENT.SIZE);
    mem.setU64(p + EVENT.USERDATA, sub.userdata);
    mem.setU16(p + EVENT.ERROR, sub.error);
    mem.setU8(p + EVENT.TYPE, sub.type);
    mem.setU64n(p + EVENT.NBYTES, nbytes);
    mem.setU16(p + EVENT.FLAGS, flags);
  }
  mem.setU32(neventsPtr, events.length);
}

/** `poll_oneoff` for either snapshot's subscription layout. */
export function pollWith(
  ctx: WasiContext,
  inPtr: number,
  outPtr: number,
  nsubscriptions: number,
  neventsPtr: number,
  layout: SubscriptionLayout,
): CallResult {
  const n = nsubscriptions >>> 0;
  if (n === 0) throw new WasiError(Errno.INVAL);
  ctx.mem.check(outPtr, n * EVENT.SIZE);
  ctx.mem.check(neventsPtr, 4);
  const subs = parse(ctx, inPtr, n, layout);
  const now = ready(subs);
  if (now.length > 0) {
    writeEvents(ctx, outPtr, neventsPtr, now);
    return Errno.SUCCESS;
  }
  return wait(ctx, subs, outPtr, neventsPtr);
}

async function wait(
  ctx: WasiContext,
  subs: Sub[],
  outPtr: number,
  neventsPtr: number,
): Promise<number> {
  for (;;) {
    let nearest = Infinity;
    const waits: Promise<void>[] = [];
    for (const sub of subs) {
      if (sub.type === Eventtype.CLOCK) {
        nearest = Math.min(nearest, sub.deadline - clockNow(sub.clock));
      } else if (sub.desc !== null) {
        waits.push(
          sub.type === Eventtype.FD_READ ? sub.desc.waitReadable() : sub.desc.waitWritable(),
        );
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (nearest !== Infinity) {
      // setTimeout fires at once beyond 2^31-1 ms; a longer wait just goes round again.
      const ms = Math.min(Math.max(0, Math.ceil(nearest / 1e6)), 0x7fffffff);
      waits.push(new Promise((resolve) => timer = setTimeout(resolve, ms)));
    }
    try {
      await Promise.race(waits);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    const events = ready(subs);
    if (events.length > 0) {
      ctx.mem.refresh();
      writeEvents(ctx, outPtr, neventsPtr, events);
      return Errno.SUCCESS;
    }
  }
}

/**
 * `poll_oneoff(in, out, nsubscriptions, nevents_ptr)`: waits until at least
 * one subscription (clock timeout, descriptor readable or writable) is ready
 * and writes one event per ready subscription.
 *
 * Result (Errno): `SUCCESS` (per-subscription failures — a bad fd `BADF`, an
 * unknown clock `INVAL` — are reported in the events' `error`); `INVAL`
 * (no subscriptions, unknown event type); `FAULT`.
 */
export function pollOneoff(
  ctx: WasiContext,
  inPtr: number,
  outPtr: number,
  nsubscriptions: number,
  neventsPtr: number,
): CallResult {
  return pollWith(ctx, inPtr, outPtr, nsubscriptions, neventsPtr, SUBSCRIPTION);
}

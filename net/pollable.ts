/**
 * The readiness side of every `net` descriptor: what it is ready for now
 * ({@linkcode Pollable.events}), who waits on it (blocking calls, through
 * one {@linkcode WaitQueue} per direction) and which epoll registrations
 * watch it. A state change calls {@linkcode Pollable.changed}, which wakes
 * the blocked callers and queues each matching registration on its epoll's
 * ready list — so `epoll_wait` only ever looks at descriptors that changed,
 * O(ready) rather than O(registered), as Linux's `ep_poll_callback` does.
 *
 * @module
 */

import { BaseDescriptor, WaitQueue } from "../wasi/mod.ts";
import { EpollEvent } from "./abi.ts";

/** Events reported whether asked for or not. */
export const ALWAYS: number = EpollEvent.ERR | EpollEvent.HUP;

/** One `epoll_ctl(ADD)`: a descriptor watched by an epoll instance. */
export class Registration {
  /** The epoll's ready list holds this registration. */
  queued = false;
  /** Removed by `EPOLL_CTL_DEL` or a close: skip it when found queued. */
  removed = false;
  /** Events asked for, with the EPOLLET / EPOLLONESHOT flags. */
  interest: number;
  /** ONESHOT fired: nothing more until `EPOLL_CTL_MOD` re-arms. */
  disarmed = false;
  /** The user's 64-bit data, as two 32-bit halves (no bigint on the hot path). */
  dataLo: number;
  /** High half of the user's data. */
  dataHi: number;

  /** Creates a registration of `target` (fd `fd`) in `owner`. */
  constructor(
    readonly owner: ReadyList,
    readonly fd: number,
    readonly target: Pollable,
    interest: number,
    dataLo: number,
    dataHi: number,
  ) {
    this.interest = interest;
    this.dataLo = dataLo;
    this.dataHi = dataHi;
  }

  /** The events to report now (0: not ready or disarmed). */
  pending(): number {
    if (this.disarmed) return 0;
    return this.target.events() & (this.interest | ALWAYS);
  }
}

/** What an epoll instance offers its registrations: a ready list to join. */
export interface ReadyList {
  /** Queues `r` (not already queued) and wakes the epoll's waiters. */
  enqueue(r: Registration): void;
}

/** A descriptor with readiness: sockets, listeners, eventfds. */
export abstract class Pollable extends BaseDescriptor {
  /** Tasks blocked until something can be read (or accepted). */
  readonly readers: WaitQueue = new WaitQueue();
  /** Tasks blocked until something can be written. */
  readonly writers: WaitQueue = new WaitQueue();
  /** Epoll registrations watching this descriptor. */
  readonly watchers: Registration[] = [];

  /** The `EPOLL*` events this descriptor is ready for now. */
  abstract events(): number;

  /**
   * The state changed: wake blocked callers and queue every registration
   * whose events are now pending (an edge for EPOLLET).
   */
  changed(): void {
    this.readers.wake();
    this.writers.wake();
    const w = this.watchers;
    for (let i = 0; i < w.length; i++) {
      const r = w[i];
      if (!r.queued && r.pending() !== 0) r.owner.enqueue(r);
    }
  }

  /** `poll_oneoff`: 1 when readable (or at EOF/error), -1 when a read would block. */
  override readable(): number {
    return (this.events() & (EpollEvent.IN | ALWAYS)) !== 0 ? 1 : -1;
  }

  /** `poll_oneoff`: 1 when writable, -1 when a write would block. */
  override writable(): number {
    return (this.events() & (EpollEvent.OUT | ALWAYS)) !== 0 ? 1 : -1;
  }

  /** Hung up (both directions closed, or an error). */
  override hangup(): boolean {
    return (this.events() & EpollEvent.HUP) !== 0;
  }

  /** Settles at once when readable, else at the next change. */
  override waitReadable(): Promise<void> {
    return this.readable() > 0 ? Promise.resolve() : this.readers.wait();
  }

  /** Settles at once when writable, else at the next change. */
  override waitWritable(): Promise<void> {
    return this.writable() > 0 ? Promise.resolve() : this.writers.wait();
  }

  /** Drops every epoll registration (the descriptor is being closed) and wakes waiters. */
  protected detach(): void {
    for (const r of this.watchers) r.removed = true;
    this.watchers.length = 0;
    this.readers.wake();
    this.writers.wake();
  }
}

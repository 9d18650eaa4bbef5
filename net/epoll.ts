/**
 * An epoll instance: registrations of descriptors, and a ready list that
 * descriptors join when their state changes ({@linkcode Pollable.changed}).
 * `wait` walks the ready list only:
 *
 * - level-triggered (default): a registration still ready after being
 *   reported stays on the list, so the next wait reports it again; one that
 *   is no longer ready is dropped there and then;
 * - `EPOLLET`: reported once, then off the list until the next change;
 * - `EPOLLONESHOT`: reported once, then disarmed until `EPOLL_CTL_MOD`.
 *
 * @module
 */

import { Errno, Filetype, WaitQueue, WasiError } from "../wasi/mod.ts";
import { EpollEvent, EpollOp } from "./abi.ts";
import { Pollable, type ReadyList, Registration } from "./pollable.ts";

const EDGE = EpollEvent.ET;
const ONESHOT = EpollEvent.ONESHOT;

/** Where `wait` writes each event: `(events, dataLo, dataHi)` for event number `i`. */
export type EventSink = (i: number, events: number, dataLo: number, dataHi: number) => void;

/** An epoll instance in the fd table. */
export class Epoll extends Pollable implements ReadyList {
  /** No WASI type for it. */
  readonly filetype: number = Filetype.UNKNOWN;
  #ready: Registration[] = [];
  #byFd = new Map<number, Registration>();
  #waiters = new WaitQueue();
  #closed = false;

  /** Creates an empty epoll instance. */
  constructor() {
    super(0);
  }

  /** Readable when some registration is queued (for nesting in poll_oneoff). */
  events(): number {
    return this.#ready.length > 0 ? EpollEvent.IN : 0;
  }

  /** Joins the ready list and wakes a waiting `epoll_wait`. */
  enqueue(r: Registration): void {
    r.queued = true;
    this.#ready.push(r);
    this.#waiters.wake();
    if (this.#ready.length === 1) this.changed();
  }

  /** `epoll_ctl(op, fd)` on `target`, the descriptor `fd` refers to. */
  control(op: number, fd: number, target: Pollable, events: number, lo: number, hi: number): void {
    const existing = this.#byFd.get(fd);
    if (existing !== undefined && existing.target !== target) {
      // The fd was closed and reused without a DEL: the old registration died with it.
      this.#byFd.delete(fd);
    }
    const r = this.#byFd.get(fd);
    switch (op) {
      case EpollOp.ADD: {
        if (r !== undefined) throw new WasiError(Errno.EXIST);
        if (target === this) throw new WasiError(Errno.INVAL);
        const reg = new Registration(this, fd, target, events, lo, hi);
        this.#byFd.set(fd, reg);
        target.watchers.push(reg);
        if (reg.pending() !== 0) this.enqueue(reg);
        return;
      }
      case EpollOp.MOD: {
        if (r === undefined) throw new WasiError(Errno.NOENT);
        r.interest = events;
        r.dataLo = lo;
        r.dataHi = hi;
        r.disarmed = false;
        if (!r.queued && r.pending() !== 0) this.enqueue(r);
        return;
      }
      case EpollOp.DEL: {
        if (r === undefined) throw new WasiError(Errno.NOENT);
        this.#unregister(r);
        return;
      }
      default:
        throw new WasiError(Errno.INVAL);
    }
  }

  #unregister(r: Registration): void {
    r.removed = true;
    this.#byFd.delete(r.fd);
    const w = r.target.watchers;
    const i = w.indexOf(r);
    if (i >= 0) w.splice(i, 1);
  }

  /**
   * Reports up to `max` ready events through `sink`; returns how many. Never
   * blocks: the caller waits with {@linkcode Epoll.nextChange} when it got 0.
   */
  collect(max: number, sink: EventSink): number {
    const list = this.#ready;
    if (list.length === 0) return 0;
    // Registrations that stay ready (level-triggered) go to the back, after the unvisited ones.
    const keep: Registration[] = [];
    let n = 0;
    let i = 0;
    for (; i < list.length && n < max; i++) {
      const r = list[i];
      if (r.removed) {
        r.queued = false;
        continue;
      }
      const ev = r.pending();
      if (ev === 0) {
        r.queued = false;
        continue;
      }
      sink(n++, ev, r.dataLo, r.dataHi);
      if ((r.interest & ONESHOT) !== 0) {
        r.disarmed = true;
        r.queued = false;
      } else if ((r.interest & EDGE) !== 0) {
        r.queued = false;
      } else {
        keep.push(r);
      }
    }
    this.#ready = i === list.length ? keep : list.slice(i).concat(keep);
    return n;
  }

  /** Settles at the next registration joining the ready list. */
  nextChange(): Promise<void> {
    return this.#waiters.wait();
  }

  /** Closed: a waiter woken now must stop waiting (its guest is gone). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Drops every registration and wakes waiters. */
  override close(): void {
    this.#closed = true;
    for (const r of this.#byFd.values()) this.#unregister(r);
    this.#ready = [];
    this.#waiters.wake();
    this.detach();
  }
}

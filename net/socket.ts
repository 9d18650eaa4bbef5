/**
 * A TCP socket of the `net` module, in the shared fd table. One descriptor
 * goes through the states of a BSD socket — fresh, bound, listening,
 * connecting, connected — because the guest keeps its fd across them.
 *
 * Data path, kernel-style:
 *
 * - **receive**: one `conn.read` outstanding at a time into a 64 KiB buffer;
 *   what arrives is queued (small reads copied out so the big buffer is
 *   reused) until `RECV_LIMIT` bytes wait, then reading pauses until the
 *   guest drains it (TCP flow control pushes back on the peer).
 * - **send**: a send copies into the send buffer at once, up to
 *   `SEND_LIMIT` bytes (a would-block beyond it); one microtask after the
 *   guest's turn flushes every socket it sent on, each writing everything the
 *   guest sent in that turn with one `conn.write` (coalescing),
 *   double-buffered so the guest keeps filling one buffer while the other is
 *   on the wire.
 * - **readiness**: every change (data, EOF, error, space, a connection to
 *   accept) calls `changed()`, which wakes blocked callers and queues epoll
 *   registrations.
 *
 * The per-request path makes no closures: callbacks are made once per
 * socket, one microtask flushes a whole turn, `net` receives straight into
 * guest memory (left: the promises of `read`/`write` and their views). Under
 * `wrk -c256` against examples/http-server that took the server's young-gen
 * allocation from ~2.6 KB to ~1.05 KB per request (GCs halved; the raw-TCP
 * TS responder: ~2.7 KB) and its user CPU per request down 13–15% (paired
 * A/B, 12 slices each at 32 and 256 connections).
 *
 * A bind is a real `Deno.listen` at once (so `EADDRINUSE`/`EACCES` and the
 * chosen port are known at `bind`, as on Linux); `listen` starts accepting.
 *
 * @module
 */

import {
  Errno,
  errnoFromError,
  Fdflags,
  Filetype,
  LISTENER_RIGHTS,
  Sdflags,
  SOCKET_RIGHTS,
  WasiError,
  WOULD_BLOCK,
} from "../wasi/mod.ts";
import { EpollEvent } from "./abi.ts";
import type { SockAddr } from "./address.ts";
import { Pollable } from "./pollable.ts";
import { BufferPool } from "./buffers.ts";

/** Bytes queued for the guest before reading pauses. */
export const RECV_LIMIT = 256 * 1024;
/** Bytes the send buffer takes before a send would block. */
export const SEND_LIMIT = 256 * 1024;
/** First size of a receive ring; it doubles when full, up to RECV_LIMIT. */
const RING_START = 64 * 1024;
/** First size of a send buffer (two per socket); it doubles as needed, up to SEND_LIMIT. */
const SEND_START = 16 * 1024;
/** Closed sockets' buffers, reused by the next ones (64 MiB of rings, 32 MiB of send buffers). */
const RINGS = new BufferPool(RING_START, 1024);
const SEND_BUFFERS = new BufferPool(SEND_START, 2048);
const EMPTY = new Uint8Array(0);
const DEFAULT_BACKLOG = 128;
/**
 * The kernel accept queue asked for at bind (Linux clamps it to `net.core.somaxconn`). Deno's
 * default is 511, and a JS accept loop takes one connection per promise turn: a burst of 1,000
 * connects (wrk -c 1000) overflowed the queue, the kernel dropped the handshakes' ACKs and those
 * clients' first requests waited out SYN-ACK retransmits (1 s, 3 s): wrk timeouts. The guest's
 * `listen` backlog bounds the connections accepted on the JS side ({@linkcode TcpSocket.listen}).
 */
const KERNEL_BACKLOG = 4096;

const IN = EpollEvent.IN;
const OUT = EpollEvent.OUT;

/** The socket's lifecycle. */
export const enum State {
  /** Created by `_socket`. */
  Fresh,
  /** Bound (a host listener exists but nothing is accepted yet). */
  Bound,
  /** Listening: accepting connections. */
  Listening,
  /** A non-blocking connect is under way. */
  Connecting,
  /** Connected (accepted or connected). */
  Connected,
  /** Closed by the guest. */
  Closed,
}

function fail(errno: number): never {
  throw new WasiError(errno as Errno);
}

/** The errno for a failed read or write on a connection. */
function streamErrno(e: unknown): number {
  const name = e instanceof Error ? e.name : "";
  return name === "BrokenPipe" ? Errno.PIPE : Errno.CONNRESET;
}

/** A TCP socket. */
export class TcpSocket extends Pollable {
  /** A stream socket to WASI. */
  readonly filetype: number = Filetype.SOCKET_STREAM;
  /** Where the socket is in its life. */
  state: State = State.Fresh;
  /** IPv6 socket (`AF_INET6`). */
  readonly ipv6: boolean;

  // Listening side.
  #listener: Deno.TcpListener | null = null;
  #pending: Deno.TcpConn[] = [];
  #accepting = false;
  #backlog = DEFAULT_BACKLOG;

  // Connected side.
  #conn: Deno.TcpConn | null = null;
  // Receive ring: `#queued` bytes from `#head` (wrapping); reads land right after them.
  #ring: Uint8Array | null = null;
  #head = 0;
  #queued = 0;
  #reading = false;
  #eof = false;
  #rdShut = false;
  #error = 0; // WASI errno of a failed connection, 0 if none
  #send = SEND_BUFFERS.take();
  #sendLen = 0;
  #spare = SEND_BUFFERS.take();
  #flushing = false;
  /** What is on the wire: `#out` from `#outOff` (the rest of a partial write). */
  #out: Uint8Array = EMPTY;
  #outOff = 0;
  #wantWrite = false;
  #wrShut = false; // shutdown(SHUT_WR) asked
  #closeAfterFlush = false;
  #onError: (e: unknown) => void;

  /**
   * A socket: fresh (from `_socket`) or around an accepted/connected `conn`.
   * `onError` receives errors that are not the peer's doing (a permission
   * denial while accepting, say) for reporting.
   */
  constructor(ipv6: boolean, conn: Deno.TcpConn | null, onError: (e: unknown) => void) {
    super(SOCKET_RIGHTS | LISTENER_RIGHTS, SOCKET_RIGHTS);
    this.ipv6 = ipv6;
    this.#onError = onError;
    if (conn !== null) this.#attach(conn);
  }

  #attach(conn: Deno.TcpConn): void {
    this.#conn = conn;
    this.state = State.Connected;
    this.rightsBase = SOCKET_RIGHTS;
    this.#pump();
  }

  /** The bound or local address, or null. */
  localAddr(): SockAddr | null {
    const a = this.#listener?.addr ?? this.#conn?.localAddr;
    return a === undefined ? null : { hostname: a.hostname, port: a.port };
  }

  /** The peer's address, or null when not connected. */
  remoteAddr(): SockAddr | null {
    const a = this.#conn?.remoteAddr;
    return a === undefined ? null : { hostname: a.hostname, port: a.port };
  }

  /** The underlying connection (for socket options). */
  get conn(): Deno.TcpConn | null {
    return this.#conn;
  }

  // ---- bind / listen / accept ------------------------------------------------

  /** `bind`: opens the host listener now. */
  bind(addr: SockAddr): void {
    if (this.state !== State.Fresh) fail(Errno.INVAL);
    // `tcpBacklog` is what `Deno.serve` passes to the same op; the public typings omit it.
    const options = {
      transport: "tcp",
      hostname: addr.hostname,
      port: addr.port,
      tcpBacklog: KERNEL_BACKLOG,
    } as Deno.TcpListenOptions & { transport: "tcp" };
    this.#listener = Deno.listen(options);
    this.state = State.Bound;
  }

  /** `listen`: starts accepting (binding to an ephemeral port first if needed). */
  listen(backlog: number): void {
    if (this.state === State.Fresh) {
      this.bind({ hostname: this.ipv6 ? "::" : "0.0.0.0", port: 0 });
    }
    if (this.state !== State.Bound && this.state !== State.Listening) fail(Errno.INVAL);
    this.#backlog = backlog > 0 ? Math.min(backlog, 4096) : DEFAULT_BACKLOG;
    this.state = State.Listening;
    this.rightsBase = LISTENER_RIGHTS;
    this.#acceptLoop();
  }

  #acceptLoop(): void {
    if (this.#accepting || this.state !== State.Listening) return;
    if (this.#pending.length >= this.#backlog) return;
    this.#accepting = true;
    this.#listener!.accept().then(
      (c) => {
        this.#accepting = false;
        if (this.state !== State.Listening) {
          c.close();
          return;
        }
        this.#pending.push(c);
        this.changed();
        this.#acceptLoop();
      },
      (e) => {
        this.#accepting = false;
        if (this.state !== State.Listening) return;
        // A failed accept (the connection went away first, too many files): try again soon.
        this.#onError(e);
        setTimeout(() => this.#acceptLoop(), 10);
      },
    );
  }

  /** Takes a pending connection (the socket is made by the caller), or null. */
  acceptConn(): Deno.TcpConn | null {
    if (this.state !== State.Listening) fail(Errno.INVAL);
    const c = this.#pending.shift();
    if (c === undefined) return null;
    this.#acceptLoop();
    return c;
  }

  /** WASI `sock_accept`: a connected socket, or null. */
  override accept(): TcpSocket | null {
    const c = this.acceptConn();
    return c === null ? null : new TcpSocket(this.ipv6, c, this.#onError);
  }

  // ---- connect -----------------------------------------------------------------

  /**
   * Starts connecting. The Promise settles when done, with 0 or the WASI
   * errno of the failure (also kept for `takeError`); it never rejects.
   */
  connect(addr: SockAddr): Promise<number> {
    if (this.state === State.Connected) fail(Errno.ISCONN);
    if (this.state === State.Connecting) fail(Errno.ALREADY);
    if (this.state !== State.Fresh && this.state !== State.Bound) fail(Errno.INVAL);
    if (this.#listener !== null) {
      // Deno cannot connect from a chosen local address: the bind is dropped.
      this.#listener.close();
      this.#listener = null;
    }
    this.state = State.Connecting;
    this.#error = 0;
    const failed = (e: unknown): number => {
      if (this.state === State.Closed) return Errno.BADF;
      this.#onError(e);
      this.state = State.Fresh;
      this.#error = errnoFromError(e) ?? Errno.CONNREFUSED;
      this.changed();
      return this.#error;
    };
    let pending: Promise<Deno.TcpConn>;
    try {
      pending = Deno.connect({ transport: "tcp", hostname: addr.hostname, port: addr.port });
    } catch (e) {
      return Promise.resolve(failed(e));
    }
    return pending.then((conn) => {
      if (this.state === State.Closed) {
        conn.close();
        return Errno.BADF;
      }
      this.#attach(conn);
      this.changed();
      return 0;
    }, failed);
  }

  /** Takes the error of a failed connect (`SO_ERROR`): a WASI errno, 0 if none. */
  takeError(): number {
    if (this.state !== State.Fresh) return 0;
    const e = this.#error;
    this.#error = 0;
    return e;
  }

  // ---- receive -----------------------------------------------------------------

  #pump(): void {
    if (this.#reading || this.#eof || this.#error !== 0 || this.#rdShut) return;
    if (this.state !== State.Connected) return;
    let ring = this.#ring;
    if (ring === null) ring = this.#ring = RINGS.take();
    if (this.#queued === ring.length) {
      if (ring.length >= RECV_LIMIT) return; // full: the peer waits (TCP flow control)
      ring = this.#grow(ring);
    }
    const cap = ring.length;
    const used = this.#head + this.#queued;
    if (this.#queued === 0) this.#head = 0; // no read outstanding: start at the front
    else if (used <= cap && cap - used < cap >> 2 && this.#queued <= cap >> 3) {
      // Little data near the end: move it to the front, so the next read gets a large region
      // instead of the sliver before the wrap (fewer, bigger reads).
      ring.copyWithin(0, this.#head, used);
      this.#head = 0;
    }
    const tail = (this.#head + this.#queued) & (cap - 1);
    const end = tail < this.#head ? this.#head : cap;
    this.#reading = true;
    // The host reads straight into the ring: no copy. The callbacks are the socket's own (made
    // once), not two new closures per read.
    this.#conn!.read(ring.subarray(tail, end)).then(this.#onRead, this.#onReadError);
  }

  #onRead = (n: number | null): void => {
    this.#reading = false;
    if (this.state === State.Closed) return this.#recycleRing();
    if (n === null) this.#eof = true;
    else this.#queued += n;
    if (this.#rdShut) this.#discard();
    this.changed();
    this.#pump();
  };

  #onReadError = (e: unknown): void => {
    this.#reading = false;
    if (this.state === State.Closed) return this.#recycleRing();
    this.#error = streamErrno(e);
    this.changed();
  };

  /** Doubles the ring (only while no read is outstanding), unwrapping its contents. */
  #grow(ring: Uint8Array): Uint8Array {
    const bigger = new Uint8Array(ring.length * 2);
    const first = Math.min(this.#queued, ring.length - this.#head);
    bigger.set(ring.subarray(this.#head, this.#head + first), 0);
    bigger.set(ring.subarray(0, this.#queued - first), first);
    this.#head = 0;
    this.#ring = bigger;
    RINGS.give(ring);
    return bigger;
  }

  /** Gives the ring back to the pool (closed, and no read is outstanding into it). */
  #recycleRing(): void {
    if (this.#ring !== null) RINGS.give(this.#ring);
    this.#ring = null;
  }

  #discard(): void {
    this.#queued = 0;
  }

  /** Receives into `buf`: bytes, 0 at end of stream, or WOULD_BLOCK. */
  override recv(buf: Uint8Array, peek: boolean): number {
    return this.recvInto(buf, 0, buf.length, peek);
  }

  /**
   * Receives into `dst[at, at + len)`: bytes, 0 at end of stream, or WOULD_BLOCK. The caller
   * checked the range (`net` passes guest memory itself, which saves a view per call).
   */
  recvInto(dst: Uint8Array, at: number, len: number, peek: boolean): number {
    if (this.state !== State.Connected) {
      if (this.state === State.Closed) fail(Errno.BADF);
      fail(Errno.NOTCONN);
    }
    if (this.#queued > 0 && len > 0) return this.#take(dst, at, len, peek);
    if (this.#rdShut || this.#eof) return 0;
    if (this.#error !== 0) return fail(this.#error);
    if (len === 0) return 0;
    return WOULD_BLOCK;
  }

  #take(dst: Uint8Array, at: number, len: number, peek: boolean): number {
    const ring = this.#ring!;
    const cap = ring.length;
    const n = Math.min(len, this.#queued);
    const head = this.#head;
    const first = Math.min(n, cap - head);
    dst.set(ring.subarray(head, head + first), at);
    if (first < n) dst.set(ring.subarray(0, n - first), at + first);
    if (peek) return n;
    const wasFull = this.#queued === cap;
    this.#head = (head + n) & (cap - 1);
    this.#queued -= n;
    if (wasFull && !this.#reading) this.#pump();
    return n;
  }

  /** `fd_read` is `recv`. */
  override read(buf: Uint8Array): number {
    return this.recv(buf, false);
  }

  // ---- send --------------------------------------------------------------------

  /** Copies `buf` into the send buffer: bytes taken, or WOULD_BLOCK when full. */
  override send(buf: Uint8Array): number {
    if (this.state !== State.Connected) {
      if (this.state === State.Closed) fail(Errno.BADF);
      fail(Errno.NOTCONN);
    }
    if (this.#error !== 0) fail(this.#error === Errno.CONNRESET ? Errno.CONNRESET : Errno.PIPE);
    if (this.#wrShut) fail(Errno.PIPE);
    const room = SEND_LIMIT - this.#sendLen;
    if (room <= 0) {
      this.#wantWrite = true;
      return WOULD_BLOCK;
    }
    const n = Math.min(room, buf.length);
    if (n === 0) return 0;
    this.#reserve(this.#sendLen + n);
    this.#send.set(n === buf.length ? buf : buf.subarray(0, n), this.#sendLen);
    this.#sendLen += n;
    if (!this.#flushing) {
      this.#flushing = true;
      // Everything the guest sends before it yields goes out in one write.
      TcpSocket.#scheduleFlush(this);
    }
    return n;
  }

  #reserve(size: number): void {
    if (size <= this.#send.length) return;
    let cap = Math.max(this.#send.length * 2, SEND_START);
    while (cap < size) cap *= 2;
    const b = new Uint8Array(Math.min(cap, SEND_LIMIT));
    b.set(this.#send.subarray(0, this.#sendLen));
    SEND_BUFFERS.give(this.#send);
    this.#send = b;
  }

  /** Sockets with a flush due at the end of the guest's turn. */
  static #dirty: TcpSocket[] = [];

  /**
   * Queues `s`'s flush: one microtask for every socket the guest sent on in this turn (a batch
   * of answers to one `epoll_wait` is one microtask, not one closure and microtask per socket).
   */
  static #scheduleFlush(s: TcpSocket): void {
    const dirty = TcpSocket.#dirty;
    dirty.push(s);
    if (dirty.length === 1) queueMicrotask(TcpSocket.#flushDirty);
  }

  static #flushDirty(this: void): void {
    const dirty = TcpSocket.#dirty;
    TcpSocket.#dirty = []; // a send from here on schedules the next batch
    for (let i = 0; i < dirty.length; i++) dirty[i].#flush();
  }

  /** Writes out the send buffer; runs until it is empty (plain callbacks: no async frames). */
  #flush(): void {
    if (this.#sendLen === 0 || this.#error !== 0) return this.#flushed();
    // Swap buffers: the guest fills the other one while this one is on the wire.
    const full = this.#send;
    const out = full.subarray(0, this.#sendLen);
    this.#send = this.#spare;
    this.#spare = full;
    this.#sendLen = 0;
    if (this.#wantWrite) {
      // Room again: an edge for EPOLLOUT and a wake-up for blocked senders.
      this.#wantWrite = false;
      this.changed();
    }
    this.#out = out;
    this.#outOff = 0;
    this.#conn!.write(out).then(this.#onWritten, this.#onWriteError);
  }

  #onWritten = (n: number): void => {
    const out = this.#out;
    const off = this.#outOff + n;
    if (off < out.length) {
      this.#outOff = off;
      this.#conn!.write(out.subarray(off)).then(this.#onWritten, this.#onWriteError);
      return;
    }
    this.#out = EMPTY;
    this.#flush();
  };

  #onWriteError = (e: unknown): void => {
    this.#out = EMPTY;
    if (this.state !== State.Closed) {
      this.#error = streamErrno(e);
      this.#sendLen = 0;
      this.changed();
    }
    this.#flushed();
  };

  #flushed(): void {
    this.#flushing = false;
    if (this.#wrShut && this.#error === 0 && this.#conn !== null) {
      this.#conn.closeWrite().catch(() => {});
    }
    if (this.#closeAfterFlush) this.#release();
  }

  /** `fd_write` is `send`. */
  override write(buf: Uint8Array): number {
    return this.send(buf);
  }

  // ---- readiness ---------------------------------------------------------------

  /** The events this socket is ready for now. */
  events(): number {
    switch (this.state) {
      case State.Listening:
        return this.#pending.length > 0 ? IN : 0;
      case State.Connected: {
        let ev = 0;
        if (this.#error !== 0) {
          ev = IN | EpollEvent.ERR | EpollEvent.HUP | EpollEvent.RDHUP;
          return this.#error === Errno.PIPE ? ev | OUT : ev;
        }
        if (this.#queued > 0 || this.#eof || this.#rdShut) ev |= IN;
        if (this.#eof) ev |= EpollEvent.RDHUP;
        if (!this.#wrShut && this.#sendLen < SEND_LIMIT) ev |= OUT;
        if ((this.#eof || this.#rdShut) && this.#wrShut) ev |= EpollEvent.HUP;
        return ev;
      }
      case State.Fresh:
        // A failed connect: writable with an error, as Linux reports it.
        return this.#error !== 0 ? OUT | EpollEvent.ERR | EpollEvent.HUP : EpollEvent.HUP;
      default:
        return 0;
    }
  }

  /** Bytes waiting to be read (tests and FIONREAD). */
  get queued(): number {
    return this.#queued;
  }

  // ---- shutdown / close ----------------------------------------------------------

  /** `shutdown`: `Sdflags.RD` and/or `Sdflags.WR`. */
  override shutdown(how: number): void {
    if (this.state !== State.Connected) fail(Errno.NOTCONN);
    if ((how & Sdflags.RD) !== 0) {
      this.#rdShut = true;
      this.#discard();
    }
    if ((how & Sdflags.WR) !== 0 && !this.#wrShut) {
      this.#wrShut = true;
      if (!this.#flushing && this.#error === 0) {
        this.#conn!.closeWrite().catch(() => {});
      }
    }
    this.changed();
  }

  /** Closes: pending sent data is still flushed, then the connection is closed. */
  override close(): void {
    const was = this.state;
    this.state = State.Closed;
    this.detach();
    if (this.#listener !== null) {
      this.#listener.close();
      this.#listener = null;
    }
    for (const c of this.#pending) c.close();
    this.#pending = [];
    if (was === State.Connected && this.#flushing) {
      this.#closeAfterFlush = true; // as Linux: close does not discard what was sent
      return;
    }
    this.#release();
  }

  #release(): void {
    const c = this.#conn;
    this.#conn = null;
    this.#discard();
    // Nothing is on the wire any more (release comes after the last flush); a read may still be
    // outstanding into the ring, which then goes back when it settles.
    SEND_BUFFERS.give(this.#send);
    SEND_BUFFERS.give(this.#spare);
    this.#send = this.#spare = EMPTY;
    this.#sendLen = 0;
    if (!this.#reading) this.#recycleRing();
    if (c !== null) {
      try {
        c.close();
      } catch {
        // already closed by the host side
      }
    }
  }

  /** Sets `fdflags` (NONBLOCK is the one that matters here). */
  setNonblocking(on: boolean): void {
    this.fdflags = on ? this.fdflags | Fdflags.NONBLOCK : this.fdflags & ~Fdflags.NONBLOCK;
  }
}

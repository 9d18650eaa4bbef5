/**
 * `createNet`: the `net` import module over the WASI host's fd table. Each
 * import is a plain function of i32s that returns a non-negative result or a
 * negative Linux errno; the ones that can block return a Promise when they
 * do and carry the `kwasm.maySuspend` mark, so singlepass wraps them with
 * JSPI and the interpreter suspends on them.
 *
 * ```text
 *   createNet(wasi) ──▶ NetHost
 *                        .imports   { net: { _socket, _bind, …, _epoll_wait } }
 *                        .start(instance)   bind memory for net and WASI, run _start
 * ```
 *
 * @module
 */

import { Errno, Fdflags, type MemoryLike, WasiError, type WasiHost } from "../wasi/mod.ts";
import { GuestMemory } from "../wasi/memory.ts";
import { PermissionHints } from "../wasi/errors.ts";
import { EPOLL_EVENT_SIZE, LinuxErrno, SocketConst } from "./abi.ts";
import { encodeSockAddr, readSockAddr, SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE } from "./address.ts";
import type { SockAddr } from "./address.ts";
import { EINPROGRESS, linuxErrno, linuxErrnoFromError } from "./errno.ts";
import { Epoll } from "./epoll.ts";
import { EventFd } from "./eventfd.ts";
import { Pollable } from "./pollable.ts";
import { TcpSocket } from "./socket.ts";

/** Options of {@linkcode createNet}. */
export interface NetOptions {
  /** Where one-line host diagnostics go (permission hints). Default: `console.error`. */
  warn?: (line: string) => void;
}

/** A `net` host function. */
export type NetFunction = (...args: number[]) => number | Promise<number>;

/** The `net` host module. */
export interface NetHost {
  /** The import module, ready to merge with WASI's: `{ net: { _socket, … } }`. */
  readonly imports: { readonly net: Readonly<Record<string, NetFunction>> };
  /** True when the import `name` may return a Promise (the guest then suspends). */
  mayReturnPromise(name: string): boolean;
  /** Attaches the guest memory that pointers refer to (done by `start`). */
  bindMemory(memory: MemoryLike): void;
  /** Binds memory for `net` and WASI, then runs the command (see `WasiHost.start`). */
  start(instance: { readonly exports: Record<string, unknown> }): number | Promise<number>;
}

const MAY_SUSPEND_MARK = Symbol.for("kwasm.maySuspend");
const SUSPENDING = new Set(["_accept4", "_connect", "_sendto", "_recvfrom", "_epoll_wait"]);

const O_NONBLOCK = SocketConst.O_NONBLOCK;
const SOCK_CLOEXEC = 0x80000;
const O_RDWR = 2;
const MSG_PEEK = 2;
const MSG_DONTWAIT = 0x40;
const SHUT_RD = 0;
const SHUT_RDWR = 2;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const SOL_SOCKET = 1;
const SO_KEEPALIVE = 9;
const EAGAIN = -LinuxErrno.EAGAIN;

function fail(errno: number): never {
  throw new WasiError(errno as Errno);
}

/**
 * Creates the `net` module over `wasi`'s fd table. The WASI host must have
 * been created with `asyncWrites: true`, since a blocking socket makes
 * `fd_write` suspend.
 *
 * @example
 * ```ts ignore
 * const wasi = createWasi({ args: ["server"], asyncWrites: true });
 * const net = createNet(wasi);
 * const instance = await compiled.instantiate({ ...wasi.imports, ...net.imports });
 * await net.start(instance);
 * ```
 */
export function createNet(wasi: WasiHost, options: NetOptions = {}): NetHost {
  if (!wasi.mayReturnPromise("fd_write")) {
    throw new TypeError("net: create the WASI host with `asyncWrites: true`");
  }
  const fds = wasi.fds;
  const mem = new GuestMemory();
  // deno-lint-ignore no-console
  const hints = new PermissionHints(options.warn ?? ((line) => console.error(line)));
  const report = (e: unknown) => void hints.report(e);

  /** The result for a thrown error: a negative Linux errno, or rethrown if it is a bug. */
  const failed = (e: unknown): number => {
    const errno = linuxErrnoFromError(e);
    if (errno === undefined) throw e;
    hints.report(e);
    return -errno;
  };

  const pollable = (fd: number): Pollable => {
    const d = fds.get(fd);
    if (d === undefined) fail(Errno.BADF);
    if (!(d instanceof Pollable)) fail(Errno.PERM); // epoll refuses regular files with EPERM
    return d;
  };
  const socket = (fd: number): TcpSocket => {
    const d = fds.get(fd);
    if (d === undefined) fail(Errno.BADF);
    if (!(d instanceof TcpSocket)) fail(Errno.NOTSOCK);
    return d;
  };
  const nonblocking = (d: { fdflags: number }) => (d.fdflags & Fdflags.NONBLOCK) !== 0;
  const install = (d: Pollable): number => {
    try {
      return fds.insert(d);
    } catch (e) {
      d.close();
      throw e;
    }
  };
  const sockAddrArg = (ptr: number, len: number): SockAddr => {
    const p = mem.check(ptr, len);
    return readSockAddr(mem.u8, p, len >>> 0) ?? fail(Errno.INVAL);
  };
  /** Writes `addr` at `ptr` (truncated to `*lenPtr` bytes) and its size at `lenPtr`. */
  const putSockAddr = (addr: SockAddr | null, ptr: number, lenPtr: number) => {
    if (ptr === 0) return;
    mem.refresh();
    const room = mem.u32(mem.check(lenPtr, 4));
    const bytes = encodeSockAddr(addr ?? { hostname: "0.0.0.0", port: 0 });
    const n = Math.min(room, bytes.length);
    mem.u8.set(bytes.subarray(0, n), mem.check(ptr, n));
    mem.setU32(lenPtr, bytes.length);
  };
  /**
   * Faults (EFAULT) now if {@linkcode putSockAddr} of an address of
   * `family6`'s size would: checked before data or a connection is taken, so
   * that a bad address pointer loses nothing and writes nothing.
   */
  const checkSockAddr = (family6: boolean, ptr: number, lenPtr: number) => {
    if (ptr === 0) return;
    const room = mem.u32(mem.check(lenPtr, 4));
    mem.check(ptr, Math.min(room, family6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE));
  };
  /**
   * One `recvfrom` attempt: bytes, 0 at EOF, or -1 (would block). Straight into guest memory (no
   * view of it), and a plain function, so that the usual call, which does not block, allocates no
   * closure.
   */
  const recvOnce = (
    s: TcpSocket,
    buf: number,
    len: number,
    peek: boolean,
    addr: number,
    lenPtr: number,
  ): number => {
    const p = mem.check(buf, len);
    checkSockAddr(s.ipv6, addr, lenPtr);
    const n = s.recvInto(mem.u8, p, len >>> 0, peek);
    if (n !== -1 && addr !== 0) putSockAddr(s.remoteAddr(), addr, lenPtr);
    return n;
  };
  /** Runs `op` until it does not would-block, waiting with `wait` in between. */
  const retry = async (op: () => number, wait: () => Promise<void>): Promise<number> => {
    for (;;) {
      await wait();
      try {
        mem.refresh();
        const n = op();
        if (n !== -1) return n;
      } catch (e) {
        return failed(e);
      }
    }
  };

  /** Where `sink` writes events: the `events` array of the `epoll_wait` being answered. */
  let eventsPtr = 0;
  /** `epoll_wait`'s event writer, made once (not a closure per call). */
  const sink = (i: number, ev: number, lo: number, hi: number) => {
    const p = eventsPtr + i * EPOLL_EVENT_SIZE;
    const dv = mem.dv;
    dv.setUint32(p, ev >>> 0, true);
    dv.setUint32(p + 4, lo, true);
    dv.setUint32(p + 8, hi, true);
  };

  const calls: Record<string, (...a: number[]) => number | Promise<number>> = {
    _socket(family: number, type: number, _proto: number): number {
      if (family !== SocketConst.AF_INET && family !== SocketConst.AF_INET6) {
        return -97; // EAFNOSUPPORT
      }
      if ((type & 0xf) !== SocketConst.SOCK_STREAM) return -93; // EPROTONOSUPPORT
      if ((type & ~(0xf | O_NONBLOCK | SOCK_CLOEXEC)) !== 0) return -LinuxErrno.EINVAL;
      const s = new TcpSocket(family === SocketConst.AF_INET6, null, report);
      if ((type & O_NONBLOCK) !== 0) s.setNonblocking(true);
      return install(s);
    },

    _bind(fd: number, addr: number, len: number): number {
      const s = socket(fd);
      s.bind(sockAddrArg(addr, len));
      return 0;
    },

    _listen(fd: number, backlog: number): number {
      socket(fd).listen(backlog);
      return 0;
    },

    _accept4(fd: number, addr: number, lenPtr: number, flags: number): number | Promise<number> {
      const s = socket(fd);
      if ((flags & ~(O_NONBLOCK | SOCK_CLOEXEC)) !== 0) return -LinuxErrno.EINVAL;
      if (addr !== 0) mem.check(lenPtr, 4);
      const take = (): number => {
        checkSockAddr(s.ipv6, addr, lenPtr);
        const c = s.acceptConn();
        if (c === null) return -1;
        const conn = new TcpSocket(s.ipv6, c, report);
        if ((flags & O_NONBLOCK) !== 0) conn.setNonblocking(true);
        const newFd = install(conn);
        putSockAddr(conn.remoteAddr(), addr, lenPtr);
        return newFd;
      };
      const n = take();
      if (n !== -1) return n;
      if (nonblocking(s)) return EAGAIN;
      return retry(take, () => s.waitReadable());
    },

    _connect(fd: number, addr: number, len: number): number | Promise<number> {
      const s = socket(fd);
      const to = sockAddrArg(addr, len);
      const done = s.connect(to);
      if (nonblocking(s)) return -EINPROGRESS;
      return done.then((errno) => (errno === 0 ? 0 : -linuxErrno(errno)));
    },

    _sendto(
      fd: number,
      buf: number,
      len: number,
      flags: number,
      _addr: number,
      _addrLen: number,
    ): number | Promise<number> {
      const s = socket(fd);
      const p = mem.check(buf, len);
      const n = s.send(mem.u8.subarray(p, p + (len >>> 0)));
      if (n !== -1) return n;
      if (nonblocking(s) || (flags & MSG_DONTWAIT) !== 0) return EAGAIN;
      return retry(() => {
        const q = mem.check(buf, len);
        return s.send(mem.u8.subarray(q, q + (len >>> 0)));
      }, () => s.waitWritable());
    },

    _recvfrom(
      fd: number,
      buf: number,
      len: number,
      flags: number,
      addr: number,
      lenPtr: number,
    ): number | Promise<number> {
      const s = socket(fd);
      const peek = (flags & MSG_PEEK) !== 0;
      const n = recvOnce(s, buf, len, peek, addr, lenPtr);
      if (n !== -1) return n;
      if (nonblocking(s) || (flags & MSG_DONTWAIT) !== 0) return EAGAIN;
      return retry(() => recvOnce(s, buf, len, peek, addr, lenPtr), () => s.waitReadable());
    },

    _eventfd_sem(initial: number): number {
      return install(new EventFd(initial >>> 0));
    },

    _epoll_create(): number {
      return install(new Epoll());
    },

    _epoll_ctl(epfd: number, op: number, fd: number, event: number): number {
      const ep = fds.get(epfd);
      if (ep === undefined) fail(Errno.BADF);
      if (!(ep instanceof Epoll)) fail(Errno.INVAL);
      const target = pollable(fd);
      let events = 0, lo = 0, hi = 0;
      if (op !== 2) {
        const p = mem.check(event, EPOLL_EVENT_SIZE);
        const dv = mem.dv;
        events = dv.getUint32(p, true);
        lo = dv.getUint32(p + 4, true);
        hi = dv.getUint32(p + 8, true);
      }
      ep.control(op, fd, target, events, lo, hi);
      return 0;
    },

    _epoll_wait(
      epfd: number,
      events: number,
      maxEvents: number,
      timeoutMs: number,
    ): number | Promise<number> {
      const ep = fds.get(epfd);
      if (ep === undefined) fail(Errno.BADF);
      if (!(ep instanceof Epoll) || maxEvents <= 0) fail(Errno.INVAL);
      mem.check(events, maxEvents * EPOLL_EVENT_SIZE);
      eventsPtr = events;
      const n = ep.collect(maxEvents, sink);
      if (n > 0 || timeoutMs === 0) return n;
      const collect = () => {
        mem.refresh();
        mem.check(events, maxEvents * EPOLL_EVENT_SIZE);
        eventsPtr = events; // another epoll_wait may have run in between
        return ep.collect(maxEvents, sink);
      };
      return timeoutMs < 0 ? waitForever(ep, collect) : waitEvents(ep, timeoutMs, collect);
    },

    _fcntl(fd: number, cmd: number, arg: number): number {
      const d = fds.get(fd);
      if (d === undefined) fail(Errno.BADF);
      if (cmd === SocketConst.F_GETFL) {
        return O_RDWR | ((d.fdflags & Fdflags.NONBLOCK) !== 0 ? O_NONBLOCK : 0);
      }
      if (cmd === SocketConst.F_SETFL) {
        d.fdflags = (arg & O_NONBLOCK) !== 0
          ? d.fdflags | Fdflags.NONBLOCK
          : d.fdflags & ~Fdflags.NONBLOCK;
        return 0;
      }
      return -LinuxErrno.EPERM;
    },

    _shutdown(fd: number, how: number): number {
      const s = socket(fd);
      if (how < SHUT_RD || how > SHUT_RDWR) return -LinuxErrno.EINVAL;
      // Linux SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 → WASI sdflags RD 1, WR 2.
      s.shutdown(how + 1);
      return 0;
    },

    _getsockname(fd: number, addr: number, lenPtr: number): number {
      const s = socket(fd);
      mem.check(lenPtr, 4);
      const a = s.localAddr() ?? { hostname: s.ipv6 ? "::" : "0.0.0.0", port: 0 };
      putSockAddr(a, addr, lenPtr);
      return 0;
    },

    _setsockopt(fd: number, level: number, name: number, val: number, len: number): number {
      const s = socket(fd);
      const p = mem.check(val, len);
      const on = (len >>> 0) >= 4 ? mem.dv.getInt32(p, true) !== 0 : false;
      const conn = s.conn;
      if (conn !== null) {
        if (level === IPPROTO_TCP && name === TCP_NODELAY) conn.setNoDelay(on);
        if (level === SOL_SOCKET && name === SO_KEEPALIVE) conn.setKeepAlive(on);
      }
      // Other options (SO_REUSEADDR, buffer sizes, …) are accepted and have no effect here.
      return 0;
    },
  };

  const net: Record<string, NetFunction> = {};
  for (const [name, call] of Object.entries(calls)) {
    const fn = (a: number, b: number, c: number, d: number, e: number, f: number) => {
      try {
        mem.refresh();
        const r = call(a, b, c, d, e, f);
        return typeof r === "number" ? r : r.then(undefined, failed);
      } catch (err) {
        return failed(err);
      }
    };
    Object.defineProperty(fn, "name", { value: name });
    if (SUSPENDING.has(name)) Object.defineProperty(fn, MAY_SUSPEND_MARK, { value: true });
    net[name] = fn as NetFunction;
  }

  return {
    imports: Object.freeze({ net: Object.freeze(net) }),
    mayReturnPromise: (name) => SUSPENDING.has(name),
    bindMemory: (memory) => mem.bind(memory),
    start(instance) {
      const memory = instance.exports.memory as MemoryLike | undefined;
      if (memory !== undefined) mem.bind(memory);
      return wasi.start(instance);
    },
  };
}

/**
 * Waits for `collect` to report events, without a timeout: plain callbacks on
 * the next change instead of an async function (the server loop's case, once
 * per batch of events).
 */
function waitForever(ep: Epoll, collect: () => number): Promise<number> {
  const again = (): number | Promise<number> => {
    const n = collect();
    return n > 0 || ep.closed ? n : ep.nextChange().then(again);
  };
  return ep.nextChange().then(again);
}

/**
 * Waits for `collect` to report events, at most `timeoutMs` (> 0; without a
 * timeout it is {@linkcode waitForever}), or until `ep` is closed (its guest was
 * killed: no timer may outlive it).
 */
async function waitEvents(ep: Epoll, timeoutMs: number, collect: () => number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return collect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ep.nextChange(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
    clearTimeout(timer);
    const n = collect();
    if (n > 0 || ep.closed) return n;
  }
}

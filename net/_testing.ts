/**
 * Test fixture: the `net` and WASI imports driven straight from TypeScript on
 * a `WebAssembly.Memory`, as a guest would call them, plus loopback helpers.
 *
 * @module
 */

import { createWasi, type WasiHost } from "../wasi/mod.ts";
import { createNet, type NetFunction } from "./mod.ts";

/** A guest's view for tests: imports, memory, and scratch addresses. */
export class Guest {
  /** The WASI host. */
  readonly wasi: WasiHost;
  /** The `net` imports. */
  readonly net: Readonly<Record<string, NetFunction>>;
  /** Guest memory (2 pages). */
  readonly memory: WebAssembly.Memory = new WebAssembly.Memory({ initial: 4 });
  /** Permission hints and other diagnostics. */
  readonly warnings: string[] = [];

  /** Where `sockaddr` arguments go. */
  static readonly ADDR = 64;
  /** Where `socklen` goes. */
  static readonly LEN = 96;
  /** Where epoll events are written. */
  static readonly EVENTS = 1024;
  /** Data buffer. */
  static readonly BUF = 65536;

  constructor() {
    this.wasi = createWasi({ asyncWrites: true, warn: (l) => this.warnings.push(l) });
    const net = createNet(this.wasi, { warn: (l) => this.warnings.push(l) });
    this.net = net.imports.net;
    net.bindMemory(this.memory);
    this.wasi.bindMemory(this.memory);
  }

  /** Bytes of memory. */
  get u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Little-endian access. */
  get dv(): DataView {
    return new DataView(this.memory.buffer);
  }

  /** Calls a `net` import that must not suspend. */
  call(name: string, ...args: number[]): number {
    const r = this.net[name](...args);
    if (typeof r !== "number") throw new Error(`${name} returned a Promise`);
    return r;
  }

  /** Writes a `sockaddr_in` for 127.0.0.1:`port` at {@linkcode Guest.ADDR}. */
  loopback(port: number): number {
    const u = this.u8;
    u.fill(0, Guest.ADDR, Guest.ADDR + 16);
    u[Guest.ADDR] = 2;
    u[Guest.ADDR + 2] = port >> 8;
    u[Guest.ADDR + 3] = port & 0xff;
    u.set([127, 0, 0, 1], Guest.ADDR + 4);
    return Guest.ADDR;
  }

  /** A listening socket on 127.0.0.1 (ephemeral port): `[fd, port]`. */
  listen(nonblocking = true): [number, number] {
    const fd = this.call("_socket", 2, 1 | (nonblocking ? 2048 : 0), 0);
    if (fd < 0) throw new Error(`socket: ${fd}`);
    const r = this.call("_bind", fd, this.loopback(0), 16);
    if (r !== 0) throw new Error(`bind: ${r}`);
    if (this.call("_listen", fd, 16) !== 0) throw new Error("listen failed");
    this.dv.setUint32(Guest.LEN, 16, true);
    if (this.call("_getsockname", fd, Guest.ADDR, Guest.LEN) !== 0) throw new Error("getsockname");
    const port = (this.u8[Guest.ADDR + 2] << 8) | this.u8[Guest.ADDR + 3];
    return [fd, port];
  }

  /** `epoll_ctl` with the packed event built here. */
  ctl(ep: number, op: number, fd: number, events: number, data = fd): number {
    const p = 128;
    this.dv.setUint32(p, events >>> 0, true);
    this.dv.setUint32(p + 4, data, true);
    this.dv.setUint32(p + 8, 0, true);
    return this.call("_epoll_ctl", ep, op, fd, p);
  }

  /** `epoll_wait`, awaited; returns the `[events, data]` pairs. */
  async wait(ep: number, timeoutMs: number, max = 16): Promise<[number, number][]> {
    const n = await this.net._epoll_wait(ep, Guest.EVENTS, max, timeoutMs);
    if (n < 0) throw new Error(`epoll_wait: ${n}`);
    const out: [number, number][] = [];
    const dv = this.dv;
    for (let i = 0; i < n; i++) {
      const p = Guest.EVENTS + 12 * i;
      out.push([dv.getUint32(p, true), dv.getUint32(p + 4, true)]);
    }
    return out;
  }

  /** Accepts with `_accept4` (waiting for the connection to arrive), non-blocking fd. */
  async accept(listener: number, flags = 2048): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const fd = await this.net._accept4(listener, 0, 0, flags);
      if (fd !== -11) return fd;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error("no connection to accept");
  }

  /** Non-blocking receive of up to `len` bytes: the text, or the negative result. */
  recv(fd: number, len = 4096, flags = 0): string | number {
    const n = this.call("_recvfrom", fd, Guest.BUF, len, flags, 0, 0);
    if (n < 0) return n;
    return new TextDecoder().decode(this.u8.subarray(Guest.BUF, Guest.BUF + n));
  }

  /** Sends text: the result of `_sendto` (a Promise for blocking sockets). */
  send(fd: number, text: string | Uint8Array): number | Promise<number> {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    this.u8.set(bytes, Guest.BUF);
    return this.net._sendto(fd, Guest.BUF, bytes.length, 0, 0, 0);
  }

  /** Closes everything. */
  close(): void {
    this.wasi.close();
  }
}

/** Reads from `conn` until `n` bytes or EOF; returns the text. */
export async function readText(conn: Deno.Conn, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const m = await conn.read(buf.subarray(got));
    if (m === null) break;
    got += m;
  }
  return new TextDecoder().decode(buf.subarray(0, got));
}

/** Waits until `cond()` or throws after `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 2));
  }
}

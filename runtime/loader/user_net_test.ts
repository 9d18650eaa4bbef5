/**
 * `net`'s effect table against the kernel loader, call by call (as
 * user_copy_test.ts does for WASI): the same `net` call with the same
 * garbage arguments runs once directly on guest memory and once through the
 * user loader's copies (request, a poisoned shadow, response) on a twin
 * host whose descriptors are in the same state — a connection with data
 * queued (a scripted peer, so that addresses are fixed), an unbound socket,
 * an epoll watching them and an eventfd. Results and memory must be
 * identical.
 */
import assert from "node:assert/strict";
import { assertSameCall, copyCall, PAGE, rng } from "./_copy_testing.ts";
import { Channel } from "./user_channel.ts";
import { NET_EFFECTS, netUserHost } from "./user_net.ts";
import { createWasi, type WasiHost } from "../../wasi/mod.ts";
import { createNet, EpollEvent, type NetHost } from "../../net/mod.ts";
import { TcpSocket } from "../../net/socket.ts";
import { Epoll } from "../../net/epoll.ts";
import { EventFd } from "../../net/eventfd.ts";

/** Arity of every `net` import tried (`_bind`, `_listen`, `_connect` would touch the network). */
const ARITY: Record<string, number> = {
  _accept4: 4,
  _epoll_create: 0,
  _epoll_ctl: 4,
  _epoll_wait: 4,
  _eventfd_sem: 1,
  _fcntl: 3,
  _getsockname: 3,
  _recvfrom: 6,
  _sendto: 6,
  _setsockopt: 5,
  _shutdown: 2,
  _socket: 3,
};

/** A peer that sends `data` once, then nothing; takes whatever is written. */
function scriptedConn(data: Uint8Array): Deno.TcpConn {
  let sent = false;
  const conn = {
    localAddr: { transport: "tcp", hostname: "127.0.0.1", port: 8080 },
    remoteAddr: { transport: "tcp", hostname: "10.1.2.3", port: 40000 },
    read(p: Uint8Array): Promise<number | null> {
      if (sent) return new Promise(() => {});
      sent = true;
      p.set(data);
      return Promise.resolve(data.length);
    },
    write: (p: Uint8Array) => Promise.resolve(p.length),
    closeWrite: () => Promise.resolve(),
    close() {},
    setNoDelay() {},
    setKeepAlive() {},
  };
  return conn as unknown as Deno.TcpConn;
}

/** A host with fds 3 (unbound socket), 4 (connection, 300 bytes queued), 5 (epoll), 6 (eventfd). */
async function twin(): Promise<{ wasi: WasiHost; net: NetHost }> {
  const wasi = createWasi({ asyncWrites: true });
  const net = createNet(wasi, { warn: () => {} });
  const fresh = new TcpSocket(false, null, () => {});
  const data = new Uint8Array(300).map((_, i) => i * 7);
  const conn = new TcpSocket(false, scriptedConn(data), () => {});
  const ep = new Epoll();
  const ev = new EventFd(2);
  for (const d of [fresh, conn, ep, ev]) wasi.fds.insert(d);
  fresh.setNonblocking(true);
  conn.setNonblocking(true);
  ep.control(1, 4, conn, EpollEvent.IN | EpollEvent.OUT, 44, 0);
  ep.control(1, 6, ev, EpollEvent.IN, 66, 1);
  // The peer's bytes arrive within a few microtasks (a timer turn if not).
  for (let i = 0; conn.queued === 0; i++) {
    await (i < 20 ? Promise.resolve() : new Promise((r) => setTimeout(r, 0)));
  }
  return { wasi, net };
}

Deno.test("user loader copies (net): every call as under the kernel loader", async () => {
  const next = rng(0x7e7);
  const ch = Channel.create();
  const succeeded: Record<string, number> = {};
  for (const [name, arity] of Object.entries(ARITY)) {
    succeeded[name] = 0;
    for (let trial = 0; trial < 40; trial++) {
      // Memory: small numbers (lengths, socklens) first, random words elsewhere.
      const init = new Uint8Array(PAGE);
      const idv = new DataView(init.buffer);
      for (let i = 0; i < PAGE; i += 4) idv.setUint32(i, i < 512 ? next() % 40 : next(), true);
      const args = Array.from({ length: arity }, () => {
        const r = next() % 8;
        return r < 2
          ? 3 + next() % 4 // one of the descriptors
          : r < 5
          ? next() % 512 // a pointer to small numbers, or a small length
          : r < 6
          ? PAGE - next() % 32 // near the end of memory
          : r < 7
          ? 0
          : next() | 0;
      });
      // Mostly meaningful descriptors and operations, so that calls get far enough to write.
      const fd = () => (next() % 8 === 0 ? next() % 16 : 3 + next() % 4);
      if (arity > 0 && next() % 8 !== 0) args[0] = name.startsWith("_epoll") ? 5 : fd();
      if (name === "_epoll_ctl") [args[1], args[2]] = [1 + next() % 3, fd()];
      if (name === "_epoll_wait") [args[2], args[3]] = [next() % 6, 0]; // never block
      if (name === "_socket") [args[0], args[1]] = [2, 1 | (next() % 2) * 2048];
      if (name === "_shutdown") args[1] = next() % 4;
      if (/_recvfrom|_sendto|_getsockname/.test(name) && next() % 2 === 0) args[0] = 4;
      if (name === "_recvfrom" || name === "_sendto") args[3] &= 2; // MSG_PEEK or nothing

      const run = async (memory: Uint8Array, viaCopies: boolean) => {
        const { wasi, net } = await twin();
        try {
          const host = netUserHost(net);
          const fn = host.imports.net[name] as (...a: number[]) => number | Promise<number>;
          if (!viaCopies) {
            net.bindMemory({ buffer: memory.buffer });
            return await fn(...args);
          }
          const call = copyCall(ch, host, NET_EFFECTS[name] ?? [], args, memory);
          const value = await fn(...(call.args as number[]));
          return call.respond(value, value >= 0);
        } finally {
          wasi.close();
        }
      };
      const memA = init.slice(), memB = init.slice();
      const resA = await run(memA, false);
      const resB = await run(memB, true);
      assertSameCall(`${name}(${args.join(", ")})`, resA, memA, resB, memB);
      if (resA >= 0) succeeded[name]++;
    }
  }
  // The calls that write memory succeeded often enough to have been compared.
  for (const name of ["_recvfrom", "_epoll_wait", "_getsockname", "_epoll_ctl", "_sendto"]) {
    assert.ok(succeeded[name] >= 4, `${name}: ${JSON.stringify(succeeded)}`);
  }
});

Deno.test("user loader: the net effect table names real imports", () => {
  const wasi = createWasi({ asyncWrites: true });
  const names = Object.keys(createNet(wasi).imports.net);
  assert.equal(names.length, 15);
  for (const name of Object.keys(NET_EFFECTS)) assert.ok(names.includes(name), name);
  wasi.close();
});

import assert from "node:assert/strict";
import { EpollEvent as E, EpollOp } from "./abi.ts";
import { Guest, readText, until } from "./_testing.ts";

const ADD = EpollOp.ADD;
const MOD = EpollOp.MOD;
const DEL = EpollOp.DEL;

/** A guest with a listener, one accepted connection `fd`, its peer `client`, and an epoll. */
async function connected() {
  const g = new Guest();
  const [listener, port] = g.listen();
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const fd = await g.accept(listener);
  const ep = g.call("_epoll_create");
  const done = () => {
    try {
      client.close();
    } catch {
      // closed by the test
    }
    g.close();
  };
  return { g, listener, port, client, fd, ep, done };
}

Deno.test("epoll: a listener is readable when a connection waits (LT)", async () => {
  const g = new Guest();
  const [listener, port] = g.listen();
  const ep = g.call("_epoll_create");
  assert.equal(g.ctl(ep, ADD, listener, E.IN, 77), 0);
  assert.deepEqual(await g.wait(ep, 0), []);
  assert.equal(g.call("_accept4", listener, 0, 0, 2048), -11, "EAGAIN before any connection");
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    assert.deepEqual(await g.wait(ep, 2000), [[E.IN, 77]]);
    assert.deepEqual(await g.wait(ep, 0), [[E.IN, 77]], "level-triggered: still pending");
    g.dv.setUint32(Guest.LEN, 16, true);
    const fd = g.call("_accept4", listener, Guest.ADDR, Guest.LEN, 2048);
    assert.ok(fd > listener);
    assert.equal(g.dv.getUint32(Guest.LEN, true), 16);
    assert.deepEqual([...g.u8.subarray(Guest.ADDR, Guest.ADDR + 8)].slice(4), [127, 0, 0, 1]);
    assert.equal(g.u8[Guest.ADDR], 2, "AF_INET");
    assert.deepEqual(await g.wait(ep, 0), [], "nothing pending after accept");
  } finally {
    client.close();
    g.close();
  }
});

Deno.test("epoll: level-triggered reports readable data until it is read", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.IN);
    assert.deepEqual(await c.g.wait(c.ep, 0), []);
    await c.client.write(new TextEncoder().encode("hello"));
    assert.deepEqual(await c.g.wait(c.ep, 2000), [[E.IN, c.fd]]);
    assert.deepEqual(await c.g.wait(c.ep, 0), [[E.IN, c.fd]], "still readable");
    assert.equal(c.g.recv(c.fd), "hello");
    assert.deepEqual(await c.g.wait(c.ep, 0), [], "drained");
    assert.equal(c.g.recv(c.fd), -11, "EAGAIN");
  } finally {
    c.done();
  }
});

Deno.test("epoll: EPOLLET reports each arrival once", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.IN | E.ET);
    await c.client.write(new TextEncoder().encode("a"));
    assert.deepEqual(await c.g.wait(c.ep, 2000), [[E.IN, c.fd]]);
    assert.deepEqual(await c.g.wait(c.ep, 0), [], "no new edge although data is unread");
    await c.client.write(new TextEncoder().encode("b"));
    assert.deepEqual(await c.g.wait(c.ep, 2000), [[E.IN, c.fd]], "a new arrival is a new edge");
    assert.equal(c.g.recv(c.fd), "ab");
  } finally {
    c.done();
  }
});

Deno.test("epoll: EPOLLONESHOT disarms until EPOLL_CTL_MOD", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.IN | E.ONESHOT, 5);
    await c.client.write(new TextEncoder().encode("x"));
    assert.deepEqual(await c.g.wait(c.ep, 2000), [[E.IN, 5]]);
    await c.client.write(new TextEncoder().encode("y"));
    await until(() => c.g.recv(c.fd, 2, 2) === "xy"); // MSG_PEEK until both arrived
    assert.deepEqual(await c.g.wait(c.ep, 20), [], "disarmed");
    assert.equal(c.g.ctl(c.ep, MOD, c.fd, E.IN | E.ONESHOT, 6), 0);
    assert.deepEqual(await c.g.wait(c.ep, 0), [[E.IN, 6]], "re-armed with the new data");
    assert.equal(c.g.ctl(c.ep, ADD, c.fd, E.IN), -17, "EEXIST");
    assert.equal(c.g.ctl(c.ep, DEL, c.fd, 0), 0);
    assert.equal(c.g.ctl(c.ep, DEL, c.fd, 0), -2, "ENOENT");
  } finally {
    c.done();
  }
});

Deno.test("epoll: EOF is readable with EPOLLRDHUP and recv returns 0", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.IN | E.RDHUP);
    c.client.close();
    const [[ev]] = await c.g.wait(c.ep, 2000);
    assert.equal(ev, E.IN | E.RDHUP);
    assert.equal(c.g.recv(c.fd), "");
  } finally {
    c.done();
  }
});

Deno.test("epoll: a reset connection ends in EPOLLERR|EPOLLHUP and EPIPE", async () => {
  const c = await connected();
  try {
    // Closing a socket with unread received data makes Linux send RST. Deno's read reports a
    // reset as end of stream, so the guest sees EOF first and the error on its next send.
    assert.equal(await c.g.send(c.fd, "unread by the client"), 20);
    await new Promise((r) => setTimeout(r, 20));
    c.client.close();
    c.g.ctl(c.ep, ADD, c.fd, E.IN | E.RDHUP);
    assert.deepEqual(await c.g.wait(c.ep, 2000), [[E.IN | E.RDHUP, c.fd]]);
    assert.equal(c.g.recv(c.fd), "");
    assert.equal(await c.g.send(c.fd, "more"), 4, "accepted into the send buffer");
    await until(() => (c.g.call("_sendto", c.fd, Guest.BUF, 1, 0, 0, 0) < 0));
    const [[ev]] = await c.g.wait(c.ep, 0);
    assert.equal(ev & (E.ERR | E.HUP), E.ERR | E.HUP, `events ${ev}`);
    assert.equal(c.g.call("_sendto", c.fd, Guest.BUF, 1, 0, 0, 0), -32, "EPIPE");
  } finally {
    c.done();
  }
});

Deno.test("epoll: half-close in both directions", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.IN | E.OUT | E.RDHUP);
    await c.client.closeWrite();
    await until(() => c.g.recv(c.fd) === "");
    const [[ev]] = await c.g.wait(c.ep, 0);
    assert.equal(ev, E.IN | E.OUT | E.RDHUP, "peer's half closed, ours still writable");
    assert.equal(await c.g.send(c.fd, "after"), 5);
    assert.equal(c.g.call("_shutdown", c.fd, 1), 0, "SHUT_WR");
    assert.equal(await readText(c.client, 100), "after", "data, then EOF for the client");
    const [[ev2]] = await c.g.wait(c.ep, 0);
    assert.equal(ev2 & E.HUP, E.HUP, "both halves closed");
    assert.equal(c.g.call("_sendto", c.fd, Guest.BUF, 1, 0, 0, 0), -32, "EPIPE after SHUT_WR");
  } finally {
    c.done();
  }
});

Deno.test("epoll: EAGAIN on a full send buffer, then EPOLLOUT (ET) once it drains", async () => {
  const c = await connected();
  try {
    c.g.ctl(c.ep, ADD, c.fd, E.OUT | E.ET);
    assert.deepEqual(await c.g.wait(c.ep, 0), [[E.OUT, c.fd]], "writable at first");
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    let r = 0;
    for (let i = 0; i < 1000; i++) {
      r = c.g.send(c.fd, chunk) as number;
      if (r < 0) break;
      sent += r;
      if (i % 4 === 3) await new Promise((res) => setTimeout(res, 1)); // let flushes fill the socket
    }
    assert.equal(r, -11, "EAGAIN once the socket and the send buffer are full");
    assert.ok(sent >= 256 * 1024, `sent ${sent}`);
    assert.deepEqual(await c.g.wait(c.ep, 0), [], "no edge while full");
    const reading = readText(c.client, sent);
    assert.deepEqual(await c.g.wait(c.ep, 5000), [[E.OUT, c.fd]], "writable again");
    c.g.call("_shutdown", c.fd, 1);
    assert.equal((await reading).length, sent);
  } finally {
    c.done();
  }
});

Deno.test("epoll: an eventfd wakes a blocked epoll_wait; semaphore reads", async () => {
  const g = new Guest();
  try {
    const efd = g.call("_eventfd_sem", 0);
    const ep = g.call("_epoll_create");
    g.ctl(ep, ADD, efd, E.IN, 9);
    const wasi = g.wasi.imports.wasi_snapshot_preview1;
    // iovec at 200 → 8 bytes at 300; nwritten at 208.
    g.dv.setUint32(200, 300, true);
    g.dv.setUint32(204, 8, true);
    const waiting = g.wait(ep, -1);
    let woke = false;
    waiting.then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(woke, false, "epoll_wait blocks while the counter is 0");
    g.dv.setBigUint64(300, 2n, true);
    assert.equal(wasi.fd_write(efd, 200, 1, 208), 0);
    assert.deepEqual(await waiting, [[E.IN, 9]]);
    g.dv.setBigUint64(300, 0n, true);
    assert.equal(await wasi.fd_read(efd, 200, 1, 208), 0);
    assert.equal(g.dv.getBigUint64(300, true), 1n, "semaphore read gives 1");
    assert.deepEqual(await g.wait(ep, 0), [[E.IN, 9]], "counter 1 left");
    assert.equal(await wasi.fd_read(efd, 200, 1, 208), 0);
    assert.deepEqual(await g.wait(ep, 0), [], "counter 0");
    g.call("_fcntl", efd, 4, 2048);
    assert.equal(await wasi.fd_read(efd, 200, 1, 208), 6, "WASI EAGAIN when non-blocking");
  } finally {
    g.close();
  }
});

Deno.test("epoll: epoll_wait times out and a closed fd leaves the interest list", async () => {
  const g = new Guest();
  try {
    const efd = g.call("_eventfd_sem", 1);
    const ep = g.call("_epoll_create");
    g.ctl(ep, ADD, efd, E.IN);
    assert.equal(g.wasi.imports.wasi_snapshot_preview1.fd_close(efd), 0);
    const t0 = performance.now();
    assert.deepEqual(await g.wait(ep, 30), []);
    assert.ok(performance.now() - t0 >= 25);
  } finally {
    g.close();
  }
});

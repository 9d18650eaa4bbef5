import assert from "node:assert/strict";
import { Guest, readText } from "./_testing.ts";

Deno.test("net: blocking recv and accept suspend until data arrives", async () => {
  const g = new Guest();
  const [listener, port] = g.listen(false);
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const fd = await g.net._accept4(listener, 0, 0, 0);
    assert.ok(fd > 0);
    const r = g.net._recvfrom(fd, Guest.BUF, 100, 0, 0, 0);
    assert.ok(r instanceof Promise, "a blocking socket with no data suspends the caller");
    await client.write(new TextEncoder().encode("late"));
    assert.equal(await r, 4);
    assert.equal(new TextDecoder().decode(g.u8.subarray(Guest.BUF, Guest.BUF + 4)), "late");
    assert.equal(g.call("_fcntl", fd, 3, 0), 2, "F_GETFL: O_RDWR, blocking");
    assert.equal(g.call("_fcntl", fd, 4, 2048), 0);
    assert.equal(g.call("_fcntl", fd, 3, 0), 2 | 2048);
    assert.equal(g.recv(fd), -11, "non-blocking now");
    assert.equal(g.call("_fcntl", fd, 1, 0), -1, "other commands: EPERM");
  } finally {
    client.close();
    g.close();
  }
});

Deno.test("net: two guest sockets talk through blocking connect, WASI fd_write and fd_read", async () => {
  const g = new Guest();
  try {
    const [listener, port] = g.listen(false);
    const c = g.call("_socket", 2, 1, 0);
    const connected = g.net._connect(c, g.loopback(port), 16);
    assert.ok(connected instanceof Promise);
    assert.equal(await connected, 0);
    const s = await g.net._accept4(listener, 0, 0, 0);
    const wasi = g.wasi.imports.wasi_snapshot_preview1;
    g.u8.set(new TextEncoder().encode("ping"), 300);
    g.dv.setUint32(200, 300, true);
    g.dv.setUint32(204, 4, true);
    assert.equal(await wasi.fd_write(c, 200, 1, 208), 0);
    assert.equal(g.dv.getUint32(208, true), 4);
    g.dv.setUint32(204, 64, true);
    assert.equal(await wasi.fd_read(s, 200, 1, 208), 0);
    assert.equal(g.dv.getUint32(208, true), 4);
    assert.equal(new TextDecoder().decode(g.u8.subarray(300, 304)), "ping");
    g.dv.setUint32(Guest.LEN, 16, true);
    assert.equal(g.call("_getsockname", c, Guest.ADDR, Guest.LEN), 0);
    assert.deepEqual([...g.u8.subarray(Guest.ADDR + 4, Guest.ADDR + 8)], [127, 0, 0, 1]);
    assert.equal(wasi.fd_close(s), 0);
    assert.equal(await g.net._recvfrom(c, Guest.BUF, 10, 0, 0, 0), 0, "EOF after the peer closed");
  } finally {
    g.close();
  }
});

Deno.test("net: non-blocking connect reports EINPROGRESS, then EPOLLOUT", async () => {
  const g = new Guest();
  try {
    const [, port] = g.listen();
    const c = g.call("_socket", 2, 1 | 2048, 0);
    const ep = g.call("_epoll_create");
    assert.equal(g.call("_connect", c, g.loopback(port), 16), -115);
    assert.equal(g.ctl(ep, 1, c, 4), 0);
    assert.deepEqual(await g.wait(ep, 2000), [[4, c]]);
    assert.equal(await g.send(c, "x"), 1);
  } finally {
    g.close();
  }
});

Deno.test("net: errors are negative Linux errnos, never traps", () => {
  const g = new Guest();
  try {
    const big = g.memory.buffer.byteLength;
    assert.equal(g.call("_socket", 1, 1, 0), -97, "EAFNOSUPPORT");
    assert.equal(g.call("_socket", 2, 2, 0), -93, "SOCK_DGRAM: EPROTONOSUPPORT");
    const fd = g.call("_socket", 2, 1, 0);
    assert.equal(g.call("_bind", fd, big - 4, 16), -14, "EFAULT");
    assert.equal(g.call("_bind", 99, g.loopback(0), 16), -9, "EBADF");
    const efd = g.call("_eventfd_sem", 0);
    assert.equal(g.call("_bind", efd, g.loopback(0), 16), -88, "ENOTSOCK");
    assert.equal(g.call("_recvfrom", fd, Guest.BUF, 10, 0, 0, 0), -107, "ENOTCONN");
    const [l, port] = g.listen();
    assert.equal(g.call("_recvfrom", l, big - 2, 10, 0, 0, 0), -14, "EFAULT before state checks");
    assert.equal(g.call("_bind", fd, g.loopback(port), 16), -98, "EADDRINUSE");
    const ep = g.call("_epoll_create");
    assert.equal(g.call("_epoll_wait", ep, big - 8, 4, 0), -14);
    assert.equal(g.call("_epoll_wait", ep, Guest.EVENTS, 0, 0), -22);
    assert.equal(g.ctl(ep, 9, efd, 1), -22, "bad op");
    assert.equal(g.ctl(fd, 1, efd, 1), -22, "not an epoll");
    assert.equal(g.ctl(ep, 1, 1, 1), -1, "stdout cannot be watched: EPERM");
    assert.equal(g.call("_shutdown", fd, 1), -107);
    assert.equal(g.call("_accept4", l, 0, 0, 1), -22, "unknown accept4 flags");
    g.dv.setInt32(300, 1, true);
    assert.equal(g.call("_setsockopt", l, 1, 2, 300, 4), 0, "SO_REUSEADDR accepted");
  } finally {
    g.close();
  }
});

Deno.test("net: a bind Deno denies is EACCES with one hint on stderr", async () => {
  const code = `
    import { Guest } from ${JSON.stringify(new URL("./_testing.ts", import.meta.url).href)};
    const g = new Guest();
    const fd = g.call("_socket", 2, 1, 0);
    const a = g.call("_bind", fd, g.loopback(0), 16);
    const fd2 = g.call("_socket", 2, 1, 0);
    const b = g.call("_bind", fd2, g.loopback(0), 16);
    console.log(JSON.stringify({ a, b, warnings: g.warnings }));
    g.close();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--no-prompt", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = out.stdin.getWriter();
  await w.write(new TextEncoder().encode(code));
  await w.close();
  const { stdout, stderr } = await out.output();
  const text = new TextDecoder().decode(stdout);
  assert.ok(text.length > 0, new TextDecoder().decode(stderr));
  const r = JSON.parse(text);
  assert.equal(r.a, -13);
  assert.equal(r.b, -13);
  assert.equal(r.warnings.length, 1, "one hint, however many denials");
  assert.match(r.warnings[0], /--allow-net/);
});

Deno.test("net: closing flushes what was sent", async () => {
  const g = new Guest();
  const [listener, port] = g.listen();
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const fd = await g.accept(listener);
    const big = new Uint8Array(150_000).fill(65);
    assert.equal(await g.send(fd, big), big.length);
    g.wasi.imports.wasi_snapshot_preview1.fd_close(fd);
    assert.equal((await readText(client, 300_000)).length, big.length);
  } finally {
    client.close();
    g.close();
  }
});

/** `p`, or a rejection after `ms` (a lost flush must fail the test, not hang it). */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("net: what several sockets send in one turn reaches each peer, turn after turn", async () => {
  const g = new Guest();
  const [listener, port] = g.listen();
  const clients = await Promise.all(
    [0, 1, 2].map(() => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  try {
    const fds = [await g.accept(listener), await g.accept(listener), await g.accept(listener)];
    for (let turn = 0; turn < 2; turn++) {
      // Two sends per socket, all in one turn: they go out together, after it.
      fds.forEach((fd, k) => assert.equal(g.send(fd, `${turn}a${k};`), 4));
      fds.forEach((fd, k) => assert.equal(g.send(fd, `${turn}b${k};`), 4));
      // Which client got which socket depends on arrival order: compare the sets.
      const got = await within(2000, Promise.all(clients.map((c) => readText(c, 8))));
      const expected = fds.map((_, k) => `${turn}a${k};${turn}b${k};`);
      assert.deepEqual(got.sort(), expected, `turn ${turn}`);
    }
  } finally {
    for (const c of clients) c.close();
    g.close();
  }
});

Deno.test("net: descriptors are all released after many connections come and go", async () => {
  const g = new Guest();
  try {
    const [listener, port] = g.listen();
    const ep = g.call("_epoll_create");
    g.ctl(ep, 1, listener, 1);
    const baseline = g.wasi.fds.count;
    const clients = await Promise.all(
      Array.from({ length: 300 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
    );
    const accepted: number[] = [];
    while (accepted.length < 300) {
      await g.wait(ep, 2000);
      for (;;) {
        const fd = g.call("_accept4", listener, 0, 0, 2048);
        if (fd < 0) break;
        g.ctl(ep, 1, fd, 1);
        accepted.push(fd);
      }
    }
    assert.equal(g.wasi.fds.count, baseline + 300);
    for (const c of clients) c.close();
    const fdClose = g.wasi.imports.wasi_snapshot_preview1.fd_close;
    let open = accepted.length;
    for (let round = 0; open > 0 && round < 500; round++) {
      for (const [, fd] of await g.wait(ep, 2000, 64)) {
        if (fd === listener) continue;
        if (g.recv(fd) === "") {
          assert.equal(fdClose(fd), 0);
          open--;
        }
      }
    }
    assert.equal(open, 0);
    assert.equal(g.wasi.fds.count, baseline, "every accepted fd closed");
    assert.deepEqual(await g.wait(ep, 0), [], "no stale registrations reported");
  } finally {
    g.close();
  }
});

/** `ss` shows a listening socket's backlog in Send-Q; without it, or a large somaxconn, no check. */
const SS_BACKLOG_VISIBLE = (() => {
  try {
    return Deno.statSync("/usr/bin/ss").isFile &&
      Number(Deno.readTextFileSync("/proc/sys/net/core/somaxconn")) >= 1024;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "net: a listener asks the kernel for a deep accept queue (not Deno's 511)",
  ignore: !SS_BACKLOG_VISIBLE,
  fn: async () => {
    const g = new Guest();
    try {
      const [, port] = g.listen(false);
      const out = await new Deno.Command("ss", { args: ["-ltnH", `sport = :${port}`] }).output();
      assert.ok(out.success, "ss failed");
      const sendQ = Number(new TextDecoder().decode(out.stdout).trim().split(/\s+/)[2]);
      assert.ok(sendQ >= 1024, `backlog ${sendQ}: a 1,000-connection burst would overflow it`);
    } finally {
      g.close();
    }
  },
});

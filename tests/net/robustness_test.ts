/**
 * Robustness of the example servers under both backends (kernel loader):
 * 1,000 concurrent well-behaved connections are all served correctly while
 * other clients misbehave — send one byte a second, send garbage, reset
 * mid-request and mid-response, half-close, never read, pipeline hundreds of
 * large requests, announce a gigabyte body — and once they are all gone the
 * server process, watched from outside through `/proc/<pid>`, is back to
 * its baseline of open descriptors and its resident memory does not grow
 * from a first round of that load to a second. And a guest short of memory
 * drops the connection it cannot serve, not everyone.
 */
import assert from "node:assert/strict";
import {
  connect,
  type GuestProcess,
  HttpConn,
  readN,
  readToEnd,
  settle,
  sleep,
  spawnGuest,
  writeAll,
} from "./_clients.ts";

const BACKENDS = ["interp", "singlepass"];
/** The leak checks read `/proc/<pid>`. */
const PROC = Deno.build.os === "linux";
/** Well-behaved concurrent connections per round. */
const MANY = 1000;
/** Descriptors the process may hold above its baseline once clients are gone. */
const FD_SLACK = 4;
/**
 * Allowed RSS growth from the first round to the second: 30 MiB or 20%, whichever is more. The
 * V8 heap still grows for a few rounds (15 MiB at most in round 2 here, then less each round);
 * a leak of the connections would be proportional to them: 1,000 sockets hold ~94 MiB of
 * buffers alone.
 */
const RSS_GROWTH_KIB = 30 * 1024;
const RSS_GROWTH_RATIO = 0.2;
/**
 * RSS the server may reach at all (it needs ~200 MiB for the 1,000 connections; a server that
 * buffered what the misbehaving clients ask for without bound would need gigabytes).
 */
const RSS_MAX_KIB = 512 * 1024;
const HELLO = "Hello from kwasm!\n";
const BIG = 2 * 1024 * 1024;
const enc = new TextEncoder();

/** Set when the well-behaved load is done; the slow clients dribble until then. */
class Phase {
  done = false;
}

/** Random bytes that contain no "\r\n\r\n" (no request end for the HTTP server to find). */
function garbage(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
    if (out[i] === 0x0a) out[i] = 0x0b;
  }
  return out;
}

/**
 * Runs `misbehave()` alongside `load()`, the slow clients dribbling while
 * the load lasts; returns the process's descriptor count measured when all
 * `MANY` connections were open (so the leak check is known to see them).
 */
async function round(
  server: GuestProcess,
  load: (atPeak: () => void) => Promise<void>,
  misbehave: (phase: Phase) => Promise<unknown>[],
): Promise<number> {
  const phase = new Phase();
  const bad = misbehave(phase);
  let peak = 0;
  try {
    await within(30_000, "the load", load(() => void (peak = server.fdCount())));
  } finally {
    phase.done = true;
  }
  await within(15_000, "the misbehaving clients", Promise.all(bad));
  return peak;
}

/** `p`, or a failure naming `what` after `ms` (a hung client fails the test, not the run). */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Two rounds of load: descriptors back to baseline after each, RSS flat from one to the next. */
async function checkNoLeaks(server: GuestProcess, run: () => Promise<number>): Promise<void> {
  const baseline = server.fdCount();
  const rss: number[] = [];
  for (let i = 1; i <= 2; i++) {
    const peak = await run();
    assert.ok(peak >= baseline + MANY, `round ${i}: ${peak} fds at peak, baseline ${baseline}`);
    const after = await settle(() => server.fdCount(), baseline + FD_SLACK, 10_000);
    assert.ok(
      after <= baseline + FD_SLACK,
      `round ${i}: ${after} fds once the clients are gone, baseline ${baseline}`,
    );
    rss.push(server.rssKiB());
    assert.ok(rss[i - 1] < RSS_MAX_KIB, `round ${i}: RSS ${rss[i - 1]} KiB`);
  }
  assert.ok(
    rss[1] - rss[0] < Math.max(RSS_GROWTH_KIB, rss[0] * RSS_GROWTH_RATIO),
    `RSS grew from ${rss[0]} KiB after round 1 to ${rss[1]} KiB after round 2`,
  );
}

async function withServer(server: GuestProcess, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    throw new Error(`${(e as Error).message}\nserver stderr: ${server.stderr()}`, { cause: e });
  } finally {
    await server.stop();
  }
}

// ---- HTTP ------------------------------------------------------------------------

async function expectHello(c: HttpConn, tag: string): Promise<void> {
  const r = await c.get("/", `X-Client: ${tag}\r\n`);
  assert.equal(r.status, 200, tag);
  assert.equal(r.body, HELLO, tag);
}

/** `MANY` keep-alive connections, each with a request, then two pipelined ones. */
async function httpLoad(port: number, atPeak: () => void): Promise<void> {
  const conns = await Promise.all(Array.from({ length: MANY }, () => HttpConn.open(port)));
  try {
    await Promise.all(conns.map((c, i) => expectHello(c, `first ${i}`)));
    atPeak();
    await Promise.all(conns.map(async (c, i) => {
      await c.send(`GET / HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: ${i}\r\n\r\n`);
      const get = await c.response();
      const head = await c.response(true);
      assert.equal(get?.body, HELLO);
      assert.equal(head?.status, 200);
      assert.equal(head?.headers.get("content-length"), String(HELLO.length));
    }));
  } finally {
    for (const c of conns) c.close();
  }
}

/** A request line sent one byte a second while the load lasts, then the rest at once. */
async function slowHttp(port: number, phase: Phase): Promise<void> {
  const c = await HttpConn.open(port);
  try {
    const req = "GET / HTTP/1.1\r\nHost: slow\r\n\r\n";
    let sent = 0;
    while (!phase.done || sent < 2) {
      await c.send(req[sent++]);
      await sleep(1000);
    }
    await c.send(req.slice(sent));
    const r = await c.response();
    assert.equal(r?.body, HELLO, "the slow client is answered in the end");
  } finally {
    c.close();
  }
}

/** Garbage with a request end: 400 and the server closes. */
async function garbageHttp400(port: number, junk: Uint8Array): Promise<void> {
  const c = await HttpConn.open(port);
  try {
    await writeAll(c.conn, junk);
    await c.send("\r\n\r\n");
    const r = await c.response();
    assert.equal(r?.status, 400);
    assert.equal(r?.headers.get("connection"), "close");
    assert.equal(await c.response(), null, "closed after the 400");
  } finally {
    c.close();
  }
}

/** Garbage without a request end, more than a request may be: 400 or a closed connection. */
async function garbageHttpFlood(port: number, seed: number): Promise<void> {
  const c = await connect(port);
  try {
    await Promise.all([
      writeAll(c, garbage(200_000, seed)).catch(() => {}), // the server may close first: EPIPE
      readToEnd(c).then((text) => assert.match(text, /^(HTTP\/1\.1 400 Bad Request\r\n|$)/)),
    ]);
  } finally {
    c.close();
  }
}

/** A whole request and half of the next, then gone before the answer comes. */
async function resetMidRequest(port: number): Promise<void> {
  const c = await connect(port);
  await c.write(enc.encode("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\nGET / HT"));
  c.close();
}

/** Asks for a large file, reads a little of it, closes with the rest unread (an RST). */
async function resetMidResponse(port: number): Promise<void> {
  const c = await HttpConn.open(port);
  await c.send("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n");
  const some = await readN(c.conn, 64 * 1024);
  assert.equal(some.length, 64 * 1024);
  c.close();
}

/**
 * Announces a body of a gigabyte: refused at once (413) and closed, rather than waited for and
 * buffered. (No body is sent: the server closes at once, and unread bytes would make its close
 * an RST that could overtake the 413.)
 */
async function hugeBody(port: number): Promise<void> {
  const c = await HttpConn.open(port);
  try {
    await c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\n");
    const r = await c.response();
    assert.equal(r?.status, 413);
    assert.equal(r?.headers.get("connection"), "close");
    assert.equal(await c.response(), null, "closed after the 413");
  } finally {
    c.close();
  }
}

/**
 * Pipelines 300 requests for the 2 MiB file in one write (600 MiB of answers) and reads none
 * while the load lasts: the server must stop answering, not buffer them all.
 */
async function pipelineNonReader(port: number, phase: Phase): Promise<void> {
  const c = await HttpConn.open(port);
  try {
    await c.send("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n".repeat(300));
    while (!phase.done) await sleep(100);
    const first = await c.response();
    assert.equal(first?.headers.get("content-length"), String(BIG));
  } finally {
    c.close(); // with answers unread: an RST
  }
}

/** Sends a request and shuts its side down: the answer still comes, then the end. */
async function halfCloseHttp(port: number): Promise<void> {
  const c = await HttpConn.open(port);
  try {
    await c.send("GET / HTTP/1.1\r\nHost: half\r\n\r\n");
    await c.conn.closeWrite();
    const r = await c.response();
    assert.equal(r?.body, HELLO, "answered after the half-close");
    assert.equal(await c.response(), null, "then closed");
  } finally {
    c.close();
  }
}

function httpMisbehavers(port: number, phase: Phase): Promise<unknown>[] {
  const bad: Promise<unknown>[] = [];
  for (let i = 0; i < 3; i++) bad.push(slowHttp(port, phase));
  for (let i = 0; i < 2; i++) bad.push(pipelineNonReader(port, phase), hugeBody(port));
  for (let i = 0; i < 4; i++) {
    bad.push(garbageHttp400(port, enc.encode("NONSENSE")));
    bad.push(garbageHttp400(port, garbage(3000, i + 1)));
    bad.push(garbageHttpFlood(port, i + 7));
    bad.push(resetMidRequest(port));
    bad.push(resetMidResponse(port));
    bad.push(halfCloseHttp(port));
  }
  return bad;
}

for (const backend of BACKENDS) {
  Deno.test({
    name: `http server (${backend}): ${MANY} keep-alive clients among misbehaving ones, no leaks`,
    ignore: !PROC,
  }, async () => {
    const dir = Deno.makeTempDirSync({ prefix: "kwasm-www-" });
    Deno.writeFileSync(`${dir}/big.bin`, garbage(BIG, 99));
    try {
      const server = await spawnGuest("http-server", backend, ["0", "/www"], [`${dir}::/www`]);
      await withServer(server, async () => {
        const port = server.port;
        // Warm-up, so lazily made host resources count in the baseline.
        await within(
          10_000,
          "the warm-up",
          Promise.all([halfCloseHttp(port), resetMidResponse(port), garbageHttpFlood(port, 3)]),
        );
        await checkNoLeaks(
          server,
          () => round(server, (atPeak) => httpLoad(port, atPeak), (p) => httpMisbehavers(port, p)),
        );
        const c = await HttpConn.open(port);
        await expectHello(c, "after");
        const big = await c.get("/big.bin");
        assert.equal(big.status, 200);
        assert.equal(big.headers.get("content-length"), String(BIG));
        c.close();
      });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

for (const backend of BACKENDS) {
  Deno.test(`http server (${backend}) short of memory drops a connection, not the server`, async () => {
    const dir = Deno.makeTempDirSync({ prefix: "kwasm-www-" });
    Deno.writeFileSync(`${dir}/big.bin`, garbage(BIG, 99));
    try {
      // 16 MiB of guest memory; each hog below needs 6 MiB (the file and its response).
      const server = await spawnGuest("http-server", backend, ["0", "/www"], [`${dir}::/www`], [
        "-W",
        "max-memory-size=16777216",
      ]);
      await withServer(server, async () => {
        const port = server.port;
        const hogs = await Promise.all(Array.from({ length: 6 }, () => HttpConn.open(port)));
        await Promise.all(hogs.map((h) => h.send("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")));
        // Some get their file, the others' connections are dropped when malloc fails.
        const got = await within(
          10_000,
          "the hogs",
          Promise.all(hogs.map((h) => h.response().then((r) => r?.status, () => undefined))),
        );
        assert.ok(got.includes(undefined), `no connection was dropped: ${got}`);
        assert.ok(got.includes(200), `no hog got its file: ${got}`);
        const c = await HttpConn.open(port);
        await expectHello(c, "meanwhile");
        for (const h of hogs) h.close();
        assert.equal((await c.get("/big.bin")).status, 200, "memory is reused once they are gone");
        c.close();
      });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

// ---- echo ------------------------------------------------------------------------

async function echo(c: Deno.TcpConn, msg: Uint8Array): Promise<void> {
  const [, back] = await Promise.all([writeAll(c, msg), readN(c, msg.length)]);
  assert.equal(back.length, msg.length);
  assert.ok(back.every((b, i) => b === msg[i]), "echoed bytes differ");
}

/** `MANY` connections, each echoing two messages of up to 4 KiB. */
async function echoLoad(port: number, atPeak: () => void): Promise<void> {
  const conns = await Promise.all(Array.from({ length: MANY }, () => connect(port)));
  try {
    await Promise.all(conns.map((c, i) => echo(c, garbage(1 + (i * 37) % 4096, i + 1))));
    atPeak();
    await Promise.all(conns.map((c, i) => echo(c, garbage(1 + (i * 53) % 4096, i + 2))));
  } finally {
    for (const c of conns) c.close();
  }
}

/** One byte a second, each echoed back before the next, while the load lasts. */
async function slowEcho(port: number, phase: Phase): Promise<void> {
  const c = await connect(port);
  try {
    for (let sent = 0; !phase.done || sent < 2; sent++) {
      await echo(c, new Uint8Array([sent & 0xff]));
      await sleep(1000);
    }
  } finally {
    c.close();
  }
}

/** Sends and never reads while the load lasts (the server must stop reading it), then leaves. */
async function nonReader(port: number, phase: Phase): Promise<void> {
  const c = await connect(port);
  const writing = writeAll(c, garbage(4 * 1024 * 1024, 5)).catch(() => {});
  while (!phase.done) await sleep(100);
  c.close(); // unread echo on our side: an RST
  await writing;
}

/** Streams a lot, reads a little, closes with the echo unread (an RST). */
async function resetMidStream(port: number, seed: number): Promise<void> {
  const c = await connect(port);
  const writing = writeAll(c, garbage(300_000, seed)).catch(() => {});
  assert.equal((await readN(c, 1024)).length, 1024);
  c.close();
  await writing;
}

/** Sends, shuts its side down, still gets the whole echo and then the end. */
async function halfCloseEcho(port: number, size: number): Promise<void> {
  const c = await connect(port);
  try {
    const msg = garbage(size, size);
    const [, back] = await Promise.all([
      writeAll(c, msg).then(() => c.closeWrite()),
      readN(c, size),
    ]);
    assert.ok(back.length === size && back.every((b, i) => b === msg[i]), "echo after half-close");
    assert.equal(await readToEnd(c), "", "then the end");
  } finally {
    c.close();
  }
}

function echoMisbehavers(port: number, phase: Phase): Promise<unknown>[] {
  const bad: Promise<unknown>[] = [nonReader(port, phase)];
  for (let i = 0; i < 3; i++) bad.push(slowEcho(port, phase));
  for (let i = 0; i < 5; i++) {
    bad.push(resetMidStream(port, i + 1));
    bad.push(halfCloseEcho(port, 1000 + i * 20_000));
    // A connection that comes and goes without a byte.
    bad.push(connect(port).then((c) => c.close()));
  }
  return bad;
}

for (const backend of BACKENDS) {
  Deno.test({
    name: `echo server (${backend}): ${MANY} clients among misbehaving ones, no leaks`,
    ignore: !PROC,
  }, async () => {
    const server = await spawnGuest("echo-server", backend, ["0"]);
    await withServer(server, async () => {
      const port = server.port;
      await within(
        10_000,
        "the warm-up",
        Promise.all([halfCloseEcho(port, 100), resetMidStream(port, 1)]),
      );
      await checkNoLeaks(
        server,
        () => round(server, (atPeak) => echoLoad(port, atPeak), (p) => echoMisbehavers(port, p)),
      );
      const c = await connect(port);
      await echo(c, garbage(100_000, 42));
      c.close();
    });
  });
}

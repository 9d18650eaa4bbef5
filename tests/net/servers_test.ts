/**
 * End to end: the example echo and HTTP servers (C against the `net` ABI)
 * serve real TCP clients on 127.0.0.1 under both backends and both loaders,
 * run by `kwasm run --net [--loader user]` in a subprocess.
 */
import assert from "node:assert/strict";
import { type Loader, type Server, startGuest } from "./_server.ts";
import { readN, readToEnd } from "./_clients.ts";

const BACKENDS = ["interp", "singlepass"];
const LOADERS: Loader[] = ["kernel", "user"];
const enc = new TextEncoder();
const dec = new TextDecoder();

async function echoOnce(port: number, size: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const msg = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
    const [, back] = await Promise.all([conn.write(msg), readN(conn, size)]);
    assert.equal(back.length, size);
    assert.ok(back.every((b, i) => b === msg[i]), "echoed bytes differ");
  } finally {
    conn.close();
  }
}

async function withServer(s: Server, body: (port: number) => Promise<void>) {
  try {
    await body(s.port);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nserver stderr: ${s.stderr()}`, { cause: e });
  } finally {
    await s.stop();
  }
}

for (const loader of LOADERS) {
  for (const backend of BACKENDS) {
    const on = loader === "kernel" ? backend : `${loader}/${backend}`;
    Deno.test(`echo server (${on}) serves many clients, half-close and resets`, async () => {
      const server = await startGuest("echo-server", backend, ["0"], [], loader);
      await withServer(server, async (port) => {
        // 200 concurrent clients with messages from 1 byte to 200 KiB.
        const sizes = [1, 1024, 16 * 1024, 200 * 1024];
        await Promise.all(Array.from({ length: 200 }, (_, i) => echoOnce(port, sizes[i % 4])));

        // Half-close: the client stops writing, still gets its echo, then EOF.
        const half = await Deno.connect({ hostname: "127.0.0.1", port });
        await half.write(enc.encode("half"));
        await half.closeWrite();
        assert.equal(await readToEnd(half), "half");
        half.close();

        // Resets mid-stream and garbage: others are still served.
        for (let i = 0; i < 20; i++) {
          const c = await Deno.connect({ hostname: "127.0.0.1", port });
          await c.write(new Uint8Array(100_000).fill(i));
          c.close(); // unread echo in the receive buffer: RST
        }
        await echoOnce(port, 5000);
      });
    });

    Deno.test(`http server (${on}): keep-alive, pipelining, files, 404/405/400`, async () => {
      const dir = Deno.makeTempDirSync({ prefix: "kwasm-www-" });
      Deno.writeTextFileSync(`${dir}/index.html`, "<h1>kwasm</h1>\n");
      try {
        const www = [`${dir}::/www`];
        const server = await startGuest("http-server", backend, ["0", "/www"], www, loader);
        await withServer(server, async (port) => {
          const base = `http://127.0.0.1:${port}`;
          const root = await fetch(`${base}/`);
          assert.equal(root.status, 200);
          assert.equal(await root.text(), "Hello from kwasm!\n");
          const file = await fetch(`${base}/index.html`);
          assert.equal(file.headers.get("content-type"), "text/html; charset=utf-8");
          assert.equal(await file.text(), "<h1>kwasm</h1>\n");
          const missing = await fetch(`${base}/nope.txt`);
          assert.equal(missing.status, 404);
          await missing.body?.cancel();
          const post = await fetch(`${base}/`, { method: "POST", body: "x" });
          assert.equal(post.status, 405);
          assert.equal(post.headers.get("allow"), "GET, HEAD");
          await post.body?.cancel();

          // Pipelining: three requests in one write, three responses in order on one connection.
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          await conn.write(enc.encode(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n" +
              "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n" +
              "GET /index.html HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
          ));
          const text = await readToEnd(conn);
          conn.close();
          const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
          assert.deepEqual(statuses, ["200", "200", "200"]);
          assert.ok(text.startsWith("HTTP/1.1 200 OK\r\n"));
          assert.ok(text.endsWith("<h1>kwasm</h1>\n"), text);
          assert.equal(text.split("<h1>kwasm</h1>").length, 2, "HEAD has no body");

          // Garbage: 400 and the connection closes; the server keeps serving.
          const bad = await Deno.connect({ hostname: "127.0.0.1", port });
          await bad.write(enc.encode("NONSENSE\r\n\r\n"));
          assert.match(await readToEnd(bad), /^HTTP\/1\.1 400 Bad Request\r\n/);
          bad.close();
          const again = await fetch(`${base}/`);
          assert.equal(await again.text(), "Hello from kwasm!\n");
        });
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    });
  }
}

for (const loader of LOADERS) {
  const on = loader === "kernel" ? "singlepass" : `${loader}/singlepass`;
  Deno.test(`echo server (${on}) holds 1000 concurrent connections, slow and garbage clients`, async () => {
    await withServer(
      await startGuest("echo-server", "singlepass", ["0"], [], loader),
      async (port) => {
        const conns = await Promise.all(
          Array.from({ length: 1000 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
        );
        try {
          // A slow client: one byte at a time while everyone else is served.
          const slow = conns[0];
          const slowDone = (async () => {
            for (const b of enc.encode("slow")) {
              await slow.write(new Uint8Array([b]));
              await new Promise((r) => setTimeout(r, 20));
            }
            return dec.decode(await readN(slow, 4));
          })();
          await Promise.all(
            conns.slice(1).map(async (c, i) => {
              const msg = enc.encode(`client ${i} ${"x".repeat(i % 300)}`);
              await c.write(msg);
              assert.equal(dec.decode(await readN(c, msg.length)), dec.decode(msg));
            }),
          );
          assert.equal(await slowDone, "slow");
        } finally {
          for (const c of conns) c.close();
        }
        await echoOnce(port, 100_000);
      },
    );
  });
}

/**
 * A raw-TCP HTTP/1.1 responder in TypeScript: `Deno.listen` and a hand-written
 * request splitter, the same work as the wasm HTTP server (keep-alive,
 * pipelining, `/` only) — a like-for-like comparison without `Deno.serve`'s
 * HTTP stack.
 *
 *   deno run --allow-net examples/native/http_raw.ts [PORT]
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8080);
const enc = new TextEncoder();
const body = "Hello from kwasm!\n";
const OK = enc.encode(
  "HTTP/1.1 200 OK\r\nServer: native\r\nContent-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${body.length}\r\n\r\n${body}`,
);
const NOT_FOUND = enc.encode(
  "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot found\n",
);
const BAD = enc.encode(
  "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
);

/** Index of "\r\n\r\n" in `b[from, len)`, or -1. */
function headerEnd(b: Uint8Array, from: number, len: number): number {
  for (let i = from; i + 3 < len; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, b: Uint8Array): Promise<void> {
  for (let off = 0; off < b.length;) off += await conn.write(b.subarray(off));
}

async function serve(conn: Deno.Conn): Promise<void> {
  let buf = new Uint8Array(16384);
  let len = 0;
  const out: Uint8Array[] = [];
  for (;;) {
    if (len === buf.length) {
      if (len >= 65536) return void (await writeAll(conn, BAD));
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = await conn.read(buf.subarray(len));
    if (n === null) return;
    len += n;
    let start = 0;
    for (;;) {
      const end = headerEnd(buf, start, len);
      if (end < 0) break;
      // GET / HTTP/1.1 — the request line's path decides.
      const root = buf[start] === 71 && buf[start + 4] === 47 && buf[start + 5] === 32;
      out.push(root ? OK : NOT_FOUND);
      start = end + 4;
    }
    if (start > 0) {
      buf.copyWithin(0, start, len);
      len -= start;
    }
    if (out.length === 1) await writeAll(conn, out[0]);
    else if (out.length > 1) {
      const all = new Uint8Array(out.reduce((s, b) => s + b.length, 0));
      let o = 0;
      for (const b of out) {
        all.set(b, o);
        o += b.length;
      }
      await writeAll(conn, all);
    }
    out.length = 0;
  }
}

const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`http server listening on http://127.0.0.1:${listener.addr.port}/`);
for await (const conn of listener) {
  serve(conn).catch(() => {}).finally(() => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  });
}

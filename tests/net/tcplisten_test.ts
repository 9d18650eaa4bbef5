/**
 * `kwasm run -S tcplisten=ADDR`: a plain WASI program accepts on the
 * preopened listener (fd 3) with `sock_accept`, under both backends.
 */
import assert from "node:assert/strict";
import { spawnDeno } from "./_server.ts";
import { readN } from "./_clients.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

async function connectRetrying(port: number): Promise<Deno.TcpConn> {
  for (let i = 0;; i++) {
    try {
      return await Deno.connect({ hostname: "127.0.0.1", port });
    } catch (e) {
      if (i > 300) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

for (const backend of ["interp", "singlepass"]) {
  Deno.test(`run -S tcplisten (${backend}): sock_accept serves a client`, async () => {
    const port = freePort();
    const child = spawnDeno([
      "cli.ts",
      "run",
      "--backend",
      backend,
      "-S",
      `tcplisten=127.0.0.1:${port}`,
      "tests/net/accept_once.wasm",
    ]);
    const conn = await connectRetrying(port);
    await conn.write(new TextEncoder().encode("hello\n"));
    const echoed = await readN(conn, 64);
    conn.close();
    const { code, stdout, stderr } = await child.output();
    assert.equal(new TextDecoder().decode(echoed), "HELLO\n");
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.equal(new TextDecoder().decode(stdout), "served 6 bytes\n");
  });
}

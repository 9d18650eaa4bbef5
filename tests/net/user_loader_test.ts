/**
 * `net` under the user loader, through the library API: each guest in its
 * own permission-less Worker with its own WASI and `net` hosts, served from
 * this isolate. (The echo and HTTP servers under `kwasm run --loader user`
 * are in servers_test.ts.)
 */
import assert from "node:assert/strict";
import { runUser, type UserGuest, wasiUserHost } from "../../runtime/loader/user.ts";
import { netUserHost } from "../../runtime/loader/user_net.ts";
import { createWasi, type WasiHost, type WasiWriter } from "../../wasi/mod.ts";
import { createNet } from "../../net/mod.ts";
import { Trap } from "../../runtime/errors.ts";
import { repoPath } from "../_fixtures.ts";
import { Guest } from "../../net/_testing.ts";
import { spawnDeno } from "./_server.ts";

const BACKENDS = ["interp", "singlepass"];
const dec = new TextDecoder();

/** Collects a guest's output. */
class Sink implements WasiWriter {
  text = "";
  writeSync(p: Uint8Array): number {
    this.text += dec.decode(p);
    return p.length;
  }
}

/** A guest started with `runUser`, its hosts and its output. */
interface Started {
  guest: UserGuest;
  wasi: WasiHost;
  out: Sink;
}

function start(file: string, args: string[], backend = "singlepass"): Started {
  const out = new Sink();
  const wasi = createWasi({ args: [file, ...args], asyncWrites: true, stdout: out, stderr: out });
  const net = createNet(wasi, { warn: (l) => out.text += `${l}\n` });
  const bytes = Deno.readFileSync(repoPath(file));
  const guest = runUser(bytes, { backend, hosts: [wasiUserHost(wasi), netUserHost(net)] });
  return { guest, wasi, out };
}

/** The port a server guest printed ("127.0.0.1:PORT"). */
async function portOf(s: Started, ms = 30_000): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const m = /127\.0\.0\.1:(\d+)/.exec(s.out.text);
    if (m !== null) return Number(m[1]);
    if (Date.now() > end) throw new Error(`no address printed: ${s.out.text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const backend of BACKENDS) {
  Deno.test(`user loader (${backend}): epoll, eventfd and socket semantics from a guest`, async () => {
    const s = start("tests/net/epoll_check.wasm", [], backend);
    const result = await s.guest.result;
    assert.doesNotMatch(s.out.text, /FAIL/);
    assert.match(s.out.text, /^done 80\/80$/m);
    assert.deepEqual(result, { kind: "exit", code: 0 });
    assert.equal(s.wasi.fds.count, 0, "every descriptor closed");
  });
}

Deno.test("user loader: the epoll checks pass under the kernel loader too", async () => {
  const out = await spawnDeno(["cli.ts", "run", "--net", "tests/net/epoll_check.wasm"]).output();
  const text = dec.decode(out.stdout);
  assert.match(text, /^done 80\/80$/m, text + dec.decode(out.stderr));
  assert.equal(out.code, 0);
});

Deno.test("user loader: killing a guest mid-request frees its port; another guest keeps serving", async () => {
  const www = ["/"]; // docroot argument; no preopen needed for "/"
  const a = start("examples/http-server/http-server.wasm", ["0", ...www]);
  const b = start("examples/http-server/http-server.wasm", ["0", ...www]);
  const c: Started[] = [];
  const [portA, portB] = await Promise.all([portOf(a), portOf(b)]);
  const hello = async (port: number) => {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    return await r.text();
  };
  try {
    assert.equal(await hello(portA), "Hello from kwasm!\n");
    assert.equal(await hello(portB), "Hello from kwasm!\n");

    // A client in the middle of a request (headers not finished), and one kept alive.
    const mid = await Deno.connect({ hostname: "127.0.0.1", port: portA });
    await mid.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n"));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(a.wasi.fds.count > 4, "the guest holds the listener and the connection");

    a.guest.kill();
    await assert.rejects(a.guest.result, (e) => e instanceof Trap && e.message === "killed");
    assert.equal(a.wasi.fds.count, 0, "every descriptor of the killed guest is closed");

    // The port is free at once: bind it here, then give it to a new guest.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: portA });
    probe.close();
    c.push(start("examples/http-server/http-server.wasm", [String(portA), ...www]));
    assert.equal(await portOf(c[0]), portA);

    // The client mid-request sees its connection end (EOF or reset), not a hang.
    const ended = await mid.read(new Uint8Array(64)).catch(() => null);
    assert.equal(ended, null);
    mid.close();

    // The other guest was never disturbed; the new one serves the old port.
    assert.equal(await hello(portB), "Hello from kwasm!\n");
    assert.equal(await hello(portA), "Hello from kwasm!\n");
  } finally {
    for (const s of [a, b, ...c]) {
      s.guest.kill();
      await s.guest.result.catch(() => {});
    }
  }
});

Deno.test("a killed guest's epoll_wait with a timeout ends with its epoll, timer and all", async () => {
  // What kill() does to a guest blocked in a 100 s epoll_wait: its fd table is closed. The wait
  // must end then, not keep its timer (and the process) alive for the 100 s.
  const g = new Guest();
  const ep = g.call("_epoll_create");
  const wait = g.net._epoll_wait(ep, Guest.EVENTS, 4, 100_000);
  assert.ok(wait instanceof Promise);
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  g.close();
  assert.equal(await wait, 0);
  assert.ok(performance.now() - t0 < 1000);
});

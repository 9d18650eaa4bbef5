import assert from "node:assert/strict";
import { Errno } from "./errno.ts";
import { createWasi, parseDir, type WasiFunction } from "./host.ts";
import { ExitStatus } from "./errors.ts";
import { BaseDescriptor, type Descriptor, WaitQueue, WOULD_BLOCK } from "./fd/descriptor.ts";
import { Fdflags, Filetype, Sdflags } from "./abi/constants.ts";
import { LISTENER_RIGHTS, SOCKET_RIGHTS } from "./abi/rights.ts";

/** Parameter kinds of every preview1 import: i = i32, I = i64. */
const SIGNATURES: Record<string, string> = {
  args_get: "ii",
  args_sizes_get: "ii",
  environ_get: "ii",
  environ_sizes_get: "ii",
  clock_res_get: "ii",
  clock_time_get: "iIi",
  fd_advise: "iIIi",
  fd_allocate: "iII",
  fd_close: "i",
  fd_datasync: "i",
  fd_fdstat_get: "ii",
  fd_fdstat_set_flags: "ii",
  fd_fdstat_set_rights: "iII",
  fd_filestat_get: "ii",
  fd_filestat_set_size: "iI",
  fd_filestat_set_times: "iIIi",
  fd_pread: "iiiIi",
  fd_prestat_get: "ii",
  fd_prestat_dir_name: "iii",
  fd_pwrite: "iiiIi",
  fd_read: "iiii",
  fd_readdir: "iiiIi",
  fd_renumber: "ii",
  fd_seek: "iIii",
  fd_sync: "i",
  fd_tell: "ii",
  fd_write: "iiii",
  path_create_directory: "iii",
  path_filestat_get: "iiiii",
  path_filestat_set_times: "iiiiIIi",
  path_link: "iiiiiii",
  path_open: "iiiiiIIii",
  path_readlink: "iiiiii",
  path_remove_directory: "iii",
  path_rename: "iiiiii",
  path_symlink: "iiiii",
  path_unlink_file: "iii",
  poll_oneoff: "iiii",
  proc_exit: "i",
  proc_raise: "i",
  random_get: "ii",
  sched_yield: "",
  sock_accept: "iii",
  sock_recv: "iiiiii",
  sock_send: "iiiii",
  sock_shutdown: "ii",
};

const quiet = {
  stdin: { read: () => Promise.resolve(null) },
  stdout: { writeSync: (p: Uint8Array) => p.length },
  stderr: { writeSync: (p: Uint8Array) => p.length },
};

Deno.test("parseDir: wasmtime's HOST[::GUEST]", () => {
  assert.deepEqual(parseDir("./data"), { host: "./data" });
  assert.deepEqual(parseDir("./data::/data"), { host: "./data", guest: "/data" });
  assert.deepEqual(parseDir("a::b::c"), { host: "a", guest: "b::c" });
});

Deno.test("createWasi: the import modules are complete", () => {
  const wasi = createWasi(quiet);
  const p1 = Object.keys(wasi.imports.wasi_snapshot_preview1).sort();
  assert.deepEqual(p1, Object.keys(SIGNATURES).sort());
  const p0 = Object.keys(wasi.imports.wasi_unstable).sort();
  assert.deepEqual(p0, p1.filter((n) => n !== "sock_accept"));
  const marked = p1.filter((n) =>
    (wasi.imports.wasi_snapshot_preview1[n] as unknown as Record<symbol, unknown>)[
      Symbol.for("kwasm.maySuspend")
    ] === true
  );
  assert.deepEqual(marked, ["fd_read", "poll_oneoff", "sock_accept", "sock_recv", "sock_send"]);
  assert.deepEqual(marked, p1.filter((n) => wasi.mayReturnPromise(n)));
  assert.equal(wasi.imports.wasi_unstable.fd_seek.name, "fd_seek");
  wasi.close();
});

Deno.test("createWasi: bad options are one clear error", () => {
  assert.throws(
    () => createWasi({ ...quiet, dirs: ["/nonexistent/dir"] }),
    /cannot preopen directory "\/nonexistent\/dir"/,
  );
  const file = Deno.makeTempFileSync();
  try {
    assert.throws(() => createWasi({ ...quiet, dirs: [file] }), /not a directory/);
  } finally {
    Deno.removeSync(file);
  }
  assert.throws(() => createWasi({ args: ["a\0b"] }), TypeError);
  assert.throws(() => createWasi({ env: { "A=B": "c" } }), TypeError);
});

/** A deterministic stream of pseudo-random numbers. */
function* lcg(seed: number): Generator<number> {
  let x = seed >>> 0;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x;
  }
}

Deno.test("every import answers garbage arguments with an errno, never a host exception", async () => {
  const dir = Deno.makeTempDirSync();
  const I32 = [0, 1, 3, 8, 100, 65532, 65535, 65536, -1, -16, 0x7fffffff, -0x80000000];
  const I64 = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 4096n];
  const rng = lcg(42);
  let calls = 0;
  try {
    for (const module of ["wasi_snapshot_preview1", "wasi_unstable"] as const) {
      for (const [name, sig] of Object.entries(SIGNATURES)) {
        if (module === "wasi_unstable" && name === "sock_accept") continue;
        for (let round = 0; round < 40; round++) {
          // A fresh host each round: garbage may well close or renumber descriptors.
          const wasi = createWasi({ ...quiet, dirs: [dir] });
          const memory = new WebAssembly.Memory({ initial: 1 });
          wasi.bindMemory(memory);
          const fn = (wasi.imports[module] as Record<string, WasiFunction>)[name];
          const args = [...sig].map((k) =>
            k === "i" ? I32[rng.next().value! % I32.length] : I64[rng.next().value! % I64.length]
          );
          let r: unknown;
          try {
            r = fn(...args);
            if (r instanceof Promise) {
              r = await Promise.race([r, new Promise((ok) => setTimeout(() => ok("pending"), 20))]);
            }
          } catch (e) {
            const exits = name === "proc_exit" || name === "proc_raise";
            assert.ok(exits && e instanceof ExitStatus, `${module}.${name}(${args}) threw ${e}`);
            r = Errno.SUCCESS;
          }
          assert.ok(
            r === "pending" || (typeof r === "number" && r >= 0 && r <= Errno.NOTCAPABLE),
            `${module}.${name}(${args}) returned ${r}`,
          );
          calls++;
          wasi.close();
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  assert.ok(calls > 3000);
});

Deno.test("start: the command's lifecycle", async () => {
  const wasi = createWasi(quiet);
  assert.throws(() => wasi.start({ exports: {} }), /no "_start" export/);
  const w2 = createWasi(quiet);
  assert.throws(() => w2.start({ exports: { _start: () => {} } }), /does not export its memory/);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const w3 = createWasi(quiet);
  assert.equal(w3.start({ exports: { memory, _start: () => {} } }), 0);
  assert.equal(w3.fds.count, 0, "descriptors are closed at the end");
  assert.throws(() => w3.start({ exports: { memory, _start: () => {} } }), /already called/);
  const w4 = createWasi(quiet);
  const exit = w4.imports.wasi_snapshot_preview1.proc_exit;
  assert.equal(w4.start({ exports: { memory, _start: () => exit(42) } }), 42);
  const w5 = createWasi(quiet);
  const p = w5.start({ exports: { memory, _start: () => Promise.reject(new ExitStatus(7)) } });
  assert.equal(await p, 7);
  const w6 = createWasi(quiet);
  assert.throws(
    () =>
      w6.start({
        exports: {
          memory,
          _start: () => {
            throw new WebAssembly.RuntimeError("unreachable");
          },
        },
      }),
    WebAssembly.RuntimeError,
  );
});

/** An in-memory connected socket: what the guest sends is kept, what it receives is queued. */
class FakeSocket extends BaseDescriptor {
  readonly filetype = Filetype.SOCKET_STREAM;
  inbound: Uint8Array[] = [];
  sent: number[] = [];
  eof = false;
  shut = 0;
  #readable = new WaitQueue();
  constructor() {
    super(SOCKET_RIGHTS);
  }
  push(text: string | null) {
    if (text === null) this.eof = true;
    else this.inbound.push(new TextEncoder().encode(text));
    this.#readable.wake();
  }
  override recv(buf: Uint8Array, peek: boolean): number {
    if (this.inbound.length === 0) return this.eof ? 0 : WOULD_BLOCK;
    const head = this.inbound[0];
    const n = Math.min(head.length, buf.length);
    buf.set(head.subarray(0, n));
    if (!peek) {
      if (n === head.length) this.inbound.shift();
      else this.inbound[0] = head.subarray(n);
    }
    return n;
  }
  override read(buf: Uint8Array): number {
    return this.recv(buf, false);
  }
  override send(buf: Uint8Array): number {
    this.sent.push(...buf);
    return buf.length;
  }
  override write(buf: Uint8Array): number {
    return this.send(buf);
  }
  override readable(): number {
    return this.inbound.length > 0 ? this.inbound[0].length : this.eof ? 0 : -1;
  }
  override waitReadable(): Promise<void> {
    return this.readable() >= 0 ? Promise.resolve() : this.#readable.wait();
  }
  override shutdown(how: number) {
    this.shut |= how;
  }
}

class FakeListener extends BaseDescriptor {
  readonly filetype = Filetype.SOCKET_STREAM;
  pending: Descriptor[] = [];
  #waiters = new WaitQueue();
  constructor() {
    super(LISTENER_RIGHTS, SOCKET_RIGHTS);
  }
  connect(s: Descriptor) {
    this.pending.push(s);
    this.#waiters.wake();
  }
  override accept(): Descriptor | null {
    return this.pending.shift() ?? null;
  }
  override readable(): number {
    return this.pending.length > 0 ? this.pending.length : -1;
  }
  override waitReadable(): Promise<void> {
    return this.pending.length > 0 ? Promise.resolve() : this.#waiters.wait();
  }
}

Deno.test("sockets: a preopened listener, sock_accept/recv/send/shutdown, blocking and not", async () => {
  const listener = new FakeListener();
  const wasi = createWasi({ ...quiet, sockets: [listener] });
  assert.ok(wasi.mayReturnPromise("fd_write"), "with sockets, fd_write may block");
  const memory = new WebAssembly.Memory({ initial: 1 });
  wasi.bindMemory(memory);
  const dv = new DataView(memory.buffer);
  const u8 = new Uint8Array(memory.buffer);
  const f = wasi.imports.wasi_snapshot_preview1;
  assert.equal(wasi.fds.get(3), listener, "the listener is fd 3, as wasmtime's tcplisten");

  // Non-blocking accept with nothing pending: EAGAIN.
  listener.fdflags = Fdflags.NONBLOCK;
  assert.equal(f.sock_accept(3, 0, 0), Errno.AGAIN);
  // Blocking accept: suspends until a connection arrives.
  listener.fdflags = 0;
  const accepted = f.sock_accept(3, Fdflags.NONBLOCK, 0);
  assert.ok(accepted instanceof Promise);
  const sock = new FakeSocket();
  listener.connect(sock);
  assert.equal(await accepted, Errno.SUCCESS);
  const fd = dv.getUint32(0, true);
  assert.equal(fd, 4);
  assert.equal(sock.fdflags, Fdflags.NONBLOCK, "the flags given to sock_accept");

  // iovec at 16 -> buffer at 100 (8 bytes); results at 32 (datalen) and 36 (flags).
  dv.setUint32(16, 100, true);
  dv.setUint32(20, 8, true);
  assert.equal(f.sock_recv(fd, 16, 1, 0, 32, 36), Errno.AGAIN, "non-blocking, no data");
  sock.push("hello");
  assert.equal(f.sock_recv(fd, 16, 1, 1, 32, 36), Errno.SUCCESS, "RECV_PEEK");
  assert.equal(f.sock_recv(fd, 16, 1, 0, 32, 36), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(u8.subarray(100, 100 + dv.getUint32(32, true))), "hello");
  // Blocking WAITALL: collects until the buffer is full.
  sock.fdflags = 0;
  const all = f.sock_recv(fd, 16, 1, 2, 32, 36);
  assert.ok(all instanceof Promise);
  sock.push("abc");
  await new Promise((r) => setTimeout(r, 5));
  sock.push("defghij");
  assert.equal(await all, Errno.SUCCESS);
  assert.equal(dv.getUint32(32, true), 8);
  assert.equal(new TextDecoder().decode(u8.subarray(100, 108)), "abcdefgh");
  // fd_read works on a socket too ("sockets are files").
  assert.equal(f.fd_read(fd, 16, 1, 32), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(u8.subarray(100, 100 + dv.getUint32(32, true))), "ij");
  sock.push(null);
  assert.equal(f.sock_recv(fd, 16, 1, 0, 32, 36), Errno.SUCCESS);
  assert.equal(dv.getUint32(32, true), 0, "end of stream");

  u8.set(new TextEncoder().encode("out"), 200);
  dv.setUint32(24, 200, true);
  dv.setUint32(28, 3, true);
  assert.equal(f.sock_send(fd, 24, 1, 0, 40), Errno.SUCCESS);
  assert.equal(f.fd_write(fd, 24, 1, 40), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(new Uint8Array(sock.sent)), "outout");
  assert.equal(f.sock_send(fd, 24, 1, 1, 40), Errno.INVAL, "no send flags exist");
  assert.equal(f.sock_shutdown(fd, Sdflags.WR), Errno.SUCCESS);
  assert.equal(sock.shut, Sdflags.WR);
  assert.equal(f.sock_shutdown(fd, 4), Errno.INVAL);
  assert.equal(f.sock_accept(fd, 0, 0), Errno.NOTCAPABLE, "a connection cannot accept");
  assert.equal(f.fd_seek(fd, 0n, 1, 0), Errno.NOTCAPABLE, "nor seek");
  // poll_oneoff sees socket readiness.
  sock.push("x");
  // subscription at 300: userdata 5, FD_READ on fd
  dv.setBigUint64(300, 5n, true);
  u8[308] = 1;
  dv.setUint32(316, fd, true);
  assert.equal(f.poll_oneoff(300, 400, 1, 440), Errno.SUCCESS);
  assert.equal(dv.getUint32(440, true), 1);
  assert.equal(dv.getBigUint64(416, true), 1n, "nbytes ready");
  wasi.close();
});

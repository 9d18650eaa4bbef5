import assert from "node:assert/strict";
import {
  INTERRUPT_GRACE_MS,
  runUser,
  USER_WORKER_OPTIONS,
  type UserHost,
  wasiUserHost,
} from "./user.ts";
import { EffectKind, WASI_P0_EFFECTS, WASI_P1_EFFECTS } from "./user_effects.ts";
import { encode } from "../binary/encode.ts";
import { parseWat } from "../text/mod.ts";
import { Trap } from "../errors.ts";
import { backtraceOf, formatFrame } from "../instance/backtrace.ts";
import { createWasi, type WasiReader, type WasiWriter } from "../../wasi/mod.ts";
import { PREVIEW0, PREVIEW1 } from "../../wasi/calls/mod.ts";

const BACKENDS = ["interp", "singlepass"];

const wasm = (text: string) => encode(parseWat(text));

/** Collects output. */
class Sink implements WasiWriter {
  text = "";
  writeSync(p: Uint8Array): number {
    this.text += new TextDecoder().decode(p);
    return p.length;
  }
}

/** Serves `data` once `gate` resolves, then end of input. */
class GatedReader implements WasiReader {
  #data: Uint8Array;
  constructor(data: string, readonly gate: Promise<void>) {
    this.#data = new TextEncoder().encode(data);
  }
  async read(p: Uint8Array): Promise<number | null> {
    await this.gate;
    if (this.#data.length === 0) return null;
    const n = Math.min(p.length, this.#data.length);
    p.set(this.#data.subarray(0, n));
    this.#data = this.#data.subarray(n);
    return n;
  }
}

/** A WASI host whose `close` calls are counted. */
function countingHost(options: Parameters<typeof createWasi>[0]) {
  const wasi = createWasi(options);
  const base = wasiUserHost(wasi);
  const host = { ...base, closed: 0 };
  host.close = () => {
    host.closed++;
    base.close!();
  };
  return host;
}

const SPIN = wasm(
  `(module (memory (export "memory") 1) (func $spin (export "_start") (loop $l (br $l))))`,
);

const FILL_2GIB = wasm(`(module (memory (export "memory") 32768 32768)
  (func (export "_start") (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x7fffffff))))`);

/** Reads stdin into a buffer of 32 bytes of 0xAA; returns n and two bytes of the buffer. */
const READ_ONCE = wasm(`(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main") (result i32 i32 i32 i32)
    (memory.fill (i32.const 100) (i32.const 0xaa) (i32.const 32))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 32))
    (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
    (i32.load (i32.const 8))
    (i32.load8_u (i32.const 100))
    (i32.load8_u (i32.const 102)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 32))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

for (const backend of BACKENDS) {
  Deno.test(`user loader (${backend}): a read copies back only the bytes read`, async () => {
    const host = countingHost({ stdin: new GatedReader("hi", Promise.resolve()) });
    const guest = runUser(READ_ONCE, {
      backend,
      hosts: [host],
      invoke: { name: "main", args: [] },
    });
    // errno 0, 2 bytes read, 'h', and the byte after them untouched.
    assert.deepEqual(await guest.result, { kind: "return", results: [0, 2, 104, 0xaa] });
    assert.equal(host.closed, 1);
  });

  Deno.test(`user loader (${backend}): kill() ends a spinning guest and closes its host`, async () => {
    const host = countingHost({});
    const guest = runUser(SPIN, { backend, hosts: [host] });
    setTimeout(() => guest.kill(), 50);
    await assert.rejects(guest.result, (e) => e instanceof Trap && e.message === "killed");
    assert.equal(host.closed, 1);
  });

  Deno.test(`user loader (${backend}): a timeout traps "interrupted" with the backtrace`, async () => {
    const t0 = performance.now();
    const guest = runUser(SPIN, { backend, timeoutMs: 100 });
    const err = await guest.result.catch((e) => e);
    assert.ok(err instanceof Trap, String(err));
    assert.equal(err.message, "interrupted");
    // The guest trapped on its flag in the worker, not by the terminate after the grace period.
    const frames = backtraceOf(err)?.map(formatFrame) ?? [];
    assert.equal(frames.length, 1, frames.join("\n"));
    assert.match(frames[0], /^at \$spin \(func 0\) offset 0x[0-9a-f]+$/);
    assert.ok(performance.now() - t0 < 5000);
  });

  Deno.test(`user loader (${backend}): a guest that cannot see its flag in time is ended after the grace period`, async () => {
    // One memory.fill of 2 GiB: a second or more in one instruction, which polls no flag.
    const t0 = performance.now();
    const guest = runUser(FILL_2GIB, { backend, timeoutMs: 300 });
    const err = await guest.result.catch((e) => e);
    const ms = performance.now() - t0;
    assert.ok(err instanceof Trap && err.message === "interrupted", String(err));
    // Terminated by the loader, not trapped in the worker: no frames, and not before the grace.
    // (Without the grace timer the fill would end and `_start` return: no error at all.)
    assert.equal(backtraceOf(err), undefined);
    assert.ok(ms >= 300 + INTERRUPT_GRACE_MS - 5, `${ms} ms`);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  Deno.test(`user loader (${backend}): a timeout ends a guest blocked in a host call, frames unknown`, async () => {
    let reading!: () => void;
    const asked = new Promise<void>((r) => reading = r);
    const stdin = new GatedReader("", new Promise(() => {}));
    const read = stdin.read.bind(stdin);
    stdin.read = (p) => (reading(), read(p));
    const host = countingHost({ stdin });
    const guest = runUser(READ_ONCE, { backend, hosts: [host], timeoutMs: 200 });
    await asked;
    const t0 = performance.now();
    const err = await guest.result.catch((e) => e);
    const ms = performance.now() - t0;
    assert.ok(err instanceof Trap && err.message === "interrupted", String(err));
    // It cannot see its flag: terminated without waiting for the grace period, frames unknown.
    assert.equal(backtraceOf(err), undefined);
    assert.ok(ms < 200 + INTERRUPT_GRACE_MS + 1000, `${ms} ms`);
    assert.equal(host.closed, 1);
  });

  Deno.test(`user loader (${backend}): kill() ends a guest blocked in a host call`, async () => {
    let reading!: () => void;
    const stdin = new GatedReader("", new Promise(() => {}));
    const asked = new Promise<void>((r) => reading = r);
    const read = stdin.read.bind(stdin);
    stdin.read = (p) => (reading(), read(p));
    const host = countingHost({ stdin });
    const guest = runUser(READ_ONCE, { backend, hosts: [host] });
    // Wait until the guest is in fd_read (the reader was asked for input), then kill it.
    await asked;
    guest.kill(new Error("enough"));
    await assert.rejects(guest.result, { message: "enough" });
    assert.equal(host.closed, 1);
  });

  Deno.test(`user loader (${backend}): a blocked guest does not stop another`, async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => open = r);
    const blocked = runUser(READ_ONCE, {
      backend,
      hosts: [countingHost({ stdin: new GatedReader("late", gate) })],
      invoke: { name: "main", args: [] },
    });
    const order: string[] = [];
    blocked.result.then(() => order.push("blocked"));
    const out = new Sink();
    const hello = wasm(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (data (i32.const 16) "second\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 7))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
    const second = runUser(hello, { backend, hosts: [countingHost({ stdout: out })] });
    assert.deepEqual(await second.result, { kind: "exit", code: 0 });
    order.push("second");
    assert.equal(out.text, "second\n");
    open();
    assert.deepEqual(await blocked.result, { kind: "return", results: [0, 4, 108, 116] });
    assert.deepEqual(order, ["second", "blocked"]);
  });

  Deno.test(`user loader (${backend}): a trap keeps its message and backtrace`, async () => {
    const trap = wasm(`(module
      (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
      (func $outer (export "outer") (param i32) (result i32) (call $inner (local.get 0))))`);
    const guest = runUser(trap, { backend, invoke: { name: "outer", args: [0] } });
    const err = await guest.result.then(() => null, (e) => e);
    assert.ok(err instanceof WebAssembly.RuntimeError);
    assert.equal(err.message, "integer divide by zero");
    // Innermost first, named, as under the kernel loader.
    assert.match(String(err.stack), /at \$inner \(func 0\)[^]*at \$outer \(func 1\)/);
  });

  Deno.test(`user loader (${backend}): any host module: i64 values, an input range`, async () => {
    // env.sum(ptr, len) → i64: the sum of the bytes, computed on the kernel side.
    let shadow: { buffer: ArrayBufferLike } = { buffer: new ArrayBuffer(0) };
    const host: UserHost = {
      imports: {
        env: {
          sum: (ptr: number, len: number, scale: bigint) => {
            const bytes = new Uint8Array(shadow.buffer, ptr, len);
            return bytes.reduce((a, b) => a + BigInt(b), 0n) * scale;
          },
        },
      },
      effects: { env: { sum: [{ kind: EffectKind.in, ptr: 0, lenArg: 1 }] } },
      bindMemory: (m) => shadow = m,
    };
    const m = wasm(`(module
      (import "env" "sum" (func $sum (param i32 i32 i64) (result i64)))
      (memory (export "memory") 1) (data (i32.const 1000) "\\01\\02\\03\\fa")
      (func (export "f") (param i64) (result i64)
        (call $sum (i32.const 1000) (i32.const 4) (local.get 0))))`);
    const guest = runUser(m, { backend, hosts: [host], invoke: { name: "f", args: [1n << 40n] } });
    assert.deepEqual(await guest.result, { kind: "return", results: [256n << 40n] });
  });
}

Deno.test("user loader: code in its workers cannot read files or connect (Deno refuses)", async () => {
  const source = `
    const out = [];
    for (const f of [() => Deno.readFile("/etc/hostname"), () => Deno.connect({ port: 9 }),
                     () => Deno.readTextFile(${JSON.stringify(import.meta.filename)})]) {
      try { await f(); out.push("allowed"); } catch (e) { out.push(e.name); }
    }
    try { out.push(Deno.env.get("HOME") ?? "none"); } catch (e) { out.push(e.name); }
    self.postMessage(out);`;
  const worker = new Worker(`data:application/javascript,${encodeURIComponent(source)}`, {
    ...USER_WORKER_OPTIONS,
  });
  const out = await new Promise((r) => worker.onmessage = (e) => r(e.data));
  worker.terminate();
  assert.deepEqual(out, ["NotCapable", "NotCapable", "NotCapable", "NotCapable"]);
});

Deno.test("user loader: the WASI effect tables name real imports, and every pointer call", () => {
  // Calls without pointer arguments: no entry needed.
  const noMemory = new Set([
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_renumber",
    "fd_sync",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "sock_shutdown",
  ]);
  for (
    const [calls, table] of [[PREVIEW1, WASI_P1_EFFECTS], [PREVIEW0, WASI_P0_EFFECTS]] as const
  ) {
    for (const name of Object.keys(calls)) {
      assert.ok(noMemory.has(name) !== Object.hasOwn(table, name), name);
    }
    for (const name of Object.keys(table)) {
      assert.ok(Object.hasOwn(calls, name) || name === "sock_accept", name);
    }
  }
});

Deno.test("user loader: a killed guest's worker stops even when its blocked call was looping", async () => {
  // A guest that reads stdin in a loop, killed while blocked in fd_read: its worker wakes from
  // Atomics.wait on the close and must stop there, not call again and park forever (which kept
  // the process alive). Run in a child process, which must exit by itself.
  const source = `
    import { runUser, wasiUserHost } from ${JSON.stringify(import.meta.resolve("./user.ts"))};
    import { createWasi } from ${JSON.stringify(import.meta.resolve("../../wasi/mod.ts"))};
    import { encode } from ${JSON.stringify(import.meta.resolve("../binary/encode.ts"))};
    import { parseWat } from ${JSON.stringify(import.meta.resolve("../text/mod.ts"))};
    const loop = encode(parseWat(\`(module
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 32))
        (loop $l (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
          (br $l))))\`));
    let reading;
    const asked = new Promise((r) => reading = r);
    const wasi = createWasi({ stdin: { read: () => (reading(), new Promise(() => {})) } });
    const guest = runUser(loop, { backend: Deno.args[0], hosts: [wasiUserHost(wasi)] });
    await asked;
    guest.kill();
    console.log(await guest.result.catch((e) => e.message));`;
  for (const backend of BACKENDS) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--unstable-worker-options", "--ext=js", source, backend],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const out = await child.output();
    clearTimeout(timer);
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.signal, null, `${backend}: the process did not exit by itself: ${text}`);
    assert.equal(text.trim(), "killed", backend);
  }
});

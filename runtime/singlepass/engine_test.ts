import assert from "node:assert/strict";
import { Exhaustion, LinkError, Trap } from "../errors.ts";
import { backtraceOf, type WasmFrame } from "../instance/backtrace.ts";
import { interpEngine } from "../interp/mod.ts";
import { instrWords, Op } from "../opcodes.ts";
import { createInterruptFlag, interrupt, startWatchdog } from "../watchdog.ts";
import { instantiateWat, wat } from "./_testing.ts";
import { maySuspend, singlepass } from "./mod.ts";
import { GUEST_TRACE_LIMIT } from "./trace_limit.ts";

const FIB = `(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))`;

Deno.test("exports compute like the original", async () => {
  const inst = await instantiateWat(FIB);
  assert.equal((inst.exports.fib as (n: number) => number)(20), 6765);
  assert.deepEqual(inst.invoke("fib", [10]), [55]);
});

/** Byte offset of the first `call` in defined function `func` of `src`. */
function callOffset(src: string, func: number): number {
  const code = wat(src).funcs[func].body;
  for (let pc = 0, k = 0; k < code.offsets.length; pc += instrWords(code.ops, pc), k++) {
    if (code.ops[pc] === Op.call) return code.offsets[k];
  }
  throw new Error("no call");
}

Deno.test("the depth bound traps with call stack exhausted, and resets for the next call", async () => {
  const inst = await instantiateWat(FIB, { maxWasmStack: 100 });
  const down = inst.exports.down as (n: number) => number;
  assert.equal(down(99), 99); // 100 frames
  assert.throws(
    () => down(100),
    (e) =>
      e instanceof Exhaustion && e.message === "call stack exhausted" &&
      // The innermost frame is the call that found the stack full, as in the interpreter.
      backtraceOf(e)![0].offset === callOffset(FIB, 1) && backtraceOf(e)!.length > 1,
  );
  // The trap left the depth global where it was; the next entry starts from 0 again.
  assert.equal(down(99), 99);
});

Deno.test("the host engine's own stack overflow becomes call stack exhausted", async () => {
  const inst = await instantiateWat(FIB, { maxWasmStack: 10_000_000 });
  assert.throws(
    () => inst.invoke("down", [50_000_000]),
    (e) =>
      e instanceof Exhaustion && e.message === "call stack exhausted" &&
      // The innermost frames, as V8 kept them: all $down (func 1).
      (backtraceOf(e)?.length ?? 0) > 0 && backtraceOf(e)!.every((f) => f.name === "down") &&
      backtraceOf(e)![0].offset === callOffset(FIB, 1),
  );
  assert.deepEqual(inst.invoke("down", [1000]), [1000]);
});

Deno.test("a trap thrown by a host function gets the wasm frames under it", async () => {
  const inst = await instantiateWat(
    `(module (import "host" "fail" (func $fail))
      (func $inner (call $fail)) (func $outer (export "outer") (call $inner)))`,
    {},
    {
      host: {
        fail: () => {
          throw new Trap("host says no");
        },
      },
    },
  );
  assert.throws(
    () => inst.invoke("outer", []),
    (e) =>
      e instanceof Trap && e.message === "host says no" &&
      backtraceOf(e)!.map((f) => f.name).join() === "inner,outer",
  );
});

Deno.test("depth counts across instances (A calls B calls A)", async () => {
  const engine = singlepass({ cache: false, maxWasmStack: 50 });
  const b = await engine.compile(wat(`(module
    (import "a" "ping" (func $ping (param i32) (result i32)))
    (func (export "pong") (param i32) (result i32) (call $ping (local.get 0))))`));
  const a = wat(`(module
    (import "b" "pong" (func $pong (param i32) (result i32)))
    (func (export "ping") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call $pong (i32.sub (local.get 0) (i32.const 1)))))))`);
  // Tie the knot through a forwarding import: a.ping → b.pong → a.ping …
  let ping: (n: number) => number = () => 0;
  const bi = await b.instantiate({ a: { ping: (n: number) => ping(n) } });
  const ai = await engine.compile(a).instantiate({ b: bi.exports });
  ping = ai.exports.ping as (n: number) => number;
  assert.equal(ping(20), 0); // 40 wasm frames
  assert.throws(() => ping(30), (e) => e instanceof Exhaustion);
});

Deno.test("traps carry the spec's message and a backtrace of the original module", async () => {
  const src = `(module
    (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func $main (export "main") (param i32) (result i32) (call $div (i32.const 7) (local.get 0))))`;
  const inst = await instantiateWat(src);
  let caught: unknown;
  try {
    inst.invoke("main", [0]);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Trap);
  assert.equal(caught.message, "integer divide by zero");
  const frames = backtraceOf(caught)!;
  assert.deepEqual(frames.map((f) => [f.func, f.name]), [[0, "div"], [1, "main"]]);
  // The offsets are the original binary's: div_s and the call, as the decoder recorded them.
  const m = wat(src);
  const divOffset = m.funcs[0].body.offsets[2];
  assert.equal(frames[0].offset, divOffset);
  assert.match(String((caught as Error).stack), /at \$div \(func 0\) offset 0x/);
});

Deno.test("V8's trap messages become the spec's", async () => {
  const inst = await instantiateWat(`(module
    (type $v (func)) (type $i (func (result i32)))
    (table 3 funcref) (elem (i32.const 1) $f)
    (memory 1)
    (func $f)
    (func (export "ovf") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
    (func (export "nan") (result i32) (i32.trunc_f32_s (f32.const nan)))
    (func (export "big") (result i64) (i64.trunc_f64_u (f64.const 1e30)))
    (func (export "oob") (result i32) (i32.load (i32.const 65536)))
    (func (export "unr") unreachable)
    (func (export "undef") (call_indirect (type $v) (i32.const 5)))
    (func (export "null") (call_indirect (type $v) (i32.const 2)))
    (func (export "sig") (drop (call_indirect (type $i) (i32.const 1))))
    (func (export "tget") (drop (table.get 0 (i32.const 7)))))`);
  const expect: Record<string, string> = {
    ovf: "integer overflow",
    nan: "invalid conversion to integer",
    big: "integer overflow",
    oob: "out of bounds memory access",
    unr: "unreachable",
    undef: "undefined element 5",
    null: "uninitialized element 2",
    sig: "indirect call type mismatch",
    tget: "out of bounds table access",
  };
  for (const [name, message] of Object.entries(expect)) {
    assert.throws(
      () => inst.invoke(name, []),
      (e) => e instanceof Trap && e.message === message,
      name,
    );
  }
});

Deno.test("invoke passes floats and vectors as exact bits", async () => {
  const inst = await instantiateWat(`(module
    (func (export "f32") (param f32) (result f32) (local.get 0))
    (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
    (func (export "v") (param v128) (result v128) (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4)))
    (func (export "multi") (param i64 f32) (result f32 i64 i32) (local.get 1) (local.get 0) (i32.const -1))
    (global (export "g") f32 (f32.const -nan:0x200001)))`);
  assert.deepEqual(inst.invoke("f32", [0x7fa0_0001]), [0x7fa0_0001]); // signalling NaN kept
  assert.deepEqual(inst.invoke("neg", [0x7ff0_0000_0000_0001n]), [0xfff0_0000_0000_0001n]);
  const v = new Uint8Array(16).fill(0x10);
  const [sum] = inst.invoke("v", [v]) as Uint8Array[];
  assert.deepEqual([...new Uint32Array(sum.buffer)], [
    0x10101011,
    0x10101012,
    0x10101013,
    0x10101014,
  ]);
  assert.deepEqual(inst.invoke("multi", [-5n, 0x3f80_0000]), [0x3f80_0000, -5n, -1]);
  assert.equal(inst.readGlobal("g"), 0xffa0_0001);
});

Deno.test("link errors use the spec's phrases", async () => {
  const engine = singlepass({ cache: false });
  const m = wat(`(module (import "env" "f" (func (param i32))) (import "env" "g" (global i64)))`);
  await assert.rejects(
    () => engine.compile(m).instantiate({ env: { f: () => {} } }),
    (e) => e instanceof LinkError && e.message.startsWith("unknown import"),
  );
  await assert.rejects(
    () => engine.compile(m).instantiate({ env: { f: () => {}, g: 1 } }),
    (e) => e instanceof LinkError && e.message.startsWith("incompatible import type"),
  );
  const other = await engine.compile(wat(`(module (func (export "f") (param i64)))`)).instantiate();
  await assert.rejects(
    () => engine.compile(m).instantiate({ env: { f: other.exports.f, g: 1n } }),
    (e) => e instanceof LinkError && e.message.startsWith("incompatible import type"),
  );
});

Deno.test("a trap in a data segment or the start function fails instantiation", async () => {
  const engine = singlepass({ cache: false });
  await assert.rejects(
    () => engine.compile(wat(`(module (memory 1) (data (i32.const 65535) "ab"))`)).instantiate(),
    (e) => e instanceof Trap && e.message === "out of bounds memory access",
  );
  await assert.rejects(
    () => engine.compile(wat(`(module (func $s unreachable) (start $s))`)).instantiate(),
    (e) => e instanceof Trap && e.message === "unreachable",
  );
});

const SPIN = `(module
  (func (export "spin") (loop $l (br $l)))
  (func $rec (export "rec") (call $rec)))`;

Deno.test("a set interrupt flag traps at loop headers and function entries", async () => {
  const flag = createInterruptFlag();
  const inst = await instantiateWat(SPIN, { maxWasmStack: 1_000_000 }, {}, { interrupt: flag });
  interrupt(flag);
  assert.throws(
    () => inst.invoke("spin", []),
    (e) => e instanceof Trap && e.message === "interrupted",
  );
  assert.throws(
    () => inst.invoke("rec", []),
    (e) => e instanceof Trap && e.message === "interrupted",
  );
});

/** Recursion without loops: mutual, through tables private and public, and through the host. */
const RECURSIONS = `(module
  (import "host" "back" (func $back))
  (type $v (func))
  (table $private 1 funcref) (elem (table $private) (i32.const 0) func $viaPrivate)
  (table $public (export "t") 1 funcref) (elem (table $public) (i32.const 0) func $viaPublic)
  (func $ping (export "mutual") (call $pong))
  (func $pong (call $ping))
  (func $viaPrivate (export "private") (call_indirect $private (type $v) (i32.const 0)))
  (func $viaPublic (export "public") (call_indirect $public (type $v) (i32.const 0)))
  (func (export "host") (call $back)))`;

/** f0 calls f1 twice, f1 calls f2 twice, …: 2^DAG_LEVELS calls with no loop and no cycle. */
const DAG_LEVELS = 40;
const DAG = `(module ${
  Array.from({ length: DAG_LEVELS }, (_, i) => `(func $f${i} (call $f${i + 1}) (call $f${i + 1}))`)
    .join(" ")
} (func $f${DAG_LEVELS}) (export "dag" (func $f0)))`;

Deno.test("a set interrupt flag stops recursion without loops, whichever way it goes", async () => {
  const flag = createInterruptFlag();
  const imports = { host: { back: () => inst.invoke("host", []) } };
  const inst = await instantiateWat(RECURSIONS, { maxWasmStack: 1_000_000 }, imports, {
    interrupt: flag,
  });
  const dag = await instantiateWat(DAG, {}, {}, { interrupt: flag });
  interrupt(flag);
  for (
    const [i, name] of [[inst, "mutual"], [inst, "private"], [inst, "public"], [inst, "host"], [
      dag,
      "dag",
    ]] as const
  ) {
    assert.throws(
      () => i.invoke(name, []),
      (e) => e instanceof Trap && e.message === "interrupted",
      name,
    );
  }
});

Deno.test("a watchdog stops 2^40 calls without a loop or a cycle", async () => {
  const dog = startWatchdog({ timeoutMs: 100 });
  try {
    await dog.ready;
    const inst = await instantiateWat(DAG, {}, {}, { interrupt: dog.flag });
    const t0 = performance.now();
    assert.throws(
      () => inst.invoke("dag", []),
      (e) => e instanceof Trap && e.message === "interrupted",
    );
    assert.ok(performance.now() - t0 < 100 + 100, `stopped after ${performance.now() - t0} ms`);
  } finally {
    dog.stop();
  }
});

Deno.test("a watchdog stops an infinite loop within 100 ms of its deadline", async () => {
  const inst0 = await instantiateWat(SPIN); // compile before starting the clock
  const dog = startWatchdog({ timeoutMs: 150 });
  try {
    await dog.ready;
    const inst = await instantiateWat(SPIN, {}, {}, { interrupt: dog.flag });
    void inst0;
    const t0 = performance.now();
    assert.throws(
      () => inst.invoke("spin", []),
      (e) => e instanceof Trap && e.message === "interrupted",
    );
    assert.ok(performance.now() - t0 < 150 + 100, `stopped after ${performance.now() - t0} ms`);
  } finally {
    dog.stop();
  }
});

Deno.test("a loop the host engine has optimized still sees the flag", async () => {
  // Count down from n: 2^32 - 1 rounds for n = 0, seconds of work.
  const flag = createInterruptFlag();
  const inst = await instantiateWat(
    `(module (func (export "count") (param i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))`,
    {},
    {},
    { interrupt: flag },
  );
  const count = inst.exports.count as (n: number) => void;
  for (let i = 0; i < 20_000; i++) count(1000); // hot: tiered up from the baseline compiler
  const dog = startWatchdog({ timeoutMs: 100, flag });
  try {
    await dog.ready;
    const t0 = performance.now();
    assert.throws(() => count(0), (e) => e instanceof Trap && e.message === "interrupted");
    assert.ok(performance.now() - t0 < 100 + 100, `stopped after ${performance.now() - t0} ms`);
  } finally {
    dog.stop();
  }
});

Deno.test("fuel runs out with all fuel consumed, and is counted", async () => {
  const src = `(module
    (func (export "spin") (loop $l (br $l)))
    (func (export "count") (param i32) (result i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 0)))`;
  const inst = await instantiateWat(src, { fuel: true }, {}, { fuel: 10_000 });
  assert.equal(inst.fuel, 10_000);
  assert.deepEqual(inst.invoke("count", [100]), [0]);
  const used = 10_000 - inst.fuel;
  assert.ok(used >= 100 * 5 && used <= 100 * 8, `used ${used}`); // 5 instructions per iteration
  assert.throws(
    () => inst.invoke("spin", []),
    (e) => e instanceof Exhaustion && e.message === "all fuel consumed",
  );
  assert.ok(inst.fuel < 0);
  inst.fuel = 1000;
  assert.deepEqual(inst.invoke("count", [10]), [0]);
});

Deno.test("a Promise-returning import suspends the guest while timers run (JSPI)", async () => {
  const inst = await instantiateWat(
    `(module
      (import "env" "sleep" (func $sleep (param i32) (result i32)))
      (func (export "run") (result i32)
        (i32.add (call $sleep (i32.const 20)) (call $sleep (i32.const 20)))))`,
    {},
    {
      env: {
        sleep: maySuspend((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms))),
      },
    },
  );
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const result = inst.invoke("run", []);
    assert.ok(result instanceof Promise);
    assert.deepEqual(await result, [40]);
    assert.ok(ticks > 5, `timers ran ${ticks} times while the guest waited`);
  } finally {
    clearInterval(timer);
  }
});

Deno.test("an async import's instance passes its async-ness on to importers", async () => {
  const engine = singlepass({ cache: false });
  const a = await engine.compile(wat(`(module
    (import "env" "get" (func $get (result i32)))
    (func (export "get") (result i32) (call $get)))`))
    .instantiate({ env: { get: async () => await Promise.resolve(7) } });
  const b = await engine.compile(wat(`(module
    (import "a" "get" (func $get (result i32)))
    (func (export "twice") (result i32) (i32.add (call $get) (call $get))))`))
    .instantiate({ a: a.exports });
  assert.deepEqual(await b.invoke("twice", []), [14]);
});

Deno.test("memories are bounded by maxMemoryBytes", async () => {
  const src = `(module (memory (export "m") 1) (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))`;
  const inst = await instantiateWat(src, { maxMemoryBytes: 4 * 65536 });
  assert.deepEqual(inst.invoke("grow", [3]), [1]);
  assert.deepEqual(inst.invoke("grow", [1]), [-1]);
  await assert.rejects(
    () => instantiateWat(`(module (memory 8))`, { maxMemoryBytes: 65536 }),
    (e) => e instanceof LinkError,
  );
});

Deno.test("call_indirect through a private table traps with the spec's phrases", async () => {
  const module = (size: number) =>
    instantiateWat(`(module
    (type $v (func)) (type $i (func (result i32)))
    (table ${size} funcref) (elem (i32.const 1) $f)
    (func $f)
    (func (export "call") (param i32) (call_indirect (type $v) (local.get 0)))
    (func (export "sig") (drop (call_indirect (type $i) (i32.const 1)))))`);
  // Indices 0 and 2 are null: the calls store the index.
  const two = await module(3);
  assert.deepEqual(two.invoke("call", [1]), []);
  // Only index 0 is null (as in C): the calls store nothing, and the null one is known.
  const lone = await module(2);
  const expect: [typeof two, string, number[], string][] = [
    [two, "call", [5], "undefined element 5"],
    [two, "call", [2], "uninitialized element 2"],
    [two, "sig", [], "indirect call type mismatch"],
    [lone, "call", [5], "undefined element"],
    [lone, "call", [0], "uninitialized element 0"],
  ];
  for (const [inst, name, args, message] of expect) {
    assert.throws(() => inst.invoke(name, args), (e) => e instanceof Trap && e.message === message);
  }
});

Deno.test("a start function may suspend, and an async instance's exports return Promises", async () => {
  let resolved = false;
  const inst = await instantiateWat(
    `(module
      (import "env" "fetch" (func $fetch (result i32)))
      (global $g (mut i32) (i32.const 0))
      (func $start (global.set $g (call $fetch)))
      (start $start)
      (func (export "get") (result i32) (global.get $g)))`,
    {},
    {
      env: {
        fetch: async () => {
          await new Promise((r) => setTimeout(r, 5));
          resolved = true;
          return 9;
        },
      },
    },
  );
  assert.ok(resolved, "instantiate waited for the start function");
  const got = (inst.exports.get as () => Promise<number>)();
  assert.ok(got instanceof Promise);
  assert.equal(await got, 9);
});

const DEEP = `(module (memory 1)
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func $sink (export "sink") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.load (i32.const 100000)))
      (else (call $sink (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "start") (param i32) (result i32) (call $sink (local.get 0))))`;

/** What `run` throws, with its backtrace. */
function thrown(run: () => unknown): { error: unknown; frames: readonly WasmFrame[] } {
  try {
    run();
  } catch (error) {
    return { error, frames: backtraceOf(error) ?? [] };
  }
  throw new Error("no trap");
}

Deno.test("a deep exhaustion's backtrace has as many frames as the interpreter's", async () => {
  const config = { maxWasmStack: 5000 };
  const sp = await instantiateWat(DEEP, config);
  const ip = await interpEngine(config).compile(wat(DEEP)).instantiate();
  const expected = thrown(() => ip.invoke("forever", [0])).frames;
  const { error, frames } = thrown(() => sp.invoke("forever", [0]));
  assert.ok(error instanceof Exhaustion && error.message === "call stack exhausted");
  assert.equal(expected.length, 1000);
  assert.ok(frames.length >= expected.length, `${frames.length} frames`);
  // Innermost first, named: the call that could not be made, then its callers.
  assert.deepEqual(frames.slice(0, 3), expected.slice(0, 3));
  assert.ok(frames.every((f) => f.name === "forever" && f.offset === callOffset(DEEP, 0)));
});

Deno.test("a trap 50 frames deep shows all 50 frames, and the host's stack trace limit stays", async () => {
  const inst = await instantiateWat(DEEP);
  const limit = Error.stackTraceLimit;
  const { error, frames } = thrown(() => inst.invoke("start", [48]));
  assert.ok(error instanceof Trap && error.message === "out of bounds memory access");
  assert.deepEqual(frames.map((f) => f.name), [...Array(49).fill("sink"), null]);
  // The exported function (the other way in) keeps every frame too.
  const start = inst.exports.start as (n: number) => number;
  assert.equal(thrown(() => start(48)).frames.length, 50);
  await Promise.resolve(); // the limit is the host's again after a microtask checkpoint
  assert.equal(Error.stackTraceLimit, limit);
});

Deno.test("the host engine's stack overflow keeps the innermost 1000 frames", async () => {
  const inst = await instantiateWat(DEEP, { maxWasmStack: 10_000_000 });
  const { error, frames } = thrown(() => inst.invoke("forever", [0]));
  assert.ok(error instanceof Exhaustion && error.message === "call stack exhausted");
  assert.equal(frames.length, 1000);
  assert.ok(frames.every((f) => f.name === "forever"));
});

Deno.test("a host function called by the guest sees the raised stack trace limit", async () => {
  let seen = 0;
  const inst = await instantiateWat(
    `(module (import "host" "peek" (func $peek)) (func (export "f") (call $peek)))`,
    {},
    { host: { peek: () => void (seen = Error.stackTraceLimit) } },
  );
  const limit = Error.stackTraceLimit;
  inst.invoke("f", []);
  assert.equal(seen, Math.max(limit, GUEST_TRACE_LIMIT));
  await Promise.resolve();
  assert.equal(Error.stackTraceLimit, limit);
  // A limit the host sets meanwhile is left alone.
  inst.invoke("f", []);
  Error.stackTraceLimit = 3;
  await Promise.resolve();
  assert.equal(Error.stackTraceLimit, 3);
  Error.stackTraceLimit = limit;
});

Deno.test("call_indirect traps through private tables match the interpreter's", async () => {
  // Tables private to the module with zero, one and several null slots: each index traps. With
  // at most one null slot (C's tables: NULL) the guard stores no index on the hot path, so
  // singlepass gives an index out of bounds without the number: the phrase alone.
  const cases: [string, [number, string, string][]][] = [
    ["(table 2 funcref) (elem (i32.const 0) $f $g)", [
      [2, "undefined element 2", "undefined element"],
      [-1, "undefined element 4294967295", "undefined element"],
    ]],
    ["(table 3 funcref) (elem (i32.const 1) $f $g)", [
      [0, "uninitialized element 0", "uninitialized element 0"],
      [7, "undefined element 7", "undefined element"],
    ]],
    ["(table 4 funcref) (elem (i32.const 1) $f)", [
      [2, "uninitialized element 2", "uninitialized element 2"],
      [4, "undefined element 4", "undefined element 4"],
    ]],
  ];
  for (const [table, traps] of cases) {
    const src = `(module ${table} (type $t (func (result i32)))
      (func $f (result i32) (i32.const 1)) (func $g (result i32) (i32.const 2))
      (func $callit (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
      (func (export "outer") (param i32) (result i32) (call $callit (local.get 0))))`;
    const sp = await instantiateWat(src);
    const ip = await interpEngine().compile(wat(src)).instantiate();
    for (const [index, message, spMessage] of traps) {
      const expected = thrown(() => ip.invoke("outer", [index]));
      const actual = thrown(() => sp.invoke("outer", [index]));
      assert.ok(actual.error instanceof Trap && expected.error instanceof Trap);
      assert.equal(actual.error.message, spMessage);
      assert.equal(expected.error.message, message);
      assert.deepEqual(actual.frames.map((f) => f.name), ["callit", null]);
      assert.deepEqual(actual.frames, expected.frames);
    }
  }
});

Deno.test("a guest keeps deep backtraces after it suspends and resumes (JSPI)", async () => {
  const tick = async () => await new Promise<number>((done) => setTimeout(() => done(0), 1));
  // One import on the trampoline's fast path (i32 → i32), one through `Suspending` (i64).
  const inst = await instantiateWat(
    `(module (import "h" "tick" (func $tick (param i32) (result i32)))
      (import "h" "tick64" (func $tick64 (param i64) (result i32))) (memory 1)
      (func $sink (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.load (i32.const 100000)))
          (else (call $sink (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "run") (param i32) (result i32)
        (drop (call $tick (i32.const 0))) (drop (call $tick (i32.const 0)))
        (call $sink (local.get 0)))
      (func (export "run64") (param i32) (result i32)
        (drop (call $tick64 (i64.const 0))) (drop (call $tick64 (i64.const 0)))
        (call $sink (local.get 0))))`,
    {},
    { h: { tick: maySuspend((_: number) => tick()), tick64: maySuspend((_: bigint) => tick()) } },
  );
  const limit = Error.stackTraceLimit;
  for (const name of ["run", "run64"]) {
    const error = await (inst.invoke(name, [200]) as Promise<unknown>).then(() => null, (e) => e);
    assert.ok(error instanceof Trap && error.message === "out of bounds memory access");
    assert.equal(backtraceOf(error)!.length, 202, name);
    assert.equal(Error.stackTraceLimit, limit);
  }
});

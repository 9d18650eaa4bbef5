/**
 * The interpreter's control over a guest: suspension at Promise-returning
 * host calls (and re-entry from host functions), fuel, the interrupt flag,
 * the exact call depth bound, memory growth bound, and trap backtraces.
 */
import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import type { EngineConfig, Imports, Instance, InstantiateOptions } from "../engine.ts";
import { Exhaustion, Trap } from "../errors.ts";
import { backtraceOf } from "../instance/backtrace.ts";
import { validate } from "../validate/mod.ts";
import { interpEngine } from "./mod.ts";

const bytes = await Deno.readFile(new URL("./testdata/control.wasm", import.meta.url));
const module = decode(bytes);
validate(module);

function instantiate(
  host: Partial<Record<"next" | "reenter", (x: number) => unknown>> = {},
  config: EngineConfig = {},
  options: InstantiateOptions = {},
): Promise<Instance> {
  const imports: Imports = {
    host: {
      next: host.next ?? ((i: number) => i),
      reenter: host.reenter ?? ((x: number) => x),
    },
  };
  return interpEngine(config).compile(module).instantiate(imports, options);
}

Deno.test("a run without Promises stays synchronous", async () => {
  const inst = await instantiate();
  assert.deepEqual(inst.invoke("sum_next", [10]), [45]);
});

Deno.test("a host Promise suspends the guest and resumes it with the value", async () => {
  let calls = 0;
  const inst = await instantiate({
    next: (i) => {
      calls++;
      return i % 3 === 0 ? new Promise((r) => setTimeout(() => r(i * 10), 1)) : i * 10;
    },
  });
  const out = inst.invoke("sum_next", [10]);
  assert.ok(out instanceof Promise);
  assert.deepEqual(await out, [450]);
  assert.equal(calls, 10);
});

Deno.test("two suspended invocations of one instance interleave correctly", async () => {
  const inst = await instantiate({ next: (i) => Promise.resolve(i) });
  const [a, b] = await Promise.all([inst.invoke("sum_next", [100]), inst.invoke("sum_next", [50])]);
  assert.deepEqual([a, b], [[4950], [1225]]);
});

Deno.test("a rejected host Promise rejects the invocation", async () => {
  const inst = await instantiate({ next: () => Promise.reject(new Error("boom")) });
  await assert.rejects(async () => await inst.invoke("sum_next", [3]), /boom/);
  // The instance still works afterwards.
  assert.deepEqual(await inst.invoke("double", [21]), [42]);
});

Deno.test("a host function can call back into the guest", async () => {
  const self: { inst?: Instance } = {};
  const inst = self.inst = await instantiate({
    reenter: (x) => (self.inst!.exports.double as (x: number) => number)(x) + 100,
  });
  assert.deepEqual(inst.invoke("outer", [5]), [111]);
});

Deno.test("a re-entered call that suspends makes the outer call suspend too", async () => {
  const self: { inst?: Instance } = {};
  const inst = self.inst = await instantiate({
    next: (i) => Promise.resolve(i),
    reenter: (x) => (self.inst!.exports.sum_next as (n: number) => Promise<number>)(x),
  });
  const out = inst.invoke("outer", [10]);
  assert.ok(out instanceof Promise);
  assert.deepEqual(await out, [46]);
});

Deno.test("fuel: enough fuel completes, too little traps 'all fuel consumed'", async () => {
  const rich = await instantiate({}, { fuel: true }, { fuel: 1_000_000 });
  assert.deepEqual(rich.invoke("count", [1000]), [1000]);
  assert.ok(rich.fuel < 1_000_000 && rich.fuel > 900_000, `fuel left ${rich.fuel}`);
  const poor = await instantiate({}, { fuel: true }, { fuel: 500 });
  assert.throws(() => poor.invoke("count", [1000]), (e) => {
    assert.ok(e instanceof Exhaustion);
    assert.equal(e.message, "all fuel consumed");
    return true;
  });
  assert.equal(poor.fuel, 0);
  assert.throws(() => poor.invoke("spin", []), { message: "all fuel consumed" });
});

Deno.test("without fuel metering, fuel is Infinity", async () => {
  const inst = await instantiate();
  assert.equal(inst.fuel, Infinity);
});

Deno.test("the interrupt flag stops an infinite loop", async () => {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const inst = await instantiate({}, {}, { interrupt: flag });
  const t = performance.now();
  // Set the flag from another thread after 50 ms.
  const worker = new Worker(
    `data:application/javascript,onmessage = (e) => { setTimeout(() => { Atomics.store(e.data, 0, 1); }, 50); }`,
    { type: "module" },
  );
  worker.postMessage(flag);
  try {
    assert.throws(() => inst.invoke("spin", []), (e) => {
      assert.ok(e instanceof Trap);
      assert.equal(e.message, "interrupted");
      return true;
    });
  } finally {
    worker.terminate();
  }
  assert.ok(performance.now() - t < 5000);
});

Deno.test("call depth is bounded exactly by maxWasmStack", async () => {
  const inst = await instantiate({}, { maxWasmStack: 1000 });
  // depth(n) uses n + 1 frames.
  assert.deepEqual(inst.invoke("depth", [999]), [999]);
  assert.throws(() => inst.invoke("depth", [1000]), (e) => {
    assert.ok(e instanceof Exhaustion);
    assert.equal(e.message, "call stack exhausted");
    return true;
  });
  // Deep recursion with the default bound traps cleanly too.
  const deflt = await instantiate();
  assert.throws(() => deflt.invoke("depth", [10_000_000]), { message: "call stack exhausted" });
  assert.deepEqual(deflt.invoke("depth", [50_000]), [50_000]);
});

Deno.test("a trap carries a backtrace with names and offsets", async () => {
  const inst = await instantiate();
  try {
    inst.invoke("div", [0]);
    assert.fail("no trap");
  } catch (e) {
    assert.ok(e instanceof Trap);
    assert.equal(e.message, "integer divide by zero");
    const frames = backtraceOf(e)!;
    assert.deepEqual(frames.map((f) => f.name), ["divide", "middle", null]);
    assert.ok(frames.every((f) => f.offset > 0));
    assert.match(e.stack!, /^Trap: integer divide by zero\n {4}at \$divide \(func 8\) offset 0x/);
  }
});

Deno.test("memory.grow returns -1 beyond maxMemoryBytes", async () => {
  const inst = await instantiate({}, { maxMemoryBytes: 5 * 65536 });
  assert.deepEqual(inst.invoke("grow_all", []), [5]);
});

Deno.test("JS-API exports convert values", async () => {
  const inst = await instantiate();
  const double = inst.exports.double as (x: unknown) => number;
  assert.equal(double(2.9), 4);
  assert.equal(double("21"), 42);
  assert.equal(inst.exports.memory instanceof WebAssembly.Memory, true);
});

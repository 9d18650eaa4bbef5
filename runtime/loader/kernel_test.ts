import assert from "node:assert/strict";
import { Exhaustion, Trap } from "../errors.ts";
import { singlepass } from "../singlepass/mod.ts";
import { wat } from "../singlepass/_testing.ts";
import { runKernel } from "./kernel.ts";

const SRC = `(module
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "spin") (loop $l (br $l)))
  (func (export "waitThenStore") (param i32)
    (i32.store (i32.const 0) (call $wait (local.get 0)))))`;

const imports = {
  env: {
    wait: async (ms: number) => await new Promise<number>((r) => setTimeout(() => r(ms), ms)),
  },
};

Deno.test("a timeout interrupts the guest and the watchdog stops", async () => {
  const compiled = singlepass({ cache: false }).compile(wat(SRC));
  const t0 = performance.now();
  await assert.rejects(
    () => runKernel(compiled, { timeoutMs: 50, imports }, (i) => i.invoke("spin", [])),
    (e) => e instanceof Trap && e.message === "interrupted",
  );
  assert.ok(performance.now() - t0 < 150 + 100);
});

Deno.test("host functions write guest memory in place, across a suspension", async () => {
  const compiled = singlepass({ cache: false }).compile(wat(SRC));
  const stored = await runKernel(compiled, { imports }, async (i) => {
    await i.invoke("waitThenStore", [5]);
    return new Int32Array((i.exports.memory as WebAssembly.Memory).buffer)[0];
  });
  assert.equal(stored, 5);
});

Deno.test("fuel is given to the instance", async () => {
  const compiled = singlepass({ cache: false, fuel: true }).compile(wat(SRC));
  await assert.rejects(
    () => runKernel(compiled, { fuel: 1000, imports }, (i) => i.invoke("spin", [])),
    (e) => e instanceof Exhaustion && e.message === "all fuel consumed",
  );
});

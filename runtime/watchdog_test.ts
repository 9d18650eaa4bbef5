import assert from "node:assert/strict";
import {
  clearInterrupt,
  createInterruptFlag,
  interrupt,
  InterruptCause,
  interruptMemory,
  startWatchdog,
} from "./watchdog.ts";

Deno.test("interrupt flags live in a shared wasm memory and take negative causes", () => {
  const flag = createInterruptFlag();
  assert.ok(flag.buffer instanceof SharedArrayBuffer);
  assert.equal(interruptMemory(flag)?.buffer, flag.buffer);
  assert.equal(interruptMemory(new Int32Array(new SharedArrayBuffer(4))), undefined);
  assert.equal(flag[0], 0);
  interrupt(flag);
  assert.equal(flag[0], InterruptCause.host);
  assert.ok(flag[0] < 0);
  clearInterrupt(flag);
  assert.equal(flag[0], 0);
});

Deno.test("a watchdog sets the flag at its deadline, while this thread is busy", async () => {
  const dog = startWatchdog({ timeoutMs: 50 });
  try {
    await dog.ready;
    const t0 = performance.now();
    while (Atomics.load(dog.flag, 0) === 0 && performance.now() - t0 < 2000) {
      // busy: no event loop turn here
    }
    assert.equal(dog.cause, InterruptCause.timeout);
    assert.ok(performance.now() - t0 < 150, `set after ${performance.now() - t0} ms`);
  } finally {
    dog.stop();
  }
});

// SIGINT is tested end to end in runtime/singlepass/interrupt_test.ts, in a child process:
// `deno test` ends itself on SIGINT.

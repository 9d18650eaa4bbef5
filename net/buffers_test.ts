import assert from "node:assert/strict";
import { BufferPool } from "./buffers.ts";

Deno.test("BufferPool: a given-back buffer is the next one taken", () => {
  const pool = new BufferPool(1024, 2);
  const a = pool.take();
  assert.equal(a.length, 1024);
  pool.give(a);
  assert.equal(pool.idle, 1);
  assert.equal(pool.take(), a);
  assert.equal(pool.idle, 0);
  assert.notEqual(pool.take(), a, "an empty pool allocates");
});

Deno.test("BufferPool: keeps at most `max`, and only whole buffers of its size", () => {
  const pool = new BufferPool(1024, 2);
  pool.give(new Uint8Array(2048)); // grown
  pool.give(new Uint8Array(4096).subarray(0, 1024)); // a view of a bigger buffer
  pool.give(new Uint8Array(2048).subarray(1024)); // a view at an offset
  assert.equal(pool.idle, 0);
  for (let i = 0; i < 5; i++) pool.give(new Uint8Array(1024));
  assert.equal(pool.idle, 2);
});

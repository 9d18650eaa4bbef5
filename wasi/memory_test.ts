import assert from "node:assert/strict";
import { Errno } from "./errno.ts";
import { WasiError } from "./errors.ts";
import { GuestMemory } from "./memory.ts";

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
  return Errno.SUCCESS;
}

Deno.test("GuestMemory: every access is bounds-checked with EFAULT", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const m = new GuestMemory();
  m.bind(memory);
  const end = 65536;
  assert.equal(errno(() => m.setU32(end - 4, 1)), Errno.SUCCESS);
  assert.equal(errno(() => m.setU32(end - 3, 1)), Errno.FAULT);
  assert.equal(errno(() => m.setU64(end - 7, 1n)), Errno.FAULT);
  assert.equal(errno(() => m.setU64n(end - 8, 2 ** 40)), Errno.SUCCESS);
  assert.equal(m.u64(end - 8), 2n ** 40n);
  assert.equal(errno(() => m.u16(-1)), Errno.FAULT, "a negative i32 is a huge address");
  assert.equal(errno(() => m.bytes(0, end)), Errno.SUCCESS);
  assert.equal(errno(() => m.bytes(1, end)), Errno.FAULT);
  assert.equal(errno(() => m.bytes(0xfffffff0 | 0, 0x20)), Errno.FAULT, "no wrap-around");
  assert.equal(errno(() => m.string(end, 0)), Errno.SUCCESS);
  assert.equal(errno(() => m.iovecTotal(end - 4, 1)), Errno.FAULT);
});

Deno.test("GuestMemory: views follow memory.grow", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  const m = new GuestMemory();
  m.bind(memory);
  assert.equal(errno(() => m.setU32(70000, 7)), Errno.FAULT);
  memory.grow(1);
  m.refresh();
  m.setU32(70000, 7);
  assert.equal(new DataView(memory.buffer).getUint32(70000, true), 7);
  const before = m.u8;
  m.refresh();
  assert.equal(m.u8, before, "no new view without growth");
});

Deno.test("GuestMemory: gather and scatter over iovecs", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const m = new GuestMemory();
  m.bind(memory);
  const u8 = new Uint8Array(memory.buffer);
  u8.set(new TextEncoder().encode("hello"), 100);
  u8.set(new TextEncoder().encode("world"), 200);
  // iovecs at 0: {100, 5}, {300, 0}, {200, 5}
  for (const [i, [p, l]] of [[100, 5], [300, 0], [200, 5]].entries()) {
    m.setU32(i * 8, p);
    m.setU32(i * 8 + 4, l);
  }
  const total = m.iovecTotal(0, 3);
  assert.equal(total, 10);
  assert.equal(new TextDecoder().decode(m.gather(0, 3, total)), "helloworld");
  const one = m.gather(16, 1, 5);
  assert.equal(one.buffer, memory.buffer, "a single buffer is not copied");
  const target = m.scatterTarget(0, 3, total);
  target.set(new TextEncoder().encode("HELLOWORLD"));
  m.scatter(0, 3, target, 7);
  assert.equal(new TextDecoder().decode(u8.subarray(100, 105)), "HELLO");
  assert.equal(new TextDecoder().decode(u8.subarray(200, 205)), "WOrld", "only n bytes scattered");
});

Deno.test("GuestMemory: strings must be UTF-8", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const m = new GuestMemory();
  m.bind(memory);
  new Uint8Array(memory.buffer).set([0x61, 0xff, 0x62], 10);
  assert.equal(errno(() => m.string(10, 3)), Errno.ILSEQ);
  assert.equal(m.string(10, 1), "a");
});

Deno.test("GuestMemory: shared memory works too", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const m = new GuestMemory();
  m.bind(memory);
  new Uint8Array(memory.buffer).set(new TextEncoder().encode("path"), 8);
  assert.equal(m.string(8, 4), "path");
  memory.grow(1);
  m.refresh();
  m.setU32(65536 + 8, 1);
});

Deno.test("GuestMemory: using it before bind is a trap, not an errno", () => {
  const m = new GuestMemory();
  assert.throws(
    () => m.refresh(),
    (e) => e instanceof WebAssembly.RuntimeError && /memory was bound/.test(e.message),
  );
});

Deno.test("GuestMemory: a MemoryLike that swaps buffers without detaching is followed", () => {
  let buffer = new ArrayBuffer(16);
  const m = new GuestMemory();
  m.bind({
    get buffer() {
      return buffer;
    },
  });
  assert.equal(errno(() => m.setU32(20, 1)), Errno.FAULT);
  buffer = new ArrayBuffer(32); // the old one stays attached
  m.refresh();
  m.setU32(20, 9);
  assert.equal(new DataView(buffer).getUint32(20, true), 9);
});

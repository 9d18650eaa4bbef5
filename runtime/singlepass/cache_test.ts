import assert from "node:assert/strict";
import { encode } from "../binary/encode.ts";
import { Trap } from "../errors.ts";
import { backtraceOf } from "../instance/backtrace.ts";
import { wat } from "./_testing.ts";
import { GuardCache } from "./cache.ts";
import { singlepass } from "./mod.ts";

const SRC = `(module (func (export "answer") (result i32) (i32.const 42)))`;

Deno.test("a second compile of the same bytes comes from the cache", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = encode(wat(SRC));
    const first = singlepass({ cache: dir });
    await first.compileBytes(bytes).instantiate();
    assert.equal(first.lastCompile?.cached, false);
    const second = singlepass({ cache: dir });
    const inst = await second.compileBytes(bytes).instantiate();
    assert.equal(second.lastCompile?.cached, true);
    assert.equal(second.lastCompile?.codegenMs, 0);
    assert.equal((inst.exports.answer as () => number)(), 42);
    // Other options are another entry.
    const fuel = singlepass({ cache: dir, fuel: true });
    fuel.compileBytes(bytes);
    assert.equal(fuel.lastCompile?.cached, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a corrupt cache entry is replaced by codegen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = encode(wat(SRC));
    const cache = new GuardCache(dir);
    const key = cache.key(bytes, { maxWasmStack: 100_000, fuel: false });
    assert.ok(cache.put(key, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99])));
    const engine = singlepass({ cache: dir });
    const inst = await engine.compileBytes(bytes).instantiate();
    assert.equal(engine.lastCompile?.cached, false);
    assert.equal((inst.exports.answer as () => number)(), 42);
    assert.ok(WebAssembly.validate(cache.get(key)!), "the entry was rewritten");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without bytes, or with the cache off, nothing is cached", async () => {
  const dir = await Deno.makeTempDir();
  try {
    singlepass({ cache: dir }).compile(wat(SRC));
    singlepass({ cache: false }).compileBytes(encode(wat(SRC)));
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("from the cache, traps still get a backtrace with names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = encode(wat(`(module
      (func $boom (export "boom") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))`));
    singlepass({ cache: dir }).compileBytes(bytes);
    const engine = singlepass({ cache: dir });
    const compiled = engine.compileBytes(bytes);
    assert.equal(engine.lastCompile?.cached, true);
    assert.equal(compiled.header.funcs[0].body.ops.length, 1); // a placeholder body
    const inst = await compiled.instantiate();
    assert.deepEqual(inst.invoke("boom", [2]), [0]);
    assert.throws(() => inst.invoke("boom", [0]), (e) => {
      assert.deepEqual(backtraceOf(e)?.map((f) => f.name), ["boom"]);
      return e instanceof Trap;
    });
    assert.equal(compiled.module.funcs[0].body.ops.length > 1, true); // decoded on demand
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

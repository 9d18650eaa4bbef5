/** The v128 lane adapters of the differential fuzzer, on every executor. */
import assert from "node:assert/strict";
import { decode } from "../../runtime/binary/decode.ts";
import { encode } from "../../runtime/binary/encode.ts";
import { parseWat } from "../../runtime/text/mod.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { adaptV128 } from "./v128_adapter.ts";
import { executorByName, EXECUTORS } from "./scenario.ts";

const WAT = `(module
  (func (export "swap") (param v128 i32) (result i32 v128)
    local.get 1
    local.get 0
    (i32x4.shl (local.get 0) (i32.const 1))
    i32x4.add)
  (func (export "splat") (param f64) (result v128) (f64x2.splat (local.get 0)))
  (func (export "plain") (param i32) (result i32) (local.get 0)))`;

Deno.test("adaptV128 passes v128 as four i32 lanes, on every executor", async () => {
  const m = parseWat(WAT);
  assert.deepEqual(adaptV128(m), { exports: 2, imports: 0 });
  validate(m);
  const bytes = encode(m);
  const module = decode(bytes);
  for (const name of EXECUTORS) {
    const exports = await (await executorByName(name)).instantiate(bytes, module, {});
    const f = exports as Record<string, (...a: unknown[]) => unknown>;
    // (lane * 2 + lane) for each lane; the i32 comes first.
    assert.deepEqual(f.swap(1, -2, 0x40000000, 7, 99), [99, 3, -6, -0x40000000, 21], name);
    // 1.0 as an f64: low word 0, high word 0x3ff00000, twice.
    assert.deepEqual(f.splat(1), [0, 0x3ff00000, 0, 0x3ff00000], name);
    assert.equal(f.plain(5), 5, name);
  }
});

Deno.test("adaptV128 hands v128 arguments of imports over as lanes, on every executor", async () => {
  const m = parseWat(`(module
    (import "host" "log" (func $log (param i32 v128)))
    (func (export "run") (param i32)
      (call $log (local.get 0) (i32x4.splat (local.get 0)))
      (call $log (i32.const 7) (v128.const i32x4 1 2 3 4)))
    (export "log" (func $log)))`);
  assert.deepEqual(adaptV128(m), { exports: 1, imports: 1 });
  validate(m);
  const bytes = encode(m);
  const module = decode(bytes);
  for (const name of EXECUTORS) {
    const seen: number[][] = [];
    const imports = { host: { log: (...lanes: number[]) => void seen.push(lanes) } };
    const exports = await (await executorByName(name)).instantiate(bytes, module, imports);
    const f = exports as Record<string, (...a: unknown[]) => unknown>;
    f.run(-5);
    f.log(1, 9, 8, 7, 6);
    assert.deepEqual(seen, [[-5, -5, -5, -5, -5], [7, 1, 2, 3, 4], [1, 9, 8, 7, 6]], name);
  }
});

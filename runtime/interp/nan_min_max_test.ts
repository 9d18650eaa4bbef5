/**
 * Regression: once V8 optimizes the interpreter's loop, `Math.min`/`Math.max`
 * of a NaN can come back with arbitrary payload bits (all ones was seen on
 * `f64.wast` under fuel metering). wasm requires a canonical NaN when the NaN
 * inputs are canonical, so the interpreter must canonicalize.
 */
import assert from "node:assert/strict";
import { parseWat } from "../text/mod.ts";
import { interpEngine } from "./mod.ts";

const WAT = `(module
  ;; Counts, over n rounds, the results of min/max with a canonical NaN input
  ;; whose bits are not a canonical NaN (either sign).
  (func (export "bad") (param $n i32) (result i32)
    (local $bad i32) (local $x f64) (local $bits i64)
    (loop $l
      (local.set $x (f64.convert_i32_s (local.get $n)))
      (local.set $bits (i64.reinterpret_f64 (f64.min (f64.const nan) (local.get $x))))
      (if (i64.ne (i64.and (local.get $bits) (i64.const 0x7fffffffffffffff))
                  (i64.const 0x7ff8000000000000))
        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
      (local.set $bits (i64.reinterpret_f64 (f64.max (local.get $x) (f64.const -nan))))
      (if (i64.ne (i64.and (local.get $bits) (i64.const 0x7fffffffffffffff))
                  (i64.const 0x7ff8000000000000))
        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
      (if (i32.ne (i32.and (i32.reinterpret_f32 (f32.min (f32.const nan) (f32.const 1)))
                           (i32.const 0x7fffffff))
                  (i32.const 0x7fc00000))
        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $bad)))`;

for (const fuel of [false, true]) {
  Deno.test(`interp: min/max of a canonical NaN stay canonical when hot (fuel ${fuel})`, async () => {
    const inst = await interpEngine({ fuel }).compile(parseWat(WAT)).instantiate();
    // Enough rounds for V8 to optimize the interpreter's main loop.
    for (let round = 0; round < 5; round++) {
      assert.deepEqual(await inst.invoke("bad", [200_000]), [0]);
    }
  });
}

import assert from "node:assert/strict";
import type { Code } from "../module.ts";
import { forEachInstr, Op } from "../opcodes.ts";
import { instantiateWat, wat } from "./_testing.ts";
import { guard } from "./guard.ts";
import { Trap } from "../errors.ts";

/** `fN.ne` instructions in `code`. */
function nes(code: Code): number {
  let n = 0;
  forEachInstr(code, (id) => {
    if (id === Op.f32_ne || id === Op.f64_ne) n++;
  });
  return n;
}

/** NaN tests (`fN.ne x x`) the guard pass added to the module's only function. */
function nanTests(body: string): number {
  const m = wat(`(module ${body})`);
  const { module: g, layout } = guard(m, { maxWasmStack: 100, fuel: false });
  return nes(g.funcs[layout.innerBase].body) - nes(m.funcs[0].body);
}

// clang's range checks before a conversion, as in tests/fixtures/large.
const SIGNED = `(func (param f64) (result i32) (local i32)
  (local.set 1 (i32.const -2147483648))
  (block
    (br_if 0 (i32.eqz (f64.lt (f64.abs (local.get 0)) (f64.const 0x1p+31))))
    (local.set 1 (i32.trunc_f64_s (local.get 0))))
  (local.get 1))`;
const UNSIGNED = `(func (param f32) (result i32) (local i32)
  (block
    (br_if 0 (i32.eqz (i32.and
      (f32.lt (local.get 0) (f32.const 0x1p+32))
      (f32.ge (local.get 0) (f32.const 0)))))
    (local.set 1 (i32.trunc_f32_u (local.get 0))))
  (local.get 1))`;

Deno.test("a conversion behind clang's range check has no NaN test", () => {
  assert.equal(nanTests(SIGNED), 0);
  assert.equal(nanTests(UNSIGNED), 0);
  // Other locals read between the branch and the conversion (a store's address) keep the proof.
  assert.equal(
    nanTests(`(memory 1) (func (param f64 i32)
      (block
        (br_if 0 (i32.eqz (f64.lt (f64.abs (local.get 0)) (f64.const 0x1p+31))))
        (i32.store (local.get 1) (i32.trunc_f64_s (local.get 0)))))`),
    0,
  );
});

Deno.test("a conversion without that proof keeps its NaN test", () => {
  // No check at all.
  assert.equal(nanTests(`(func (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))`), 1);
  // `ne` is true for NaN: falling through proves nothing.
  assert.equal(nanTests(SIGNED.replace("f64.lt", "f64.ne")), 1);
  // The branch is taken when the compare holds: the fall-through may be NaN.
  assert.equal(
    nanTests(SIGNED.replace("(i32.eqz (f64.lt", "(f64.lt").replace("31))))", "31)))")),
    1,
  );
  // The local is written after the check.
  assert.equal(
    nanTests(
      SIGNED.replace(
        "(local.set 1 (i32.trunc",
        "(local.set 0 (f64.const nan)) (local.set 1 (i32.trunc",
      ),
    ),
    1,
  );
  // A label between the check and the conversion: another path may reach it.
  assert.equal(
    nanTests(`(func (param f64) (result i32)
      (block
        (br_if 0 (i32.eqz (f64.lt (f64.abs (local.get 0)) (f64.const 0x1p+31)))))
      (i32.trunc_f64_s (local.get 0)))`),
    1,
  );
  // The compare is of another local.
  assert.equal(
    nanTests(`(func (param f64 f64) (result i32)
      (block
        (br_if 0 (i32.eqz (f64.lt (f64.abs (local.get 1)) (f64.const 0x1p+31))))
        (return (i32.trunc_f64_s (local.get 0))))
      (i32.const 0))`),
    1,
  );
});

Deno.test("unproven conversions of NaN still trap as invalid, proven ones still convert", async () => {
  const instance = await instantiateWat(`(module
    ${SIGNED.replace("(func", `(func (export "checked")`)}
    (func (export "raw") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))`);
  const { checked, raw } = instance.exports as Record<string, (x: number) => number>;
  assert.equal(checked(NaN), -2147483648);
  assert.equal(checked(-7.9), -7);
  assert.equal(checked(3e9), -2147483648);
  assert.throws(
    () => raw(NaN),
    (e) => e instanceof Trap && e.message === "invalid conversion to integer",
  );
  assert.throws(() => raw(3e9), (e) => e instanceof Trap && e.message === "integer overflow");
});

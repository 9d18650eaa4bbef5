/** Comparing runs: which differences count, and which are explained as NaN bits. */
import assert from "node:assert/strict";
import { compareTwo, NAN_BITS, type Run } from "./scenario.ts";

function runWith(memory: Uint8Array, calls: Run["calls"] = []): Run {
  return { instantiate: null, calls, log: [], memory };
}

function withF64(at: number, value: number, bits?: bigint): Uint8Array {
  const m = new Uint8Array(32);
  const view = new DataView(m.buffer);
  if (bits === undefined) view.setFloat64(at, value, true);
  else view.setBigUint64(at, bits, true);
  return m;
}

Deno.test("compareTwo explains memory that differs only in the bits of NaNs", () => {
  // (The rules themselves are tested in nan_bits_test.ts.)
  // -nan (V8 keeps the operand's sign) vs the canonical +nan, stored unaligned at 3.
  const v8 = runWith(withF64(3, 0, 0xfff8000000000005n));
  const interp = runWith(withF64(3, NaN));
  const [d] = compareTwo("v8", "interp", v8, interp, []);
  assert.equal(d.key, "v8/interp memory");
  assert.equal(d.explained, NAN_BITS);
});

Deno.test("compareTwo does not explain memory where one side is not a NaN", () => {
  const [d] = compareTwo("v8", "interp", runWith(withF64(8, 1.5)), runWith(withF64(8, NaN)), []);
  assert.equal(d.key, "v8/interp memory");
  assert.equal(d.explained, undefined);
  // Also not when a NaN differs and, elsewhere, a plain byte does.
  const a = withF64(0, 0, 0xfff8000000000000n), b = withF64(0, NaN);
  b[20] = 1;
  assert.equal(compareTwo("v8", "interp", runWith(a), runWith(b), [])[0].explained, undefined);
});

Deno.test("compareTwo keys call disagreements by export and ignores V8's trap wording", () => {
  const calls = [{ name: "f", args: [1], vector: false }];
  const ok = runWith(new Uint8Array(), [{ kind: "ok", text: "1" }]);
  const two = runWith(new Uint8Array(), [{ kind: "ok", text: "2" }]);
  assert.equal(compareTwo("v8", "interp", ok, two, calls)[0].key, "v8/interp call f");
  const trap = (text: string) => runWith(new Uint8Array(), [{ kind: "trap", text }]);
  assert.deepEqual(
    compareTwo("v8", "interp", trap("divide by zero"), trap("integer divide by zero"), calls),
    [],
  );
  assert.equal(compareTwo("interp", "singlepass", trap("a"), trap("b"), calls).length, 1);
});

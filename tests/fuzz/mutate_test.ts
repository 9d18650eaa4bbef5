import assert from "node:assert/strict";
import { caseSeed, MUTATORS, Rng } from "./mutate.ts";
import { MODULE } from "./_testdata.ts";

// (module (type (func (result i64))) (memory 1))
// deno-fmt-ignore
const DONOR = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7e,
  0x05, 0x03, 0x01, 0x00, 0x01,
]);

Deno.test("every mutator is a pure function of its input and PRNG", () => {
  const donor = DONOR;
  for (const [name, mutate] of Object.entries(MUTATORS)) {
    let changed = 0;
    for (let i = 0; i < 50; i++) {
      const a = mutate({ bytes: MODULE, donor, rng: new Rng(caseSeed(1, i)) });
      const b = mutate({ bytes: MODULE, donor, rng: new Rng(caseSeed(1, i)) });
      assert.deepEqual(a, b, name);
      if (a !== null && (a.length !== MODULE.length || a.some((x, j) => x !== MODULE[j]))) {
        changed++;
      }
    }
    assert.ok(changed >= 25, `${name} changed the module ${changed} times of 50`);
  }
  assert.ok(WebAssembly.validate(MODULE), "the input is never modified");
});

Deno.test("Rng is seeded", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = [a.next(), a.next(), a.int(100)];
  assert.deepEqual(xs, [b.next(), b.next(), b.int(100)]);
  assert.notEqual(xs[0], c.next());
  assert.ok(xs.every((x) => x >= 0));
});

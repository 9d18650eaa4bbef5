import assert from "node:assert/strict";
import {
  caseSeed,
  lebSites,
  MUTATORS,
  parseSections,
  rewriteLeb,
  Rng,
  sleb,
  uleb,
} from "./mutate.ts";

// (module (func (param i32) (result i32) (local i32) local.get 0 i32.const -2 i32.add))
// deno-fmt-ignore
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type section
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x0b, 0x01, 0x09, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x41, 0x7e, 0x6a, 0x0b, // code
  0x00, 0x05, 0x03, 0x61, 0x62, 0x63, 0x2a, // custom section "abc"
]);

// (module (type (func (result i64))) (memory 1))
// deno-fmt-ignore
const DONOR = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7e,
  0x05, 0x03, 0x01, 0x00, 0x01,
]);

Deno.test("uleb and sleb encode minimally or padded", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(uleb(5, 5), [0x85, 0x80, 0x80, 0x80, 0x00]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-2, 3), [0xfe, 0xff, 0x7f]);
  assert.deepEqual(sleb(2, 3), [0x82, 0x80, 0x00]);
});

Deno.test("parseSections frames the sections; broken framing gives null", () => {
  assert.ok(WebAssembly.validate(MODULE));
  const s = parseSections(MODULE)!;
  const framing = s.map((x) => [x.id, x.start, x.end]);
  assert.deepEqual(framing, [[1, 8, 16], [3, 16, 20], [10, 20, 33], [0, 33, 40]]);
  assert.equal(parseSections(MODULE.subarray(0, 30)), null);
});

Deno.test("lebSites finds sizes, counts, indices, locals and immediates", () => {
  const sites = lebSites(MODULE, parseSections(MODULE)!);
  const at = (kind: string) => sites.filter((s) => s.kind === kind).map((s) => s.at);
  // section sizes and the body size; vector counts, local groups and the group's count
  assert.deepEqual(at("size"), [9, 17, 21, 23, 34]);
  assert.deepEqual(at("count"), [10, 18, 22, 24, 25]);
  assert.deepEqual(at("index"), [19, 28]); // the function's type, local.get's index
  assert.deepEqual(at("const"), [30]);
  const get = sites.find((s) => s.at === 28)!;
  assert.deepEqual(get.frames.map((f) => f.at), [23, 21]); // body size, then section size
});

Deno.test("rewriteLeb fixes up the enclosing sizes", () => {
  const sites = lebSites(MODULE, parseSections(MODULE)!);
  const konst = sites.find((s) => s.kind === "const")!;
  // An overlong i32.const within 5 bytes is still the same valid module…
  const long = rewriteLeb(MODULE, konst, sleb(-2, 5));
  assert.equal(long.length, MODULE.length + 4);
  assert.ok(WebAssembly.validate(long));
  assert.deepEqual(parseSections(long)!.map((s) => s.id), [1, 3, 10, 0]);
  // …and beyond 5 bytes, malformed.
  assert.ok(!WebAssembly.validate(rewriteLeb(MODULE, konst, sleb(-2, 6))));
  const index = sites.find((s) => s.kind === "index" && s.at === 28)!;
  assert.ok(WebAssembly.validate(rewriteLeb(MODULE, index, uleb(0, 5))));
  assert.ok(!WebAssembly.validate(rewriteLeb(MODULE, index, uleb(2 ** 32 - 1))));
});

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

import assert from "node:assert/strict";
import {
  applyEdits,
  codeBodies,
  lebSites,
  parseSections,
  readLeb,
  readSleb,
  rewriteLeb,
  sleb,
  uleb,
} from "./framing.ts";
import { MODULE } from "./_testdata.ts";

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

Deno.test("readLeb and readSleb read up to 10 bytes, null when the field runs off or on", () => {
  assert.deepEqual(readLeb(new Uint8Array([0xe5, 0x8e, 0x26, 0xff]), 0), { value: 624485, len: 3 });
  assert.deepEqual(readLeb(new Uint8Array([0x85, 0x80, 0x00]), 0), { value: 5, len: 3 });
  assert.equal(readLeb(new Uint8Array([0x80, 0x80]), 0), null); // runs off the end
  assert.equal(readLeb(new Uint8Array(11).fill(0x80), 0), null); // runs on past 10 bytes
  assert.deepEqual(readSleb(new Uint8Array([0x7e]), 0), { value: -2, len: 1 });
  assert.deepEqual(readSleb(new Uint8Array([0xfe, 0xff, 0x7f]), 0), { value: -2, len: 3 });
  assert.deepEqual(readSleb(new Uint8Array([0x3f]), 0), { value: 63, len: 1 });
  // Beyond 7 bytes the double rounds: a 10-byte -1 reads as 2^70 - 2^70.
  assert.equal(readSleb(new Uint8Array(sleb(-1, 10)), 0)!.value, 0);
  for (const v of [0, 1, -1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40)]) {
    assert.equal(readSleb(new Uint8Array(sleb(v)), 0)!.value, v);
    assert.equal(readSleb(new Uint8Array(sleb(v, 7)), 0)!.value, v);
    if (v >= 0) assert.equal(readLeb(new Uint8Array(uleb(v, 7)), 0)!.value, v);
  }
});

Deno.test("codeBodies frames the bodies; applyEdits inserts, deletes and replaces", () => {
  const code = parseSections(MODULE)!.find((s) => s.id === 10)!;
  assert.deepEqual(codeBodies(MODULE, code), [{ at: 23, len: 1, value: 9 }]);
  const src = new Uint8Array([0, 1, 2, 3, 4, 5]);
  const out = applyEdits(src, [
    { at: 4, len: 1, bytes: [9, 9] }, // replace, out of order on purpose
    { at: 0, len: 0, bytes: [7] }, // insert
    { at: 1, len: 2, bytes: [] }, // delete
  ]);
  assert.deepEqual([...out], [7, 0, 3, 9, 9, 5]);
  assert.deepEqual([...src], [0, 1, 2, 3, 4, 5], "the source is never modified");
});

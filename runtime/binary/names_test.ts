import assert from "node:assert/strict";
import { type Bytes, flat, section, str, vec } from "./_wasm_bytes.ts";
import { readNames } from "./names.ts";

function names(...subsections: Bytes[]) {
  return readNames(new Uint8Array(flat(...subsections)), 10);
}

Deno.test("names: module, function and local names", () => {
  const n = names(
    section(0, str("m")),
    section(1, vec([[0, str("f")], [3, str("g")]])),
    section(2, vec([[0, vec([])], [3, vec([[1, str("ü")]])]])),
  );
  assert.ok(n);
  assert.equal(n.module, "m");
  assert.deepEqual([...n.functions], [[0, "f"], [3, "g"]]);
  assert.deepEqual([...n.locals].map(([i, m]) => [i, [...m]]), [[0, []], [3, [[1, "ü"]]]]);
  assert.equal(n.after, 10);
  assert.equal(n.other, undefined);
});

Deno.test("names: other subsections are kept as bytes, in order", () => {
  const n = names(
    section(1, vec([[0, str("f")]])),
    section(7, vec([[0, str("sp")]])),
    section(9, 1, 2),
  );
  assert.ok(n);
  assert.deepEqual(n.other?.map((s) => [s.id, [...s.bytes]]), [[7, [1, 0, 2, 0x73, 0x70]], [9, [
    1,
    2,
  ]]]);
});

Deno.test("names: malformed or non-canonical sections are refused", () => {
  // Out of order or repeated subsections.
  assert.equal(names(section(1, vec([])), section(0, str("m"))), null);
  assert.equal(names(section(0, str("m")), section(0, str("m"))), null);
  // Indices not strictly increasing.
  assert.equal(names(section(1, vec([[1, str("a")], [0, str("b")]]))), null);
  assert.equal(names(section(1, vec([[1, str("a")], [1, str("b")]]))), null);
  // Subsection size disagrees with its contents.
  assert.equal(names([1, 9, ...vec([[0, str("f")]])]), null);
  assert.equal(names([0, 3, ...str("m"), 0]), null);
  // Invalid UTF-8, truncation.
  assert.equal(names(section(0, [1, 0xff])), null);
  assert.equal(names([1, 1]), null);
  // A padded LEB128 or an empty function subsection: well-formed, but the
  // encoder would not write it back the same, so it stays a custom section.
  assert.equal(names([1, 5, 0x81, 0x00, 0, ...str("f")]), null);
  assert.equal(names(section(1, vec([]))), null);
  // The empty payload is fine.
  assert.deepEqual(names(), { module: null, functions: new Map(), locals: new Map(), after: 10 });
});

import assert from "node:assert/strict";
import { MalformedError } from "../errors.ts";
import { fixtureFiles } from "../../tests/_fixtures.ts";
import { bodySize, listSections, sectionName } from "./section_list.ts";

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The module header followed by the given bytes and UTF-8 strings. */
function bin(...parts: (number | number[] | string)[]): Uint8Array {
  const out: number[] = [...HEADER];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else if (typeof p === "string") out.push(...new TextEncoder().encode(p));
    else out.push(...p);
  }
  return new Uint8Array(out);
}

function malformed(bytes: Uint8Array, phrase: string): void {
  assert.throws(
    () => listSections(bytes),
    (e: unknown) => e instanceof MalformedError && e.message.startsWith(phrase),
  );
}

Deno.test("listSections gives id, name, offsets, size and count of each section", () => {
  const bytes = bin(
    [0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: 1 type, (func)
    [0x00, 0x05, 0x02], // custom section "hi" with 2 payload bytes
    "hi",
    [0xaa, 0xbb],
    [0x08, 0x01, 0x00], // start section: function 0 (not a vector)
    [0x0a, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00], // code section, 5-byte size field, 0 bodies
  );
  assert.deepEqual(listSections(bytes), [
    { id: 1, name: "type", start: 8, offset: 10, size: 4, count: 1 },
    { id: 0, name: "hi", start: 14, offset: 16, size: 5, count: null },
    { id: 8, name: "start", start: 21, offset: 23, size: 1, count: null },
    { id: 10, name: "code", start: 24, offset: 30, size: 1, count: 0 },
  ]);
});

Deno.test("listSections of a bare header is empty", () => {
  assert.deepEqual(listSections(bin()), []);
});

Deno.test("listSections rejects broken framing with the spec's phrases", () => {
  malformed(new Uint8Array(), "unexpected end");
  malformed(new Uint8Array([0, 0x61, 0x73]), "unexpected end");
  malformed(new Uint8Array([0x61, 0x73, 0x6d, 0, 1, 0, 0, 0]), "magic header not detected");
  malformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0]), "unexpected end");
  malformed(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), "unknown binary version");
  malformed(bin(0x0e, 0x00), "malformed section id");
  malformed(bin(0x01, 0x05, 0x00), "length out of bounds");
  malformed(bin(0x01), "unexpected end");
  malformed(bin(0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), "integer representation too long");
  malformed(bin(0x01, 0x80, 0x80, 0x80, 0x80, 0x70), "integer too large");
  // custom section whose name runs past its end; then one with bad UTF-8
  malformed(bin(0x00, 0x02, 0x05, "a"), "length out of bounds");
  malformed(bin(0x00, 0x00), "unexpected end");
  malformed(bin(0x00, 0x02, 0x01, 0xff), "malformed UTF-8 encoding");
});

Deno.test("listSections tiles every fixture exactly, sections in order", () => {
  const files = fixtureFiles();
  for (const file of files) {
    const bytes = Deno.readFileSync(file);
    const sections = listSections(bytes);
    assert.ok(sections.length > 0, file);
    let pos = 8;
    for (const s of sections) {
      assert.equal(s.start, pos, `${file}: ${s.name}`);
      assert.ok(s.offset > s.start + 1, `${file}: ${s.name}`);
      pos = s.offset + s.size;
    }
    assert.equal(pos, bytes.length, file);
    assert.ok(sections.some((s) => s.name === "code" && s.count! > 0), file);
  }
});

Deno.test("sectionName names the known ids only", () => {
  assert.equal(sectionName(0), "custom");
  assert.equal(sectionName(11), "data");
  assert.equal(sectionName(12), "dataCount");
  assert.equal(sectionName(14), null);
});

Deno.test("bodySize reads a body's size field, or null when none fits", () => {
  const bytes = bin(0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b);
  assert.equal(bodySize(bytes, 11), 2);
  assert.equal(bodySize(bytes, 0), null);
  assert.equal(bodySize(bytes, 13), null); // 0x0b = 11 bytes would run past the end
  assert.equal(bodySize(bytes, 100), null);
});

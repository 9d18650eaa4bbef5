import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import { fixtureFiles } from "../../tests/_fixtures.ts";
import { decodeHeader } from "./header.ts";

Deno.test("the header has the module's interface and placeholder bodies", () => {
  for (const file of fixtureFiles()) {
    const bytes = Deno.readFileSync(file);
    const full = decode(bytes);
    const header = decodeHeader(bytes);
    for (const key of ["types", "imports", "tables", "memories", "exports", "start"] as const) {
      assert.deepEqual(header[key], full[key], `${file}: ${key}`);
    }
    assert.deepEqual(header.funcs.map((f) => f.type), full.funcs.map((f) => f.type));
    assert.deepEqual(header.globals.map((g) => g.type), full.globals.map((g) => g.type));
    assert.ok(header.funcs.every((f) => f.body.ops.length === 1));
    assert.deepEqual([header.elems.length, header.datas.length, header.names], [0, 0, null]);
  }
});

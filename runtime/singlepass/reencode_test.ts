import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import { encode } from "../binary/encode.ts";
import { fixtureFiles, repoPath } from "../../tests/_fixtures.ts";
import { Reencoder } from "./reencode.ts";
import type { Code } from "../module.ts";
import { forEachInstr, Op } from "../opcodes.ts";

const INPUTS = [
  ...fixtureFiles(),
  ...["control", "features", "names", "ops", "sections"].map((n) =>
    repoPath(`runtime/binary/testdata/${n}.wasm`)
  ),
];

Deno.test("the identity re-encoder reproduces every test binary byte for byte", () => {
  for (const file of INPUTS) {
    const bytes = Deno.readFileSync(file);
    const m = decode(bytes, { wasm3: true });
    const again = encode(new Reencoder().module(m));
    assert.deepEqual(again, encode(m), file);
  }
});

Deno.test("index hooks reach bodies, constant expressions and exports", () => {
  const m = decode(Deno.readFileSync(repoPath("tests/fixtures/multi/multi.wasm")));
  class Shift extends Reencoder {
    override globalIndex(i: number): number {
      return i + 100;
    }
    override funcIndex(i: number): number {
      return i + 1000;
    }
  }
  const out = new Shift().module(m);
  // [opcode, immediate] of every instruction that names a global or a function.
  const indexed = (code: Code) => {
    const found: [number, number][] = [];
    forEachInstr(code, (id, pc) => {
      if (id === Op.global_get || id === Op.global_set || id === Op.call || id === Op.ref_func) {
        found.push([id, code.ops[pc + 1]]);
      }
    });
    return found;
  };
  const shifted = (
    [id, x]: [number, number],
  ) => [id, id === Op.call || id === Op.ref_func ? x + 1000 : x + 100];
  let seen = 0;
  for (const [i, f] of m.funcs.entries()) {
    const got = indexed(out.funcs[i].body);
    assert.deepEqual(got, indexed(f.body).map(shifted));
    seen += got.length;
  }
  assert.ok(seen > 0, "the fixture has global and call instructions");
  for (const [i, e] of m.elems.entries()) {
    if (e.init.kind === "funcs") {
      assert.deepEqual(
        (out.elems[i].init as typeof e.init).funcs,
        e.init.funcs.map((f) => f + 1000),
      );
    }
  }
  for (const [i, e] of m.exports.entries()) {
    const expect = e.kind === "global"
      ? e.index + 100
      : e.kind === "func"
      ? e.index + 1000
      : e.index;
    assert.equal(out.exports[i].index, expect);
  }
});

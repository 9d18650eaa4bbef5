import assert from "node:assert/strict";
import { decode } from "../runtime/binary/decode.ts";
import { encode } from "../runtime/binary/encode.ts";
import { fixtureFiles } from "../tests/_fixtures.ts";
import { kwasm, makeBadInputs, testdata } from "./_testing.ts";

const KITCHEN_SINK = testdata("kitchen_sink.wasm");

/** The module's bytes without names and custom sections: what text can carry. */
async function essence(file: string): Promise<Uint8Array> {
  return encode({ ...decode(await Deno.readFile(file)), names: null, customs: [] });
}

Deno.test("wasm2wat prints the module on stdout with names from the name section", async () => {
  const r = await kwasm("wasm2wat", KITCHEN_SINK);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "(module $kitchen_sink");
  assert.equal(lines[1], "  (type $binop (func (param i32 i32) (result i32)))");
  for (
    const line of [
      '  (import "env" "log" (func $log (type 1) (param i32)))',
      "  (func $add (type $binop) (param i32 i32) (result i32)",
      "    (local $tmp i32) (local f64 f64)",
      "  (global $half f64 (f64.const 0.5))",
      "  (global $copy i32 (global.get $base))",
      "  (start $init)",
      "  (elem (;0;) (i32.const 0) func $add $init)",
      '  (data (;0;) (i32.const 16) "hello\\00\\22world\\22")',
    ]
  ) {
    assert.ok(lines.includes(line), `missing ${line}`);
  }
  assert.ok(r.stdout.endsWith('(data (;1;) "passive"))\n'));
});

Deno.test("wasm2wat -o then wat2wasm gives back the module, on every fixture", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kwasm_wasm2wat_" });
  try {
    for (const file of [KITCHEN_SINK, ...fixtureFiles()]) {
      const r = await kwasm("wasm2wat", file, "-o", `${dir}/m.wat`);
      assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
      const back = await kwasm("wat2wasm", `${dir}/m.wat`, "-o", `${dir}/m.wasm`);
      assert.equal(back.code, 0, back.stderr);
      assert.deepEqual(await essence(`${dir}/m.wasm`), await essence(file), file);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wasm2wat --no-names prints every index as a number", async () => {
  const r = await kwasm("wasm2wat", "--no-names", KITCHEN_SINK);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout, /\$/);
  assert.match(r.stdout, /^ {2}\(func \(;1;\) \(type 0\) \(param i32 i32\) \(result i32\)$/m);
});

Deno.test("wasm2wat reads .wat too, and prints it afresh", async () => {
  const r = await kwasm("wasm2wat", testdata("kitchen_sink.wat"));
  assert.equal(r.code, 0, r.stderr);
  // The parser keeps function and local names; wabt's binary also names types.
  assert.match(r.stdout, /^ {2}\(func \$add \(type 0\) \(param i32 i32\) \(result i32\)$/m);
});

Deno.test("wasm2wat refuses an invalid module unless --no-check", async () => {
  const bad = await makeBadInputs();
  try {
    const r = await kwasm("wasm2wat", bad.invalid);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.startsWith(`kwasm: ${bad.invalid}: invalid module: type mismatch`));
    assert.ok(r.stderr.endsWith("(at offset 0x18); --no-check prints it anyway\n"), r.stderr);
    const forced = await kwasm("wasm2wat", "--no-check", bad.invalid);
    assert.equal(forced.code, 0);
    assert.match(forced.stdout, /\(func \(;0;\) \(type 0\) \(result i32\)\)\)\n$/);
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("wasm2wat: unreadable and malformed inputs are one line each, exit 1", async () => {
  const bad = await makeBadInputs();
  try {
    for (
      const [file, start] of [
        [bad.missing, `kwasm: cannot read '${bad.missing}': No such file or directory`],
        [bad.truncated, `kwasm: ${bad.truncated}: malformed module: length out of bounds`],
        [bad.text, `kwasm: ${bad.text}: malformed module: magic header not detected`],
      ]
    ) {
      const r = await kwasm("wasm2wat", file);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.ok(r.stderr.startsWith(start), r.stderr);
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    }
    const usage = await kwasm("wasm2wat");
    assert.equal(usage.code, 2);
    assert.equal(
      usage.stderr,
      "kwasm: wasm2wat: no input file; run 'kwasm wasm2wat --help' for usage\n",
    );
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

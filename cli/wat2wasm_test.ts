import assert from "node:assert/strict";
import { decode } from "../runtime/binary/decode.ts";
import { defaultOutput } from "./wat2wasm.ts";
import { kwasm, testdata } from "./_testing.ts";

/** A fresh temporary folder holding `files`; removed by `use`'s end. */
async function withFiles(
  files: Record<string, string>,
  use: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kwasm_wat2wasm_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await use(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("wat2wasm: the kitchen sink compiles to the committed binary's code", async () => {
  await withFiles({}, async (dir) => {
    const out = `${dir}/ks.wasm`;
    const r = await kwasm("wat2wasm", testdata("kitchen_sink.wat"), "-o", out);
    assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
    const ours = decode(await Deno.readFile(out));
    const wabt = decode(await Deno.readFile(testdata("kitchen_sink.wasm")));
    // wabt writes type and global names too; everything else is the same.
    assert.deepEqual(ours.exports, wabt.exports);
    assert.deepEqual(
      ours.funcs.map((f) => [...f.body.ops]),
      wabt.funcs.map((f) => [...f.body.ops]),
    );
    assert.deepEqual(ours.datas.map((d) => [...d.bytes]), wabt.datas.map((d) => [...d.bytes]));
    assert.equal(ours.names?.functions.get(1), "add");
  });
});

Deno.test("wat2wasm: the output defaults to the input with .wasm", async () => {
  await withFiles({ "m.wat": '(module (func (export "f")))' }, async (dir) => {
    const r = await kwasm("wat2wasm", `${dir}/m.wat`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decode(await Deno.readFile(`${dir}/m.wasm`)).exports[0].name, "f");
  });
  assert.equal(defaultOutput("a/b.c/m.wat"), "a/b.c/m.wasm");
  assert.equal(defaultOutput("a/b.c/m"), "a/b.c/m.wasm");
  assert.equal(defaultOutput(".hidden"), ".hidden.wasm");
});

Deno.test("wat2wasm --no-names leaves the name section out", async () => {
  await withFiles({ "m.wat": "(module $m (func $f))" }, async (dir) => {
    await kwasm("wat2wasm", `${dir}/m.wat`, "-o", `${dir}/named.wasm`);
    await kwasm("wat2wasm", "--no-names", `${dir}/m.wat`, "-o", `${dir}/bare.wasm`);
    assert.equal(decode(await Deno.readFile(`${dir}/named.wasm`)).names?.module, "m");
    assert.equal(decode(await Deno.readFile(`${dir}/bare.wasm`)).names, null);
  });
});

Deno.test("wat2wasm: a syntax error is FILE:LINE:COLUMN: message, and nothing is written", async () => {
  await withFiles({ "bad.wat": "(module\n  (func\n    i32.ad))\n" }, async (dir) => {
    const r = await kwasm("wat2wasm", `${dir}/bad.wat`);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `kwasm: ${dir}/bad.wat:3:5: unknown operator i32.ad\n`);
    await assert.rejects(Deno.stat(`${dir}/bad.wasm`), Deno.errors.NotFound);
  });
});

Deno.test("wat2wasm validates unless --no-check, naming the invalid function", async () => {
  const text = "(module (func $ok) (func $f (result i32) (i64.const 1)))";
  await withFiles({ "inv.wat": text }, async (dir) => {
    const r = await kwasm("wat2wasm", `${dir}/inv.wat`);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `kwasm: ${dir}/inv.wat: invalid module: type mismatch: expected i32, got i64 (in func $f)\n`,
    );
    await assert.rejects(Deno.stat(`${dir}/inv.wasm`), Deno.errors.NotFound);
    const unchecked = await kwasm("wat2wasm", "--no-check", `${dir}/inv.wat`);
    assert.equal(unchecked.code, 0);
    assert.equal(decode(await Deno.readFile(`${dir}/inv.wasm`)).funcs.length, 2);
  });
});

Deno.test("wat2wasm: bad command lines and unwritable outputs are one line each", async () => {
  await withFiles({ "m.wat": "(module)", "m.wasm": "" }, async (dir) => {
    const cases: [string[], number, string][] = [
      [[], 2, "kwasm: wat2wasm: no input file; run 'kwasm wat2wasm --help' for usage"],
      [["a.wat", "b.wat"], 2, "kwasm: wat2wasm: expects exactly one file;"],
      [[`${dir}/nope.wat`], 1, `kwasm: cannot read '${dir}/nope.wat': No such file or directory`],
      [[`${dir}/m.wat`, "-o", `${dir}/no/such/dir/m.wasm`], 1, `kwasm: cannot write '${dir}/no/`],
      [[`${dir}/m.wasm`], 1, "kwasm: wat2wasm: the output would overwrite"],
    ];
    for (const [args, code, start] of cases) {
      const r = await kwasm("wat2wasm", ...args);
      assert.equal(r.code, code, args.join(" "));
      assert.ok(r.stderr.startsWith(start), `${r.stderr} should start with ${start}`);
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    }
    const binary = await kwasm("wat2wasm", testdata("kitchen_sink.wasm"), "-o", `${dir}/x.wasm`);
    assert.match(binary.stderr, /: this is a binary module already, not text\n$/);
  });
});

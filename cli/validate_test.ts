import assert from "node:assert/strict";
import { fixtureFiles } from "../tests/_fixtures.ts";
import { kwasm, makeBadInputs, testdata } from "./_testing.ts";

Deno.test("validate: every fixture is valid, one line each on stdout", async () => {
  const files = [...fixtureFiles(), testdata("kitchen_sink.wasm")];
  const r = await kwasm("validate", ...files);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, files.map((f) => `${f}: valid\n`).join(""));
});

Deno.test("validate: each bad input is one clear line on stderr, exit 1", async () => {
  const bad = await makeBadInputs();
  const expected: [string, string][] = [
    [bad.missing, `kwasm: cannot read '${bad.missing}': No such file or directory`],
    [bad.dir, `kwasm: cannot read '${bad.dir}': Is a directory`],
    [bad.empty, `kwasm: ${bad.empty}: malformed module: unexpected end`],
    [bad.truncated, `kwasm: ${bad.truncated}: malformed module: length out of bounds`],
    [bad.random, `kwasm: ${bad.random}: malformed module: magic header not detected`],
    [bad.text, `kwasm: ${bad.text}: malformed module: magic header not detected`],
    [bad.version, `kwasm: ${bad.version}: malformed module: unknown binary version`],
    [bad.invalid, `kwasm: ${bad.invalid}: invalid module: type mismatch`],
  ];
  try {
    for (const [file, line] of expected) {
      const r = await kwasm("validate", file);
      assert.equal(r.code, 1, file);
      assert.equal(r.stdout, "");
      assert.ok(r.stderr.startsWith(line), `${r.stderr} should start with ${line}`);
      assert.equal(r.stderr.split("\n").length, 2, `one line: ${r.stderr}`);
    }
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("validate: the offset of an invalid instruction is in the message", async () => {
  const bad = await makeBadInputs();
  try {
    const r = await kwasm("validate", bad.invalid);
    assert.match(r.stderr, /\(at offset 0x18\)\n$/);
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("validate: good and bad files together — all reported, exit 1", async () => {
  const bad = await makeBadInputs();
  const good = testdata("kitchen_sink.wasm");
  try {
    const r = await kwasm("validate", bad.invalid, good, bad.missing);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${good}: valid\n`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.ok(lines[0].startsWith(`kwasm: ${bad.invalid}: invalid module:`));
    assert.ok(lines[1].startsWith(`kwasm: cannot read '${bad.missing}'`));
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("validate --quiet prints nothing for valid modules", async () => {
  const r = await kwasm("validate", "-q", testdata("kitchen_sink.wasm"));
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "");
});

Deno.test("validate without files is a usage error", async () => {
  const r = await kwasm("validate");
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    "kwasm: validate: no input files; run 'kwasm validate --help' for usage\n",
  );
});

Deno.test("validate reads .wat files as text, and binaries under any name as binaries", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kwasm_cli_" });
  try {
    const files = {
      "syntax.wat": "(module\n  (func (result i32)\n    i32.const 1\n    i32.ad))\n",
      "invalid.wat": "(module (func $ok) (func $f (result i32) (i64.const 1)))",
      "not_in_a_func.wat": "(module (global i32 (i64.const 0)))",
      "binary.wat": await Deno.readFile(testdata("kitchen_sink.wasm")),
    };
    for (const [name, data] of Object.entries(files)) {
      if (typeof data === "string") await Deno.writeTextFile(`${dir}/${name}`, data);
      else await Deno.writeFile(`${dir}/${name}`, data);
    }
    const good = await kwasm("validate", testdata("kitchen_sink.wat"), `${dir}/binary.wat`);
    assert.equal(good.stderr, "");
    assert.equal(good.code, 0);
    assert.equal(good.stdout, `${testdata("kitchen_sink.wat")}: valid\n${dir}/binary.wat: valid\n`);

    const expected: [string, string][] = [
      ["syntax.wat", "syntax.wat:4:5: unknown operator i32.ad"],
      [
        "invalid.wat",
        "invalid.wat: invalid module: type mismatch: expected i32, got i64 (in func $f)",
      ],
      ["not_in_a_func.wat", "not_in_a_func.wat: invalid module: type mismatch"],
    ];
    for (const [name, line] of expected) {
      const r = await kwasm("validate", `${dir}/${name}`);
      assert.equal(r.code, 1, name);
      assert.equal(r.stdout, "");
      assert.ok(r.stderr.startsWith(`kwasm: ${dir}/${line}`), r.stderr);
      // Offsets into a binary the user never saw are left out.
      assert.doesNotMatch(r.stderr, /offset/);
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

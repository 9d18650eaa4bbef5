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

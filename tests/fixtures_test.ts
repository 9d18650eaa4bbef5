/**
 * The foundation's end-to-end check on real modules: every committed fixture
 * decodes, validates and re-encodes, and the re-encoded module is accepted by
 * the host engine and runs exactly like the original (same stdout, same exit
 * code).
 */
import assert from "node:assert/strict";
import { decode } from "../runtime/binary/decode.ts";
import { encode } from "../runtime/binary/encode.ts";
import { validate } from "../runtime/validate/mod.ts";
import { fixtureFiles, repoPath } from "./_fixtures.ts";

async function runOnHost(file: string): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", repoPath("tests/_host_run.ts"), file, "foo", "bar baz"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(stderr.includes("error:"), false, stderr);
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

for (const file of fixtureFiles()) {
  const name = file.slice(repoPath("tests/fixtures/").length);
  Deno.test(`fixture ${name}: decode, validate, re-encode, run the same on the host`, async () => {
    const bytes = await Deno.readFile(file);
    const module = decode(bytes);
    validate(module);
    const again = encode(module);
    assert.ok(WebAssembly.validate(again), "re-encoded module rejected by the host engine");
    const tmp = await Deno.makeTempFile({ suffix: ".wasm" });
    try {
      await Deno.writeFile(tmp, again);
      const [original, reencoded] = await Promise.all([runOnHost(file), runOnHost(tmp)]);
      assert.equal(original.code, 0);
      assert.ok(original.stdout.length > 0, "the fixture printed nothing");
      assert.deepEqual(reencoded, original);
    } finally {
      await Deno.remove(tmp);
    }
  });
}

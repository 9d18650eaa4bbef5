/**
 * The C fixtures run guarded exactly as they run untouched on the host
 * engine: same stdout, same exit code — with the guards, and with fuel.
 */
import assert from "node:assert/strict";
import { fixtureFiles, repoPath } from "../../tests/_fixtures.ts";

async function run(script: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", repoPath(script), ...args, "foo", "bar baz"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(stderr.includes("error"), false, stderr);
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

for (const file of fixtureFiles()) {
  const name = file.slice(repoPath("tests/fixtures/").length);
  Deno.test(`fixture ${name}: guarded runs like untouched`, async () => {
    const [host, guarded, fuel] = await Promise.all([
      run("tests/_host_run.ts", [file]),
      run("runtime/singlepass/testdata/wasi_run.ts", [file]),
      run("runtime/singlepass/testdata/wasi_run.ts", ["--fuel", file]),
    ]);
    assert.equal(host.code, 0);
    assert.ok(host.stdout.length > 0, "the fixture printed nothing");
    assert.deepEqual(guarded, host);
    assert.deepEqual(fuel, host);
  });
}

/**
 * The C fixtures (`tests/fixtures`) run on the interpreter exactly as on the
 * host engine: same stdout, same exit code. WASI comes from a test shim.
 */
import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import { validate } from "../validate/mod.ts";
import { fixtureFiles, repoPath } from "../../tests/_fixtures.ts";
import { interpEngine } from "./mod.ts";
import { ProcExit, WasiShim } from "./_wasi_shim.ts";

const ARGS = ["foo", "bar baz"];

async function runOnHost(file: string): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", repoPath("tests/_host_run.ts"), file, ...ARGS],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

/** Runs a WASI command module on the interpreter. */
export async function runOnInterp(
  bytes: Uint8Array,
  args: string[],
): Promise<{ code: number; stdout: string }> {
  const module = decode(bytes);
  validate(module);
  const wasi = new WasiShim(["guest", ...args]);
  const instance = await interpEngine().compile(module).instantiate(wasi.imports());
  wasi.memory = instance.exports.memory as WebAssembly.Memory;
  let code = 0;
  try {
    await instance.invoke("_start", []);
  } catch (e) {
    if (!(e instanceof ProcExit)) throw e;
    code = e.code;
  }
  return { code, stdout: wasi.output };
}

for (const file of fixtureFiles()) {
  const name = file.slice(repoPath("tests/fixtures/").length);
  Deno.test(`interp runs fixture ${name} like the host engine`, async () => {
    const [host, interp] = await Promise.all([
      runOnHost(file),
      runOnInterp(await Deno.readFile(file), ARGS),
    ]);
    assert.ok(host.stdout.length > 0);
    assert.deepEqual(interp, host);
  });
}

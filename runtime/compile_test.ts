import assert from "node:assert/strict";
import { compile } from "./compile.ts";
import { InvalidError, MalformedError } from "./errors.ts";
import { parseWat } from "./text/mod.ts";

const FAC = `(module (func $fac (export "fac") (param i64) (result i64)
  (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
    (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))`;

for (const backend of ["singlepass", "interp"]) {
  Deno.test(`compile: text, bytes and Module on ${backend} give the same answers`, async () => {
    const fromText = await compile(FAC, { backend });
    const { exports } = await fromText.instantiate();
    assert.equal((exports.fac as (n: bigint) => bigint)(20n), 2432902008176640000n);
    const fromModule = await compile(parseWat(FAC), { backend });
    const inst = await fromModule.instantiate();
    assert.deepEqual(await inst.invoke("fac", [10n]), [3628800n]);
  });

  Deno.test(`compile: a call-depth bound on ${backend} traps deep recursion`, async () => {
    const compiled = await compile(FAC, { backend, maxWasmStack: 50 });
    const inst = await compiled.instantiate();
    await assert.rejects(async () => await inst.invoke("fac", [100n]), {
      message: /^call stack exhausted/,
    });
  });
}

Deno.test("compile: bad input is a CompileError, an unknown backend a TypeError", async () => {
  await assert.rejects(() => compile(new Uint8Array([1, 2, 3])), MalformedError);
  await assert.rejects(() => compile("(module (func (result i32)))"), InvalidError);
  await assert.rejects(() => compile("(module)", { backend: "jit" }), TypeError);
});

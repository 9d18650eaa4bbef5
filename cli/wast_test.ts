import assert from "node:assert/strict";
import { specSuiteDir } from "../tests/_fixtures.ts";
import { kwasm } from "./_testing.ts";

const SCRIPTS = {
  // 3 module commands that hold, 1 execution command skipped without an engine.
  "good.wast": `(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_malformed (module quote "(func i32.ad)") "unknown operator")
`,
  // No execution command: nothing skipped.
  "plain.wast": `(module)
(assert_invalid (module (func (call 9))) "unknown function")
`,
  // A valid module where an invalid one is expected.
  "bad.wast": `(assert_invalid (module (func)) "type mismatch")
(module (func))
`,
  // Not a script at all.
  "broken.wast": "(module (func)\n",
  // Execution: a return, a trap, an invalid module, and one return that does not hold (line 6).
  "exec.wast": `(module (func (export "div") (param i32 i32) (result i32)
  (i32.div_s (local.get 0) (local.get 1))))
(assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_return (invoke "div" (i32.const 8) (i32.const 2)) (i32.const 5))
`,
};

/** Runs `kwasm wast` on scripts from {@linkcode SCRIPTS}, named relative to a temporary folder. */
async function wast(names: string[], ...flags: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "kwasm_wast_" });
  try {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const r = await kwasm("wast", ...flags, ...names.map((n) => `${dir}/${n}`));
    const strip = (s: string) => s.replaceAll(`${dir}/`, "");
    return { code: r.code, stdout: strip(r.stdout), stderr: strip(r.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("wast: one line per script, then the totals with the skipped count", async () => {
  const r = await wast(["good.wast", "plain.wast"]);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    `good.wast: 3 passed, 0 failed, 1 skipped
plain.wast: 2 passed, 0 failed, 0 skipped
5 passed, 0 failed, 1 skipped
`,
  );
});

Deno.test("wast: the totals line is exactly 'N passed, N failed' when nothing is skipped", async () => {
  const r = await wast(["plain.wast"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.split("\n").at(-2), "2 passed, 0 failed");
});

Deno.test("wast: failures are listed under their script as file:line, exit 1", async () => {
  const r = await wast(["bad.wast", "good.wast", "broken.wast"]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    "bad.wast: 1 passed, 1 failed, 0 skipped",
    '  bad.wast:1: expected invalid "type mismatch", but the module validated',
    "good.wast: 3 passed, 0 failed, 1 skipped",
  ]);
  assert.equal(lines[3], "broken.wast: 0 passed, 1 failed, 0 skipped");
  assert.match(lines[4], /^ {2}broken\.wast:script: TextError: unexpected end/);
  assert.equal(lines[5], "4 passed, 2 failed, 1 skipped");
  assert.equal(lines.length, 6);
});

Deno.test("wast: an unreadable script is one error line and counts as a failure", async () => {
  const r = await wast(["missing.wast", "plain.wast"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "kwasm: cannot read 'missing.wast': No such file or directory\n");
  assert.equal(r.stdout, "plain.wast: 2 passed, 0 failed, 0 skipped\n2 passed, 1 failed\n");
});

// `--loader user` alone executes too: its backend defaults to singlepass.
for (const flags of [["--backend", "interp"], ["--loader", "user"]]) {
  Deno.test(`wast ${flags.join(" ")} executes what was skipped`, async () => {
    const r = await wast(["good.wast"], ...flags);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "good.wast: 4 passed, 0 failed, 0 skipped\n4 passed, 0 failed\n");
  });
}

for (const loader of ["kernel", "user"]) {
  Deno.test(`wast --loader ${loader} --backend with an unknown engine is a usage error`, async () => {
    const r = await wast(["good.wast"], "--loader", loader, "--backend", "nope");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^kwasm: wast: backend 'nope' is not available \(available: .*interp/);
  });
}

Deno.test("wast without files is a usage error", async () => {
  const r = await kwasm("wast");
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "kwasm: wast: no input files; run 'kwasm wast --help' for usage\n");
});

Deno.test({
  name: "wast on a spec script: module commands pass, execution is skipped",
  ignore: specSuiteDir() === null,
  async fn() {
    const file = `${specSuiteDir()}/br_table.wast`;
    const r = await kwasm("wast", file);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`^${file}: [1-9]\\d* passed, 0 failed, [1-9]\\d* skipped\n`));
  },
});

for (const backend of ["interp", "singlepass"]) {
  Deno.test(`wast --loader user (${backend}): the same lines as --loader kernel`, async () => {
    const names = ["exec.wast", "good.wast", "broken.wast"];
    const user = await wast(names, "--loader", "user", "--backend", backend);
    const kernel = await wast(names, "--loader", "kernel", "--backend", backend);
    assert.deepEqual(user, kernel);
    assert.equal(user.code, 1);
    const lines = user.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "exec.wast: 4 passed, 1 failed, 0 skipped");
    assert.match(lines[1], /^ {2}exec\.wast:6: /, "the return that does not hold");
    assert.equal(lines[2], "good.wast: 4 passed, 0 failed, 0 skipped");
    assert.equal(lines.at(-1), "8 passed, 2 failed");
  });
}

Deno.test("wast --loader with an unknown loader is a usage error", async () => {
  const r = await wast(["good.wast"], "--loader", "nope");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    "kwasm: wast: unknown loader 'nope' (kernel or user); run 'kwasm wast --help' for usage\n",
  );
});

/**
 * Side by side with `node:wasi` (Deno's implementation), on the same modules:
 * where both implement a behaviour, the guest's output must be identical.
 * `node:wasi` is a weaker peer (it has no rights checks, no symlink
 * sandboxing, no "." and ".." in readdir, …), so the comparison is limited
 * to what it gets right: stdout of the C fixtures, arguments and environment,
 * and plain file operations.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { WASI } from "node:wasi";
import { fixtureFiles } from "../_fixtures.ts";
import { runWasi, testModule } from "./_run.ts";

/** Runs `module` under node:wasi, capturing stdout through a temporary file. */
async function nodeWasi(
  module: WebAssembly.Module,
  args: string[],
  env: Record<string, string> = {},
  preopens: Record<string, string> = {},
): Promise<{ code: number; stdout: string }> {
  const out = Deno.makeTempFileSync();
  // node:wasi writes stdout to a host descriptor: a temporary file's, from node:fs.
  const hostFd = fs.openSync(out, "w");
  const devNull = fs.openSync("/dev/null", "r");
  try {
    const wasi = new WASI({
      version: "preview1",
      args,
      env,
      preopens,
      returnOnExit: true,
      stdout: hostFd,
      stdin: devNull,
    });
    const imports = wasi.getImportObject() as WebAssembly.Imports;
    const code = wasi.start(await WebAssembly.instantiate(module, imports));
    return { code, stdout: Deno.readTextFileSync(out) };
  } finally {
    fs.closeSync(hostFd);
    fs.closeSync(devNull);
    Deno.removeSync(out);
  }
}

for (const file of fixtureFiles()) {
  const name = file.slice(file.lastIndexOf("/fixtures/") + 10);
  Deno.test(`node:wasi and kwasm print the same: fixture ${name}`, async () => {
    const module = await WebAssembly.compile(await Deno.readFile(file));
    const ours = await runWasi(module, { args: ["guest", "one", "two"] });
    const theirs = await nodeWasi(module, ["guest", "one", "two"]);
    assert.equal(ours.stdout, theirs.stdout);
    assert.equal(ours.code, theirs.code);
  });
}

Deno.test("node:wasi and kwasm agree on arguments and environment", async () => {
  const args = ["prog", "héllo", "", "x y"];
  const env = { HOME: "/home/g", EMPTY: "", K: "v=w" };
  const ours = await runWasi("args_env", { args, env });
  const theirs = await nodeWasi(await testModule("args_env"), args, env);
  assert.equal(ours.stdout, theirs.stdout);
  assert.equal(ours.code, theirs.code);
});

Deno.test("node:wasi and kwasm agree on plain file operations", async () => {
  const commands = [
    "write /d/a.txt hello",
    "append /d/a.txt _world",
    "cat /d/a.txt",
    "mkdir /d/sub",
    "write /d/sub/b.txt bee",
    "rename /d/sub/b.txt /d/c.txt",
    "ls /d",
    "stat /d/c.txt",
    "stat /d/sub",
    "truncate /d/a.txt 3",
    "cat /d/a.txt",
    "unlink /d/c.txt",
    "rmdir /d/sub",
    "ls /d",
    "cat /d/missing",
    "mkdir /d/a.txt",
    "rmdir /d/a.txt",
  ];
  const args = ["fsops"];
  for (const c of commands) args.push(...c.split(" "), ";");
  const mine = Deno.makeTempDirSync();
  const theirs = Deno.makeTempDirSync();
  try {
    const a = await runWasi("fsops", { args, dirs: [`${mine}::/d`] });
    const b = await nodeWasi(await testModule("fsops"), args, {}, { "/d": theirs });
    assert.equal(a.stdout, b.stdout);
    assert.ok(a.stdout.includes("cat /d/a.txt: ok hello_world"));
  } finally {
    Deno.removeSync(mine, { recursive: true });
    Deno.removeSync(theirs, { recursive: true });
  }
});

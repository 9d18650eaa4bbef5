/**
 * `kwasm run --loader user` against `--loader kernel`: the same command
 * lines must give the same exit code, stdout and stderr (trap messages and
 * backtraces included) on both backends. The exception is an interrupt:
 * under the user loader the worker is terminated, so no wasm frames remain
 * to print.
 */
import assert from "node:assert/strict";
import { ctrlC, kwasm, testdata } from "../cli/_testing.ts";
import { repoPath } from "./_fixtures.ts";

const wat = (name: string) => testdata(`run/${name}.wat`);
const wasi = (name: string) => repoPath(`tests/wasi/${name}.wasm`);

const COMMAND_LINES: string[][] = [
  [repoPath("tests/fixtures/hello/hello.wasm"), "a", "b c"],
  ["--env", "K=V", wasi("args_env"), "x", ""],
  [wasi("exit"), "return", "7"],
  [wasi("exit"), "exit", "300"],
  [wasi("exit"), "_exit", "5"],
  [wasi("exit"), "trap"],
  [wasi("exit"), "raise", "15"],
  ["--invoke", "outer", wat("trap"), "0"],
  ["--invoke", "all", wat("values")],
  ["--invoke", "div_f64", wat("values"), "1", "-1024"],
  ["-W", "max-memory-size=131072", "--invoke", "grow", wat("grow"), "2"],
  ["-W", "max-wasm-stack=50", wat("recurse")],
  ["-W", "fuel=1000", wat("spin")],
  ["--invoke", "yields", wat("imports")],
  ["-W", "unknown-imports-trap", "--invoke", "calls_foo", wat("imports")],
];

for (const backend of ["interp", "singlepass"]) {
  Deno.test(`run --loader user (${backend}) behaves as --loader kernel`, async () => {
    for (const line of COMMAND_LINES) {
      const run = (loader: string) =>
        kwasm("run", "--backend", backend, "--disable-cache", "--loader", loader, ...line);
      const [kernel, user] = [await run("kernel"), await run("user")];
      assert.deepEqual(user, kernel, line.join(" "));
    }
  });

  Deno.test(`run --loader user (${backend}): -W timeout ends the guest, exit 134`, async () => {
    const file = wat("spin");
    const r = await kwasm(
      "run",
      "--backend",
      backend,
      "--loader",
      "user",
      "-W",
      "timeout=200ms",
      file,
    );
    assert.equal(r.code, 134);
    assert.equal(r.stdout, "spinning\n");
    assert.equal(r.stderr, `kwasm: ${file}: interrupted\n`);
  });
}

for (const [name, ready] of [["spin", "spinning\n"], ["wait_stdin", "waiting\n"]]) {
  Deno.test(`run --loader user as a process: Ctrl-C ends the guest (${name})`, async () => {
    const r = await ctrlC(["--loader", "user"], wat(name), ready);
    assert.equal(r.code, 134);
    assert.equal(r.stderr, `kwasm: ${wat(name)}: interrupted\n`);
    // Ready line to exit, terminating the worker: ~100 ms here, 1.1 s seen on a loaded 2-core CI box.
    assert.ok(r.ms < 2500, `${r.ms} ms`);
  });
}

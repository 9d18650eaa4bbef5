/**
 * `kwasm run --loader user` against `--loader kernel`: the same command
 * lines must give the same exit code, stdout and stderr (trap messages and
 * backtraces included) on both backends — interrupts too: a spinning guest
 * traps on its interrupt flag inside the worker, whose wasm frames are
 * printed as the kernel loader prints them; a guest blocked in a host call
 * is ended without frames under both loaders.
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

const BACKENDS = ["interp", "singlepass"];

for (const backend of BACKENDS) {
  Deno.test(`run --loader user (${backend}) behaves as --loader kernel`, async () => {
    for (const line of COMMAND_LINES) {
      const run = (loader: string) =>
        kwasm("run", "--backend", backend, "--disable-cache", "--loader", loader, ...line);
      const [kernel, user] = [await run("kernel"), await run("user")];
      assert.deepEqual(user, kernel, line.join(" "));
    }
  });

  Deno.test(`run --loader user (${backend}): -W timeout prints the kernel loader's frames`, async () => {
    const file = wat("spin");
    const run = (loader: string) =>
      kwasm("run", "--backend", backend, "--loader", loader, "-W", "timeout=200ms", file);
    const [kernel, user] = [await run("kernel"), await run("user")];
    assert.deepEqual(user, kernel);
    assert.equal(user.code, 134);
    assert.equal(user.stdout, "spinning\n");
    assert.match(
      user.stderr,
      /^kwasm: .*: interrupted\n {4}at \$spin \(func 1\) offset 0x[0-9a-f]+\n$/,
    );
  });
}

/**
 * What Ctrl-C on `name` prints after "interrupted": the frame of a spinning guest; none for a
 * guest blocked on stdin — or its frame at the read, when the signal comes between its "waiting"
 * line and the read's request reaching the kernel side (the worker runs on, so that race is
 * real, and the guest then traps on its flag at that call).
 */
const AFTER_CTRL_C: [string, string, RegExp][] = [
  ["spin", "spinning\n", /^ {4}at \$spin \(func 1\) offset 0x[0-9a-f]+\n$/],
  ["wait_stdin", "waiting\n", /^( {4}at \$wait \(func 2\) offset 0x[0-9a-f]+\n)?$/],
];

for (const backend of BACKENDS) {
  for (const [name, ready, frames] of AFTER_CTRL_C) {
    Deno.test(`run --loader user (${backend}) as a process: Ctrl-C ends the guest (${name})`, async () => {
      const r = await ctrlC(["--backend", backend, "--loader", "user"], wat(name), ready);
      assert.equal(r.code, 134);
      const head = `kwasm: ${wat(name)}: interrupted\n`;
      assert.ok(r.stderr.startsWith(head), r.stderr);
      assert.match(r.stderr.slice(head.length), frames);
      // Ready line to exit: ~100 ms here, 1.1 s seen on a loaded 2-core CI box.
      assert.ok(r.ms < 2500, `${r.ms} ms`);
    });
  }
}

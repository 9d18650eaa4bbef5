import assert from "node:assert/strict";
import { main } from "../cli.ts";
import { engineNames } from "../runtime/engines.ts";
import { repoPath } from "../tests/_fixtures.ts";
import { captureOutput } from "./_io.ts";
import { ctrlC, kwasm, makeBadInputs, testdata } from "./_testing.ts";
import { MAX_FRAME_LINES } from "./_trap.ts";

/** The backends to run on: interp, and singlepass once it is registered. */
const BACKENDS = ["interp", "singlepass"].filter((b) => engineNames().includes(b));

const HELLO = repoPath("tests/fixtures/hello/hello.wasm");
const CLI = repoPath("cli.ts");

function wat(name: string): string {
  return testdata(`run/${name}.wat`);
}

function wasiProgram(name: string): string {
  return repoPath(`tests/wasi/${name}.wasm`);
}

/** Runs `deno run -A SCRIPT ARGS…` as a process. */
async function spawn(script: string, args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

for (const backend of BACKENDS) {
  // No singlepass cache: tests leave nothing in the user's cache directory.
  const run = (...args: string[]) => kwasm("run", "--backend", backend, "--disable-cache", ...args);

  Deno.test(`run (${backend}): hello prints what it prints on the host engine`, async () => {
    const host = await spawn(repoPath("tests/_host_run.ts"), [HELLO, "a", "b c"]);
    assert.equal(host.code, 0, host.stderr);
    const r = await run("--argv0", "guest", HELLO, "a", "b c");
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, host.stdout);
    assert.match(r.stdout, /^Hello, world!\nargc=3\nargv\[0\]=guest\n/);
  });

  Deno.test(`run (${backend}): argv[0] is the module's file name, as wasmtime`, async () => {
    const r = await run(HELLO);
    assert.equal(r.stdout, "Hello, world!\nargc=1\nargv[0]=hello.wasm\n");
  });

  Deno.test(`run (${backend}): options after FILE belong to the guest`, async () => {
    const r = await run(HELLO, "--backend", "x", "-W", "fuel=1", "--");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /argv\[1\]=--backend\nargv\[2\]=x\nargv\[3\]=-W\n.*\nargv\[5\]=--\n$/);
  });

  Deno.test(`run (${backend}): the guest's exit code is the process's`, async () => {
    const exit = wasiProgram("exit");
    const cases: [string[], number, string][] = [
      [["return", "7"], 7, "before return\n"],
      [["exit", "3"], 3, "before exit"],
      [["exit", "300"], 300 & 0xff, "before exit"],
      [["_exit", "5"], 5, ""],
      [["return", "0"], 0, "before return\n"],
    ];
    for (const [args, code, stdout] of cases) {
      const r = await run(exit, ...args);
      assert.equal(r.code, code, `${args}: ${r.stderr}`);
      assert.equal(r.stdout, stdout, `${args}`);
      assert.equal(r.stderr, "");
    }
  });

  Deno.test(`run (${backend}): a trap exits 134 with the message and the wasm backtrace`, async () => {
    const r = await run(wasiProgram("exit"), "trap");
    assert.equal(r.code, 134);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `kwasm: ${wasiProgram("exit")}: unreachable`);
    assert.match(lines[1], /^ {4}at \$abort \(func \d+\) offset 0x[0-9a-f]+$/);
    assert.ok(lines.some((l) => /^ {4}at \$main /.test(l)), r.stderr);
    assert.ok(lines.slice(1).every((l) => l.startsWith("    at $")), r.stderr);
  });

  Deno.test(`run (${backend}): backtrace frames are named, innermost first`, async () => {
    const file = wat("trap");
    const r = await run("--invoke", "outer", file, "0");
    assert.equal(r.code, 134);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `kwasm: ${file}: integer divide by zero`);
    assert.deepEqual(
      lines.slice(1).map((l) => l.replace(/0x[0-9a-f]+$/, "X")),
      [
        "    at $inner (func 0) offset X",
        "    at $middle (func 1) offset X",
        "    at $outer (func 2) offset X",
      ],
    );
    assert.doesNotMatch(r.stderr, /\.ts:\d+/);
  });

  Deno.test(`run (${backend}): the guest reads stdin and writes stdout and stderr`, async () => {
    const output = captureOutput({ stdin: "hello\nwörld\n" });
    const args = ["run", "--backend", backend, wasiProgram("stdio"), "echo"];
    assert.equal(await main(args, { output }), 0, output.stderr);
    assert.equal(output.stdout, "HELLO\nWöRLD\n");
    assert.match(output.stderr, /^13 bytes, 2 lines, \d+ reads\n$/);
  });

  Deno.test(`run (${backend}): --dir gives the guest a host directory`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "kwasm_run_" });
    try {
      await Deno.writeTextFile(`${dir}/greeting.txt`, "hello from the host");
      const r = await run(
        "--dir",
        `${dir}::/sandbox`,
        wasiProgram("fsops"),
        ...["cat", "/sandbox/greeting.txt", ";", "write", "/sandbox/out.txt", "written"],
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        "cat /sandbox/greeting.txt: ok hello from the host\n" +
          "write /sandbox/out.txt written: ok\n",
      );
      assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "written");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`run (${backend}): without --dir the guest sees no files`, async () => {
    const r = await run(wasiProgram("fsops"), "cat", "/etc/hostname");
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /: ok/);
  });

  Deno.test(`run (${backend}): --env sets, a bare --env NAME inherits`, async () => {
    const home = Deno.env.get("HOME") ?? "(unset)";
    const r = await run(
      ...["--env", "FOO=bar=baz", "--env", "EMPTY=", "--env", "HOME"],
      wasiProgram("args_env"),
      "x",
    );
    assert.equal(r.code, 1, r.stderr); // argc - 1
    assert.match(r.stdout, /^env\[0\]=FOO=bar=baz$/m);
    assert.match(r.stdout, /^EMPTY=\(empty\)$/m);
    assert.ok(r.stdout.includes(`\nHOME=${home}\n`), r.stdout);
    assert.match(r.stdout, /^envc=3$/m);
  });

  Deno.test(`run (${backend}): -S inherit-env passes the host's environment`, async () => {
    Deno.env.set("KWASM_RUN_TEST", "inherited");
    try {
      const r = await run("-S", "inherit-env", "--env", "FOO=1", wasiProgram("args_env"));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^env\[\d+\]=KWASM_RUN_TEST=inherited$/m);
      assert.match(r.stdout, /^env\[\d+\]=FOO=1$/m);
      const without = await run("--env", "FOO=1", wasiProgram("args_env"));
      assert.doesNotMatch(without.stdout, /KWASM_RUN_TEST/);
    } finally {
      Deno.env.delete("KWASM_RUN_TEST");
    }
  });

  Deno.test(`run (${backend}): --invoke reads arguments and prints results as wasmtime`, async () => {
    const file = wat("values");
    const cases: [string, string[], string][] = [
      ["add_i32", ["-5", "3"], "-2\n"],
      ["add_i32", ["2147483647", "1"], "-2147483648\n"],
      ["add_i64", ["-9223372036854775808", "-1"], "9223372036854775807\n"],
      ["div_f32", ["1", "3"], "0.33333334\n"],
      ["div_f32", ["-1", "0"], "-inf\n"],
      ["div_f32", ["1e38", "1e-2"], "inf\n"],
      ["div_f32", ["nan", "2"], "NaN\n"],
      ["div_f64", ["1", "3"], "0.3333333333333333\n"],
      ["div_f64", ["0", "0"], "NaN\n"],
      ["div_f64", ["-0", "1"], "-0\n"],
      ["div_f64", ["1e300", "1"], `1${"0".repeat(300)}\n`],
      ["div_f64", ["1", "-1024"], "-0.0009765625\n"],
      ["div_f64", ["-inf", "2"], "-inf\n"],
      ["nothing", [], ""],
    ];
    for (const [name, args, stdout] of cases) {
      const r = await run("--invoke", name, file, ...args);
      assert.equal(r.stderr, "", `${name} ${args}`);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, stdout, `${name} ${args}`);
    }
  });

  Deno.test(`run (${backend}): --invoke prints several results, refs and v128`, async () => {
    const all = await run("--invoke", "all", wat("values"));
    assert.equal(all.code, 0, all.stderr);
    const v128 = (1n | (0x8000_0000n << 96n)).toString();
    assert.equal(all.stdout, `-1\n-9223372036854775808\n0.1\n-0\nNaN\n${v128}\n`);
    const refs = await run("--invoke", "null_ref", wat("values"));
    assert.equal(refs.stdout, "<null funcref>\n<null externref>\n");
  });

  Deno.test(`run (${backend}): -W max-memory-size makes memory.grow return -1`, async () => {
    const file = wat("grow");
    assert.equal((await run("--invoke", "grow", file, "1")).stdout, "1\n");
    const limited = await run("-W", "max-memory-size=131072", "--invoke", "grow", file, "2");
    assert.equal(limited.stdout, "-1\n");
    const fits = await run("-W", "max-memory-size=131072", "--invoke", "grow", file, "1");
    assert.equal(fits.stdout, "1\n");
  });

  Deno.test(`run (${backend}): -W timeout stops an infinite loop`, async () => {
    const file = wat("spin");
    const t0 = performance.now();
    const r = await run("-W", "timeout=100ms", file);
    const elapsed = performance.now() - t0;
    assert.equal(r.code, 134);
    assert.equal(r.stdout, "spinning\n");
    assert.equal(r.stderr.split("\n")[0], `kwasm: ${file}: interrupted`);
    assert.match(r.stderr, /\n {4}at \$spin \(func 1\) offset 0x[0-9a-f]+\n$/);
    assert.ok(elapsed >= 100, `stopped after ${elapsed} ms`);
    assert.ok(elapsed < 1000, `stopped after ${elapsed} ms`);
  });

  Deno.test(`run (${backend}): deep recursion traps "call stack exhausted"`, async () => {
    const file = wat("recurse");
    const r = await run(file);
    assert.equal(r.code, 134);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `kwasm: ${file}: call stack exhausted`);
    assert.ok(lines.length <= MAX_FRAME_LINES + 1, `${lines.length} lines`);
    const bounded = await run("-W", "max-wasm-stack=50", file);
    assert.equal(bounded.code, 134);
    assert.match(
      bounded.stderr,
      /^kwasm: .*: call stack exhausted\n {4}at \$down \(func 0\) offset 0x[0-9a-f]+\n/,
    );
  });

  Deno.test(`run (${backend}): -W fuel stops a loop with "all fuel consumed"`, async () => {
    const file = wat("spin");
    const r = await run("-W", "fuel=1000", file);
    assert.equal(r.code, 134);
    assert.equal(r.stdout, "spinning\n");
    assert.equal(r.stderr.split("\n")[0], `kwasm: ${file}: all fuel consumed`);
    const enough = await run("-W", "fuel=1000", "--invoke", "add_i32", wat("values"), "1", "2");
    assert.equal(enough.stdout, "3\n");
  });

  Deno.test(`run (${backend}): unknown imports fail before running, naming all of them`, async () => {
    const file = wat("imports");
    const r = await run("--invoke", "yields", file);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `kwasm: ${file}: unknown import: env.foo (func), host.log (func)\n`);
  });

  Deno.test(`run (${backend}): -W unknown-imports-trap traps only when called`, async () => {
    const file = wat("imports");
    const ok = await run("-W", "unknown-imports-trap", "--invoke", "yields", file);
    assert.equal(ok.stderr, "");
    assert.equal(ok.stdout, "0\n");
    const called = await run("-W", "unknown-imports-trap", "--invoke", "calls_foo", file);
    assert.equal(called.code, 134);
    assert.equal(called.stderr.split("\n")[0], `kwasm: ${file}: unknown import env.foo called`);
    const global = await run("-W", "unknown-imports-trap", "--invoke", "f", wat("import_global"));
    assert.equal(global.code, 1);
    assert.equal(
      global.stderr,
      `kwasm: ${wat("import_global")}: unknown import: env.g (global), env.mem (memory)\n`,
    );
  });
}

Deno.test("run: a module without _start lists the functions it exports", async () => {
  const file = wat("values");
  const r = await kwasm("run", "--backend", "interp", file);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `kwasm: ${file}: no "_start" function (not a WASI command); call a function with ` +
      "--invoke NAME (exported functions: add_i32, add_i64, div_f32, div_f64, all, null_ref, " +
      "nothing)\n",
  );
  const missing = await kwasm("run", "--backend", "interp", "--invoke", "nope", file);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^kwasm: .*: no exported function 'nope' \(exported functions: /);
});

Deno.test("run: --invoke arguments that do not fit the parameters are usage errors", async () => {
  const file = wat("values");
  const cases: [string[], string][] = [
    [["add_i32", "1"], "'add_i32' takes 2 argument(s) (i32, i32), got 1"],
    [["add_i32", "1", "2", "3"], "'add_i32' takes 2 argument(s) (i32, i32), got 3"],
    [["add_i32", "1", "x"], "argument 2 of 'add_i32' is not a valid i32: 'x'"],
    [["add_i32", "2147483648", "0"], "argument 1 of 'add_i32' is not a valid i32: '2147483648'"],
    [["add_i64", "1.5", "0"], "argument 1 of 'add_i64' is not a valid i64: '1.5'"],
    [["div_f64", "0x10", "1"], "argument 1 of 'div_f64' is not a valid f64: '0x10'"],
  ];
  for (const [[name, ...args], message] of cases) {
    const r = await kwasm("run", "--backend", "interp", "--invoke", name, file, ...args);
    assert.equal(r.code, 2, message);
    assert.equal(r.stderr, `kwasm: run: ${message}\n`);
  }
});

Deno.test("run: each bad input is one line, exit 1", async () => {
  const bad = await makeBadInputs();
  const expected: [string, string][] = [
    [bad.missing, `kwasm: cannot read '${bad.missing}': No such file or directory`],
    [bad.dir, `kwasm: cannot read '${bad.dir}': Is a directory`],
    [bad.empty, `kwasm: ${bad.empty}: malformed module: unexpected end`],
    [bad.random, `kwasm: ${bad.random}: malformed module: magic header not detected`],
    [bad.invalid, `kwasm: ${bad.invalid}: invalid module: type mismatch`],
  ];
  try {
    for (const [file, line] of expected) {
      const r = await kwasm("run", "--backend", "interp", file);
      assert.equal(r.code, 1, file);
      assert.equal(r.stdout, "");
      assert.ok(r.stderr.startsWith(line), `${r.stderr} should start with ${line}`);
      assert.equal(r.stderr.split("\n").length, 2, `one line: ${r.stderr}`);
    }
    const dir = await kwasm("run", "--backend", "interp", "--dir", bad.missing, HELLO);
    assert.equal(dir.code, 1);
    assert.equal(
      dir.stderr,
      `kwasm: --dir: cannot open '${bad.missing}': No such file or directory\n`,
    );
    const notDir = await kwasm("run", "--backend", "interp", "--dir", `${bad.empty}::/x`, HELLO);
    assert.equal(notDir.stderr, `kwasm: --dir: '${bad.empty}' is not a directory\n`);
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("run: a bad command line is one usage line, exit 2", async () => {
  const help = "; run 'kwasm run --help' for usage";
  const cases: [string[], string][] = [
    [[], `run: no module to run${help}`],
    [["-W", "bogus", HELLO], `run: unknown -W option 'bogus'${help}`],
    [["-W", "fuel=1,nope=2", HELLO], `run: unknown -W option 'nope'${help}`],
    [["-S", "bogus=1", HELLO], `run: unknown -S option 'bogus'${help}`],
    [["-W", "fuel=-1", HELLO], `run: -W fuel needs an integer${help}`],
    [
      ["-W", "timeout=soon", HELLO],
      `run: -W timeout needs a duration such as 100ms, 2s or 1m${help}`,
    ],
    [
      ["-W", "unknown-imports-trap=maybe", HELLO],
      `run: -W unknown-imports-trap takes y or n, not 'maybe'${help}`,
    ],
    [["--loader", "nope", HELLO], `run: unknown loader 'nope' (kernel or user)${help}`],
    [["--env", "=x", HELLO], `run: --env '=x' has no variable name${help}`],
    [["--frob", HELLO], `run: unknown option '--frob'${help}`],
    [
      ["-S", "tcplisten=localhost", HELLO],
      "run: -S tcplisten: not an address (HOST:PORT): localhost",
    ],
    [["--backend", "nope", HELLO], "backend 'nope' is not available (available: "],
  ];
  for (const [args, message] of cases) {
    const r = await kwasm("run", ...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.ok(r.stderr.startsWith(`kwasm: ${message}`), `${r.stderr} should say ${message}`);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
  }
});

Deno.test("run: the default backend is singlepass", async () => {
  const r = await kwasm("run", HELLO);
  if (engineNames().includes("singlepass")) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Hello, world!\n/);
  } else {
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kwasm: backend 'singlepass' is not available/);
  }
});

Deno.test("run --help describes the options and the exit status", async () => {
  const r = await kwasm("run", "--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: kwasm run \[options\] FILE \[ARGS\.\.\.\]\n/);
  for (const option of ["--invoke", "--dir", "--env", "fuel=N", "timeout=", "exits 134"]) {
    assert.ok(r.stdout.includes(option), option);
  }
});

Deno.test("run as a process: exit code, the guest's stdout, one stderr line", async () => {
  const exit = await spawn(CLI, ["run", "--backend", "interp", wasiProgram("exit"), "exit", "3"]);
  assert.equal(exit.code, 3);
  assert.equal(exit.stdout, "before exit");
  assert.equal(exit.stderr, "");

  const missing = await spawn(CLI, ["run", "--backend", "interp", "no/such.wasm", "arg"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.equal(missing.stderr, "kwasm: cannot read 'no/such.wasm': No such file or directory\n");

  const trap = await spawn(CLI, ["run", "--backend", "interp", wat("recurse")]);
  assert.equal(trap.code, 134);
  assert.match(trap.stderr, /^kwasm: .*recurse\.wat: call stack exhausted\n/);
  assert.doesNotMatch(trap.stderr, /\.ts:\d+/);
});

Deno.test("run as a process: Ctrl-C interrupts a spinning guest", async () => {
  // The guest prints "spinning" from inside kwasm, so the watchdog already listens.
  const r = await ctrlC(["--backend", "interp"], wat("spin"), "spinning\n");
  assert.equal(r.code, 134);
  assert.equal(r.stderr.split("\n")[0], `kwasm: ${wat("spin")}: interrupted`);
  assert.ok(r.ms < 1000, `${r.ms} ms`);
});

for (const backend of ["interp", "singlepass"]) {
  Deno.test(`run as a process (${backend}): Ctrl-C interrupts a guest waiting for stdin`, async () => {
    const r = await ctrlC(["--backend", backend], wat("wait_stdin"), "waiting\n");
    assert.equal(r.code, 134);
    assert.equal(r.stderr, `kwasm: ${wat("wait_stdin")}: interrupted\n`);
    assert.ok(r.ms < 1000, `${r.ms} ms`);
  });

  Deno.test(`run as a process (${backend}): -W timeout ends a guest waiting for stdin`, async () => {
    const flags = ["--backend", backend, "-W", "timeout=300ms"];
    const r = await ctrlC(flags, wat("wait_stdin"), "waiting\n", false);
    assert.equal(r.code, 134);
    assert.equal(r.stderr, `kwasm: ${wat("wait_stdin")}: interrupted\n`);
    assert.ok(r.ms < 2000, `${r.ms} ms`);
  });
}

for (const loader of ["kernel", "user"]) {
  Deno.test(`run --loader ${loader}: WASI from the start function traps, on both backends`, async () => {
    for (const backend of ["interp", "singlepass"]) {
      const r = await kwasm("run", "--loader", loader, "--backend", backend, wat("start_wasi"));
      assert.equal(r.code, 134, `${backend}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /before the guest's memory was bound \(from the start function\?\)/);
      assert.match(r.stderr, /\n {4}at \$s \(func 1\)/, "the wasm frame under the host call");
    }
  });
}

/**
 * The C test programs (and the preview0 WAT program) run on V8 with kwasm's
 * WASI host through JSPI, as the singlepass backend runs them: stdio,
 * args/env, exit codes, files, directories, clocks and poll, the raw ABI.
 * The self-checking programs print one line per check and exit with the
 * number of failures; the host side is checked here too.
 */
import assert from "node:assert/strict";
import { BytesReader, Collector, jspiImports, promising, runWasi, testModule } from "./_run.ts";
import { createWasi } from "../../wasi/mod.ts";

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "kwasm-wasi-" });
}

function failures(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("FAIL"));
}

function checks(stdout: string): number {
  return stdout.split("\n").filter((l) => l.startsWith("ok ") || l.startsWith("FAIL")).length;
}

Deno.test("args_env: arguments and environment, UTF-8 and empty strings", async () => {
  const r = await runWasi("args_env", {
    args: ["prog", "héllo wörld", "", "a=b"],
    env: { HOME: "/home/guest", EMPTY: "", "UNICODE_λ": "✓" },
  });
  assert.deepEqual(r.code, 3);
  assert.deepEqual(
    r.stdout,
    [
      "argc=4",
      "argv[0]=prog (4 bytes)",
      "argv[1]=héllo wörld (13 bytes)",
      "argv[2]= (0 bytes)",
      "argv[3]=a=b (3 bytes)",
      "env[0]=HOME=/home/guest",
      "env[1]=EMPTY=",
      "env[2]=UNICODE_λ=✓",
      "envc=3",
      "HOME=/home/guest",
      "EMPTY=(empty)",
      "",
    ].join("\n"),
  );
});

Deno.test("args_env: nothing granted means no arguments and no environment", async () => {
  const r = await runWasi("args_env");
  assert.deepEqual(r.code, -1); // argc 0: main returns -1, a signed exit code
  assert.match(r.stdout, /^argc=0\nenvc=0\nHOME=\(unset\)\n/);
});

Deno.test("stdio echo: stdin in small chunks, stdout and stderr", async () => {
  const input = "hello\nworld\n" + "x".repeat(1000) + "\nlast line without newline";
  const r = await runWasi("stdio", { args: ["stdio", "echo"], stdinData: input, stdinChunk: 5 });
  assert.deepEqual(r.code, 0);
  assert.deepEqual(r.stdout, input.toUpperCase());
  assert.match(r.stderr, /^1038 bytes, 3 lines, \d+ reads\n$/);
});

Deno.test("stdio lines: buffered stdin reading", async () => {
  const r = await runWasi("stdio", { args: ["stdio", "lines"], stdinData: "a\nbb\n\nccc\n" });
  assert.deepEqual(r.stdout, "  1: a\n  2: bb\n  3: \n  4: ccc\n4 lines\n");
});

Deno.test("stdio info: pipes are not ttys, stdio has no seek rights", async () => {
  const r = await runWasi("stdio", { args: ["stdio", "info"] });
  assert.deepEqual(r.code, 0);
  assert.deepEqual(
    r.stdout,
    "fd 0: SUCCESS filetype=0 isatty=0 read=1 write=0 seek=0\n" +
      "fd 1: SUCCESS filetype=0 isatty=0 read=0 write=1 seek=0\n" +
      "fd 2: SUCCESS filetype=0 isatty=0 read=0 write=1 seek=0\n" +
      "ok   lseek on stdout -> SPIPE\n",
  );
  const tty = { writeSync: (p: Uint8Array) => p.length, isTerminal: () => true };
  const t = await runWasi("stdio", { args: ["stdio", "info"], stdout: tty });
  assert.deepEqual(t.code, 0);
});

Deno.test("stdio nonblock: EAGAIN until input arrives, poll waits for it", async () => {
  const r = await runWasi("stdio", {
    args: ["stdio", "nonblock"],
    stdin: new BytesReader("late data\n", Infinity, 50),
  });
  assert.deepEqual(failures(r.stdout), []);
  assert.deepEqual(r.code, 0);
});

Deno.test("stdin reads do not block the event loop", async () => {
  // While the guest waits for stdin, a timer must fire (the loop is free).
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    const r = await runWasi("stdio", {
      args: ["stdio", "echo"],
      stdin: new BytesReader("slow input\n", 3, 20),
    });
    assert.deepEqual(r.stdout, "SLOW INPUT\n");
  } finally {
    clearInterval(timer);
  }
  assert(ticks >= 5, `the event loop ran ${ticks} timer ticks while the guest waited`);
});

Deno.test("exit codes: return, exit (flushes), _Exit, trap, proc_raise", async () => {
  let r = await runWasi("exit", { args: ["exit", "return", "7"] });
  assert.deepEqual([r.code, r.stdout], [7, "before return\n"]);
  r = await runWasi("exit", { args: ["exit", "exit", "3"] });
  assert.deepEqual([r.code, r.stdout], [3, "before exit"]);
  r = await runWasi("exit", { args: ["exit", "_exit", "4"] });
  assert.deepEqual([r.code, r.stdout], [4, ""]);
  r = await runWasi("exit", { args: ["exit", "exit", "0"] });
  assert.deepEqual(r.code, 0);
  r = await runWasi("exit", { args: ["exit", "exit", "300"] });
  assert.deepEqual(r.code, 300, "the full u32 status reaches the host; the loader keeps 8 bits");
  await assert.rejects(
    () => runWasi("exit", { args: ["exit", "trap"] }),
    { name: "RuntimeError", message: /unreachable/ },
  );
  r = await runWasi("exit", { args: ["exit", "raise", "6"] }); // SIGABRT
  assert.deepEqual(r.code, 128 + 6);
  r = await runWasi("exit", { args: ["exit", "raise", "15"] }); // SIGTERM
  assert.deepEqual(r.code, 128 + 15);
  r = await runWasi("exit", { args: ["exit", "raise", "30"] }); // SIGSYS: Linux 31
  assert.deepEqual(r.code, 128 + 31);
  r = await runWasi("exit", { args: ["exit", "raise", "16"] }); // SIGCHLD: ignored
  assert.deepEqual([r.code, r.stdout], [0, "before raise: proc_raise returned 0\n"]);
  r = await runWasi("exit", { args: ["exit", "raise", "0"] });
  assert.deepEqual(r.stdout, "before raise: proc_raise returned 28\n"); // EINVAL
});

Deno.test("files: create, read, write, seek, pread/pwrite, append, truncate, times", async () => {
  const dir = tempDir();
  try {
    const r = await runWasi("files", { args: ["files"], dirs: [`${dir}::/sandbox`] });
    assert.deepEqual(failures(r.stdout), []);
    assert.deepEqual(r.code, 0);
    assert.equal(checks(r.stdout), 79, "every check ran");
    // What the guest left behind, seen from the host.
    assert.deepEqual(Deno.readTextFileSync(`${dir}/log.txt`), "ONE\ntwo\nthree\n");
    assert.deepEqual(Deno.readTextFileSync(`${dir}/r2.txt`), "first");
    assert.deepEqual(Deno.statSync(`${dir}/big.bin`).size, 1 << 20);
    assert.deepEqual(Deno.statSync(`${dir}/a.txt`).mtime?.getTime(), 2000000001000);
    assert.deepEqual(Deno.readTextFileSync(`${dir}/v.txt`), "aXYZefgh");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["a.txt", "big.bin", "log.txt", "r2.txt", "s.txt", "t.txt", "v.txt"],
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("dirs: mkdir, readdir with cookies, symlinks, renames, links", async () => {
  const dir = tempDir();
  try {
    const r = await runWasi("dirs", { args: ["dirs"], dirs: [`${dir}::/sandbox`] });
    assert.deepEqual(failures(r.stdout), []);
    assert.deepEqual(r.code, 0);
    assert.equal(checks(r.stdout), 55, "every check ran");
    assert.deepEqual(Deno.readLinkSync(`${dir}/d/dlink`), "sub");
    assert.deepEqual(Deno.lstatSync(`${dir}/d/dangling`).mtime?.getTime(), 1500000000000);
    assert.deepEqual(Deno.statSync(`${dir}/d/hard`).ino, Deno.statSync(`${dir}/d/a`).ino);
    assert.deepEqual([...Deno.readDirSync(`${dir}/many`)].length, 300);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("clocks_poll: clocks, sleeping, poll on stdin, random", async () => {
  const r = await runWasi("clocks_poll", {
    args: ["clocks_poll"],
    stdin: new BytesReader("a line\n", Infinity, 100),
  });
  assert.deepEqual(failures(r.stdout), []);
  assert.deepEqual(r.code, 0);
  const realtime = Number(/realtime (\d+)/.exec(r.stdout)![1]);
  assert(Math.abs(realtime - Date.now() / 1000) < 10, "realtime is the host's wall clock");
});

Deno.test("abi: raw calls — EFAULT, rights, numbering, prestat, readdir, seek, times, poll", async () => {
  const dir = tempDir();
  try {
    const r = await runWasi("abi", { args: ["abi"], dirs: [`${dir}::/sandbox`] });
    assert.deepEqual(failures(r.stdout), []);
    assert.deepEqual(r.code, 0);
    assert.equal(checks(r.stdout), 166, "every check ran");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("preview0: wasi_unstable whence, 56-byte filestat, 56-byte subscriptions", async () => {
  const dir = tempDir();
  try {
    const r = await runWasi("preview0", { dirs: [dir] });
    assert.deepEqual(r.stdout, "preview0 ok\n");
    assert.deepEqual(r.code, 0);
    assert.deepEqual(Deno.readTextFileSync(`${dir}/p0.txt`), "0123456789");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("preview0: the program fails where preview1's ABI differs (the checks can fail)", async () => {
  // Feed the preview1 functions under the wasi_unstable name: every check that
  // depends on a preview0 difference must fail, and only those.
  const dir = tempDir();
  try {
    const host = createWasi({ dirs: [dir], stdout: new Collector(), stderr: new Collector() });
    const imports = jspiImports(host);
    imports.wasi_unstable = imports.wasi_snapshot_preview1;
    const instance = await WebAssembly.instantiate(await testModule("preview0"), imports);
    const start = promising(instance.exports._start);
    const code = await host.start({ exports: { ...instance.exports, _start: start } });
    // bits 2-4: whence; 5-6: filestat layout; 7: subscription layout.
    assert.deepEqual(code, 0b1111_1100);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

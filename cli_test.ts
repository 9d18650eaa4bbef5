import assert from "node:assert/strict";
import denoJson from "./deno.json" with { type: "json" };
import { main } from "./cli.ts";
import { captureOutput } from "./cli/_io.ts";

/** Runs the command line in-process and returns the exit code and both streams. */
async function kwasm(...args: string[]) {
  const output = captureOutput();
  const code = await main(args, { output });
  return { code, stdout: output.stdout, stderr: output.stderr };
}

const CLI = new URL("./cli.ts", import.meta.url).pathname;

/** Runs `deno run <flags> cli.ts <args>` as a real process. */
async function spawn(flags: string[], args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("--version prints the version from deno.json", async () => {
  for (const flag of ["--version", "-V"]) {
    const r = await kwasm(flag);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `kwasm ${denoJson.version}\n`);
    assert.equal(r.stderr, "");
  }
});

Deno.test("--help lists every subcommand, the planned ones too", async () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const r = await kwasm(...args);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^kwasm \S+: a WebAssembly runtime for Deno\n/);
    for (
      const command of ["run", "validate", "inspect", "wast", "wat2wasm", "wasm2wat", "help"]
    ) {
      assert.match(r.stdout, new RegExp(`^  ${command} +\\S`, "m"), command);
    }
  }
});

Deno.test("no arguments prints usage and exits 2", async () => {
  const r = await kwasm();
  assert.equal(r.code, 2);
  assert.match(r.stdout, /^Usage: kwasm <command>/m);
});

Deno.test("help COMMAND and COMMAND --help print that command's help", async () => {
  for (const command of ["validate", "inspect", "wast", "wat2wasm", "wasm2wat"]) {
    const viaHelp = await kwasm("help", command);
    const viaFlag = await kwasm(command, "--help");
    assert.equal(viaHelp.code, 0);
    assert.equal(viaFlag.code, 0);
    assert.match(viaHelp.stdout, new RegExp(`^Usage: kwasm ${command} `));
    assert.equal(viaFlag.stdout, viaHelp.stdout);
  }
});

Deno.test("an unknown command is one line and exit 2", async () => {
  const r = await kwasm("frobnicate", "x.wasm");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "kwasm: unknown command 'frobnicate'; run 'kwasm --help' for usage\n");
  const help = await kwasm("help", "frobnicate");
  assert.equal(help.code, 2);
  assert.equal(help.stderr, r.stderr);
});

Deno.test("an unknown top-level option is one line and exit 2", async () => {
  const r = await kwasm("--frob");
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "kwasm: unknown option '--frob'; run 'kwasm --help' for usage\n");
});

Deno.test("an unknown subcommand option names the command and exits 2", async () => {
  const r = await kwasm("validate", "--frob", "x.wasm");
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    "kwasm: validate: unknown option '--frob'; run 'kwasm validate --help' for usage\n",
  );
});

Deno.test("'help COMMAND' prints the command's usage", async () => {
  for (const command of ["run", "validate", "inspect", "wast", "wat2wasm", "wasm2wat"]) {
    const r = await kwasm("help", command);
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, new RegExp(`^Usage: kwasm ${command} `));
  }
});

Deno.test("as a process: bad input gives the exit code and one stderr line, no stack trace", async () => {
  const missing = await spawn(["-A"], ["validate", "no/such/file.wasm"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.equal(
    missing.stderr,
    "kwasm: cannot read 'no/such/file.wasm': No such file or directory\n",
  );

  const unknown = await spawn(["-A"], ["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.split("\n").length, 2, unknown.stderr);
  assert.doesNotMatch(unknown.stderr, /\bat .*:\d+:\d+/);
});

Deno.test("as a process without --allow-read: permission denied is one line", async () => {
  const r = await spawn([], ["inspect", CLI]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `kwasm: cannot read '${CLI}': Permission denied (run with --allow-read)\n`,
  );
});

Deno.test("as a process: success exits 0", async () => {
  const r = await spawn(["-A"], ["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `kwasm ${denoJson.version}\n`);
  assert.equal(r.stderr, "");
});

import assert from "node:assert/strict";
import { parseDuration, parseRunCommandLine, splitCommandLine } from "./_run_options.ts";

Deno.test("splitCommandLine stops at the module, knowing which options take values", () => {
  const cases: [string[], string[], string[]][] = [
    [["m.wasm", "-W", "x"], [], ["m.wasm", "-W", "x"]],
    [["-W", "fuel=1", "m.wasm"], ["-W", "fuel=1"], ["m.wasm"]],
    [["-Wfuel=1", "--net", "m.wasm", "a"], ["-Wfuel=1", "--net"], ["m.wasm", "a"]],
    [["--dir=.", "--env", "A", "m.wasm"], ["--dir=.", "--env", "A"], ["m.wasm"]],
    [["--invoke", "f", "m.wasm", "1"], ["--invoke", "f"], ["m.wasm", "1"]],
    [["--net", "--", "-m.wasm", "--"], ["--net"], ["-m.wasm", "--"]],
    [["-", "x"], [], ["-", "x"]],
    [["--dir"], ["--dir"], []],
  ];
  for (const [args, options, rest] of cases) {
    assert.deepEqual(splitCommandLine(args), { options, rest }, args.join(" "));
  }
});

Deno.test("parseRunCommandLine reads wasmtime's option groups", () => {
  const o = parseRunCommandLine([
    ...["-W", "fuel=10,timeout=2s", "--wasm=max-wasm-stack=64", "-Wmax-memory-size=65536"],
    ...["-W", "unknown-imports-trap", "-S", "inherit-env=n", "-S", "inherit-env"],
    ...["--env", "A", "--env", "B=1=2", "--dir", "x::/y", "--disable-cache"],
    ...["m.wasm", "-W", "fuel=1"],
  ]);
  assert.equal(o.fuel, 10);
  assert.equal(o.timeoutMs, 2000);
  assert.equal(o.maxWasmStack, 64);
  assert.equal(o.maxMemoryBytes, 65536);
  assert.equal(o.unknownImportsTrap, true);
  assert.equal(o.inheritEnv, true);
  assert.deepEqual(o.env, [{ name: "A", value: undefined }, { name: "B", value: "1=2" }]);
  assert.deepEqual(o.dirs, ["x::/y"]);
  assert.equal(o.cache, false);
  assert.equal(o.file, "m.wasm");
  assert.deepEqual(o.args, ["-W", "fuel=1"]);
  assert.equal(o.backend, "singlepass");
  assert.equal(o.loader, "kernel");
});

Deno.test("parseRunCommandLine: later values win, booleans take y and n", () => {
  const o = parseRunCommandLine(["-W", "fuel=1", "-W", "fuel=2,unknown-imports-trap=n", "m"]);
  assert.equal(o.fuel, 2);
  assert.equal(o.unknownImportsTrap, false);
  assert.throws(() => parseRunCommandLine(["-W", "max-wasm-stack=0", "m"]), /at least 1/);
  assert.throws(() => parseRunCommandLine(["-W", "fuel", "m"]), /-W fuel needs an integer/);
  assert.throws(() => parseRunCommandLine(["-S", "tcplisten", "m"]), /needs an address/);
  assert.throws(() => parseRunCommandLine(["--dir", "::/x", "m"]), /names no host directory/);
});

Deno.test("parseDuration: a bare number is seconds, else numbers with units", () => {
  const cases: [string, number | null][] = [
    ["2", 2000],
    ["0", 0],
    ["1.5", 1500],
    ["100ms", 100],
    ["100 ms", 100],
    ["2s", 2000],
    ["1m", 60_000],
    ["1m30s", 90_000],
    ["1h 2min", 3_720_000],
    ["500us", 0.5],
    ["10x", null],
    ["ms", null],
    ["", null],
    ["1s ms", null],
    ["-1s", null],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

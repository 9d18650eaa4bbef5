import assert from "node:assert/strict";
import { stripVTControlCharacters } from "node:util";
import { listSections } from "../runtime/binary/section_list.ts";
import { fixtureFiles } from "../tests/_fixtures.ts";
import { main } from "../cli.ts";
import type { ModuleSummary } from "./_summary.ts";
import { kwasm, makeBadInputs, testdata } from "./_testing.ts";

const KITCHEN_SINK = testdata("kitchen_sink.wasm");

/** Runs `inspect --json FILE` and parses the summary. */
async function summaryOf(file: string): Promise<ModuleSummary> {
  const r = await kwasm("inspect", "--json", file);
  const summary: ModuleSummary = JSON.parse(r.stdout);
  // Invalid modules are summarized too, with one error line and exit 1.
  assert.equal(r.stderr === "", summary.valid);
  assert.equal(r.code, summary.valid ? 0 : 1);
  return summary;
}

/** Length of `n` as an unsigned LEB128 (what a minimal encoder writes). */
function lebLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

Deno.test("inspect shows every part of the kitchen-sink module", async () => {
  const file = KITCHEN_SINK;
  const r = await kwasm("inspect", file);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    `${file}: 327 bytes, module $kitchen_sink, valid

Sections (12)
  id  name      start  offset  size  count
   1  type      0x008  0x00a     14      3
   2  import    0x018  0x01a     37      3
   3  function  0x03f  0x041      3      2
   4  table     0x044  0x046      5      1
   5  memory    0x04b  0x04d      4      1
   6  global    0x051  0x053     41      5
   7  export    0x07c  0x07e     16      2
   8  start     0x08e  0x090      1
   9  element   0x091  0x093     16      3
  10  code      0x0a3  0x0a5     20      2
  11  data      0x0b9  0x0bb     28      2
   0  "name"    0x0d7  0x0d9    110

Types (3)
  index  type
      0  (func (param i32 i32) (result i32))
      1  (func (param i32))
      2  (func)

Imports (3)
  item       import     type                         name
  func[0]    env.log    (func (type 1) (param i32))  $log
  table[0]   env.table  (table 2 funcref)
  global[0]  env.base   (global i32)

Functions (2)
  item     name   type  signature                            locals  size  instrs
  func[1]  $add      0  (func (param i32 i32) (result i32))       3    11       4
  func[2]  $init     2  (func)                                    0     6       3

Tables (1)
  item      type
  table[1]  (table 4 8 externref)

Memories (1)
  item       type
  memory[0]  (memory 1 2)

Globals (5)
  item       type       init
  global[1]  (mut i32)  i32.const 1024
  global[2]  f64        f64.const 0.5
  global[3]  i64        i64.const -9007199254740993
  global[4]  funcref    ref.func 1
  global[5]  i32        global.get 0

Exports (2)
  name      item       item name
  "add"     func[1]    $add
  "memory"  memory[0]

Start: func[2] $init

Elements (3)
  segment  mode         table  offset       type     count
        0  active           0  i32.const 0  funcref      2
        1  passive                          funcref      1
        2  declarative                      funcref      1

Data (2)
  segment  mode     memory  offset        size  bytes
        0  active        0  i32.const 16    13  "hello\\00\\"world\\""
        1  passive                           7  "passive"

Custom sections (1)
  name    offset  size  contents
  "name"  0x0d9    110  module name, 3 function names, local names in 3 functions
`,
  );
});

Deno.test("inspect --json: the kitchen-sink summary, field by field", async () => {
  const s = await summaryOf(KITCHEN_SINK);
  assert.equal(s.name, "kitchen_sink");
  assert.equal(s.valid, true);
  assert.equal(s.error, null);
  assert.deepEqual(s.sections, listSections(await Deno.readFile(KITCHEN_SINK)));
  assert.deepEqual(s.imports.map((i) => [i.kind, i.index, `${i.module}.${i.name}`]), [
    ["func", 0, "env.log"],
    ["table", 0, "env.table"],
    ["global", 0, "env.base"],
  ]);
  assert.deepEqual(s.functions.map((f) => [f.index, f.name, f.type, f.locals, f.instructions]), [
    [1, "add", 0, 3, 4],
    [2, "init", 2, 0, 3],
  ]);
  assert.deepEqual(s.globals.map((g) => g.init), [
    "i32.const 1024",
    "f64.const 0.5",
    "i64.const -9007199254740993",
    "ref.func 1",
    "global.get 0",
  ]);
  assert.deepEqual(s.start, { index: 2, name: "init" });
  assert.deepEqual(s.elements.map((e) => [e.mode, e.target, e.offset, e.size]), [
    ["active", 0, "i32.const 0", 2],
    ["passive", null, null, 1],
    ["declarative", null, null, 1],
  ]);
  assert.deepEqual(s.data.map((d) => [d.mode, d.target, d.offset, d.size]), [
    ["active", 0, "i32.const 16", 13],
    ["passive", null, null, 7],
  ]);
});

/** The JS API's kind names are the text format's, except for functions. */
function hostKind(kind: string): string {
  return kind === "function" ? "func" : kind;
}

Deno.test("inspect --json agrees with the host engine on every fixture", async () => {
  for (const file of fixtureFiles()) {
    const s = await summaryOf(file);
    const host = new WebAssembly.Module(await Deno.readFile(file));
    const kinds = <T extends { kind: string }>(xs: T[]) =>
      xs.map((x) => ({ ...x, kind: hostKind(x.kind) }));
    assert.deepEqual(
      s.imports.map(({ module, name, kind }) => ({ module, name, kind })),
      kinds(WebAssembly.Module.imports(host)),
      file,
    );
    assert.deepEqual(
      s.exports.map(({ name, kind }) => ({ name, kind })),
      kinds(WebAssembly.Module.exports(host)),
      file,
    );
    for (const c of s.customs) {
      const payloads = WebAssembly.Module.customSections(host, c.name);
      const header = lebLength(new TextEncoder().encode(c.name).length) +
        new TextEncoder().encode(c.name).length;
      assert.ok(payloads.some((p) => p.byteLength === c.size - header), `${file}: ${c.name}`);
    }
  }
});

Deno.test("inspect: function body sizes add up to the code section on every fixture", async () => {
  for (const file of [...fixtureFiles(), KITCHEN_SINK]) {
    const bytes = await Deno.readFile(file);
    const s = await summaryOf(file);
    const code = s.sections.find((x) => x.name === "code")!;
    // Size fields may be padded (clang writes 5-byte LEBs): step over each
    // LEB byte by byte rather than assume minimal encodings.
    const skipLeb = (at: number) => {
      while (bytes[at] >= 0x80) at++;
      return at + 1;
    };
    let pos = skipLeb(code.offset);
    for (const f of s.functions) {
      assert.notEqual(f.size, null, `${file}: func ${f.index}`);
      pos = skipLeb(pos) + f.size!;
      assert.ok(f.instructions > 0, `${file}: func ${f.index}`);
    }
    assert.equal(pos, code.offset + code.size, file);
  }
});

Deno.test("inspect shows an invalid module, says why, and exits 1", async () => {
  const bad = await makeBadInputs();
  try {
    const r = await kwasm("inspect", bad.invalid);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kwasm: .*invalid module: type mismatch.*\n$/);
    assert.ok(
      r.stdout.startsWith(`${bad.invalid}: 25 bytes, invalid: type mismatch`),
      r.stdout.split("\n")[0],
    );
    assert.match(r.stdout, /^ {2}func\[0\] +0 +\(func \(result i32\)\) +0 +2 +1$/m);
    const json = await summaryOf(bad.invalid);
    assert.equal(json.valid, false);
    assert.match(json.error!, /^type mismatch/);
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("inspect: a malformed or unreadable file is one line, exit 1", async () => {
  const bad = await makeBadInputs();
  try {
    for (const file of [bad.missing, bad.dir, bad.empty, bad.truncated, bad.random]) {
      for (const args of [["inspect", file], ["inspect", "--json", file]]) {
        const r = await kwasm(...args);
        assert.equal(r.code, 1, file);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^kwasm: (cannot read '[^']+': |\S+: malformed module: )\S.*\n$/);
      }
    }
  } finally {
    await Deno.remove(bad.dir, { recursive: true });
  }
});

Deno.test("inspect takes exactly one file", async () => {
  for (const files of [[], [KITCHEN_SINK, KITCHEN_SINK]]) {
    const r = await kwasm("inspect", ...files);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kwasm: inspect: .*; run 'kwasm inspect --help' for usage\n$/);
  }
});

Deno.test("inspect colors a terminal and nothing else", async () => {
  let out = "";
  const colored = {
    out: (t: string) => void (out += t),
    err: () => {},
    colorOut: true,
    colorErr: true,
  };
  assert.equal(await main(["inspect", KITCHEN_SINK], { output: colored }), 0);
  assert.ok(out.includes("\x1b[1mSections (12)"));
  const plain = await kwasm("inspect", KITCHEN_SINK);
  assert.ok(!plain.stdout.includes("\x1b["));
  assert.equal(stripVTControlCharacters(out), plain.stdout);
});

Deno.test("inspect reads a .wat file: the summary of its binary encoding", async () => {
  const wat = testdata("kitchen_sink.wat");
  const fromText = await summaryOf(wat);
  const fromBinary = await summaryOf(KITCHEN_SINK);
  assert.equal(fromText.valid, true);
  assert.equal(fromText.file, wat);
  // The same module; only wabt's extra names (types, globals, …) make its binary larger.
  assert.deepEqual(fromText.functions.map((f) => [f.name, f.size, f.instructions]), [
    ["add", 11, 4],
    ["init", 6, 3],
  ]);
  assert.deepEqual(fromText.globals, fromBinary.globals);
  assert.deepEqual(fromText.data, fromBinary.data);
  assert.ok(fromText.bytes < fromBinary.bytes);
  assert.deepEqual(fromText.sections.slice(0, -1), fromBinary.sections.slice(0, -1));
});

Deno.test("inspect: a .wat syntax error is FILE:LINE:COLUMN: message", async () => {
  const file = await Deno.makeTempFile({ suffix: ".wat" });
  try {
    await Deno.writeTextFile(file, "(module\n  (funk))\n");
    const r = await kwasm("inspect", file);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `kwasm: ${file}:2:4: unknown operator funk\n`);
  } finally {
    await Deno.remove(file);
  }
});

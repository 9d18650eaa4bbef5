/**
 * decode → encode round trips. Canonically encoded input (clang-16/wasm-ld
 * fixtures, wat2wasm output) must come back byte for byte; every re-encoded
 * module must also validate, compile, and keep its import and export lists.
 *
 * Inputs: `tests/fixtures/**\/*.wasm`, `testdata/*.wasm` (built from the WAT
 * beside them by `testdata/build.sh`), those same modules with custom
 * sections spliced in at every position, and — when wabt's `wast2json` and
 * the spec test suite are present — every module of the 2.0 and 3.0 spec
 * scripts that wabt can convert.
 */

import assert from "node:assert/strict";
import { fixtureFiles, specSuiteDir } from "../../tests/_fixtures.ts";
import { decode } from "./decode.ts";
import { type Code, type Module, SectionId } from "../module.ts";
import { encode } from "./encode.ts";
import { listSections } from "./section_list.ts";
import { Writer } from "./writer.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

function testdataFiles(): string[] {
  const dir = decodeURIComponent(TESTDATA.pathname);
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".wasm"))
    .map((e) => dir + e.name)
    .sort();
}

/** Describes where two binaries first differ: the offset and the section holding it. */
function firstDifference(expected: Uint8Array, actual: Uint8Array): string | null {
  const n = Math.min(expected.length, actual.length);
  let at = 0;
  while (at < n && expected[at] === actual[at]) at++;
  if (at === n && expected.length === actual.length) return null;
  let where = "header";
  try {
    for (const s of listSections(expected)) if (s.start <= at) where = `section ${s.name}`;
  } catch {
    // unframed input: the offset alone will do
  }
  const hex = (b: Uint8Array) =>
    [...b.subarray(at, at + 12)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
  return `first difference at 0x${at.toString(16)} in ${where} ` +
    `(sizes ${expected.length} / ${actual.length}): expected ${hex(expected)}, got ${hex(actual)}`;
}

function assertSameBytes(expected: Uint8Array, actual: Uint8Array, what: string): void {
  const diff = firstDifference(expected, actual);
  if (diff !== null) assert.fail(`${what}: ${diff}`);
}

/** Re-encodes and checks the result against the engine: validates, compiles, same interface. */
function assertEngineAgrees(
  original: Uint8Array<ArrayBuffer>,
  reencoded: Uint8Array<ArrayBuffer>,
  what: string,
): void {
  assert.ok(WebAssembly.validate(reencoded), `${what}: re-encoded module does not validate`);
  const before = new WebAssembly.Module(original);
  const after = new WebAssembly.Module(reencoded);
  assert.deepEqual(WebAssembly.Module.exports(after), WebAssembly.Module.exports(before), what);
  assert.deepEqual(WebAssembly.Module.imports(after), WebAssembly.Module.imports(before), what);
}

/** Decodes a test input; `features*` modules use post-2.0 features. */
function decodeFile(path: string, bytes: Uint8Array): Module {
  return decode(bytes, { wasm3: path.split("/").pop()!.startsWith("features") });
}

/** Byte for byte, then checks the engine agrees. */
function assertRoundTrip(path: string, bytes: Uint8Array<ArrayBuffer>): void {
  const out = encode(decodeFile(path, bytes));
  assertSameBytes(bytes, out, path);
  assertEngineAgrees(bytes, out, path);
}

Deno.test("wat2wasm and canonically linked clang modules round-trip byte for byte", () => {
  const files = testdataFiles();
  assert.ok(files.length >= 7, "testdata/*.wasm missing: run testdata/build.sh");
  for (const path of files) assertRoundTrip(path, Deno.readFileSync(path));
});

/** The module with code offsets zeroed, to compare decodings of differently spelt binaries. */
function withoutOffsets(m: Module): Module {
  const none = new Uint32Array(0);
  const strip = (c: Code): Code => ({ ops: c.ops, offsets: none });
  const stripOrNull = (c: Code | null) => c && strip(c);
  return {
    ...m,
    funcs: m.funcs.map((f) => ({ ...f, body: strip(f.body), offset: 0 })),
    tables: m.tables.map((t) => ({ ...t, init: stripOrNull(t.init) })),
    globals: m.globals.map((g) => ({ ...g, init: strip(g.init) })),
    elems: m.elems.map((e) => ({
      ...e,
      offset: stripOrNull(e.offset),
      init: e.init.kind === "funcs" ? e.init : { kind: "exprs", exprs: e.init.exprs.map(strip) },
    })),
    datas: m.datas.map((d) => ({ ...d, offset: stripOrNull(d.offset) })),
  };
}

const fixtures = fixtureFiles();
Deno.test({
  name: `clang fixtures re-encode to the same sections, minimal LEB128s aside (${fixtures.length})`,
  ignore: fixtures.length === 0,
  fn: () => {
    for (const path of fixtures) {
      const bytes = Deno.readFileSync(path);
      const m = decode(bytes);
      const out = encode(m);
      assertEngineAgrees(bytes, out, path);
      // wasm-ld pads section sizes and relocated operands (call targets, global
      // indices, addresses) to 5-byte LEB128s unless linked with
      // --compress-relocations, and the encoder writes minimal ones. So: the
      // same sections in the same order, every payload but the code section
      // byte for byte, the code section the same once decoded.
      const before = listSections(bytes);
      const after = listSections(out);
      assert.deepEqual(after.map((s) => s.name), before.map((s) => s.name), path);
      before.forEach((s, i) => {
        if (s.id === SectionId.code) return;
        const a = bytes.subarray(s.offset, s.offset + s.size);
        const b = out.subarray(after[i].offset, after[i].offset + after[i].size);
        assertSameBytes(a, b, `${path}, section ${s.name}`);
      });
      assert.deepEqual(withoutOffsets(decode(out)), withoutOffsets(m), path);
      assertSameBytes(out, encode(decode(out)), `${path} (re-encoded twice)`);
    }
  },
});

/** A custom section `name` with a few payload bytes, framed. */
function customSection(name: string): Uint8Array {
  const w = new Writer();
  w.u8(0);
  const mark = w.beginSized();
  w.name(name);
  w.bytes(new Uint8Array([0xc0, 0xff, 0xee]));
  w.endSized(mark);
  return w.finish();
}

/**
 * `bytes` with a custom section inserted before the first section and after
 * every section — except right before the name section when `besideNames` is
 * false: which of two custom sections after the same known section came
 * first is lost unless the decoder records {@linkcode Names.position}.
 */
function withCustomsEverywhere(bytes: Uint8Array, besideNames: boolean): Uint8Array {
  const w = new Writer(bytes.length * 2);
  w.bytes(bytes.subarray(0, 8));
  const sections = listSections(bytes);
  if (besideNames || sections[0]?.name !== "name") w.bytes(customSection("before all"));
  sections.forEach((s, i) => {
    w.bytes(bytes.subarray(s.start, s.offset + s.size));
    if (besideNames || sections[i + 1]?.name !== "name") w.bytes(customSection(`after ${s.name}`));
  });
  return w.finish();
}

Deno.test("custom sections come back at every position", () => {
  for (const path of testdataFiles()) {
    const original = Deno.readFileSync(path);
    const besideNames = decodeFile(path, original).names?.position !== undefined;
    const bytes = withCustomsEverywhere(original, besideNames);
    const out = encode(decodeFile(path, bytes));
    assertSameBytes(bytes, out, `${path} with customs`);
    assert.ok(WebAssembly.validate(out), path);
  }
});

// ---- the spec test suites, through wabt's wast2json --------------------------

function haveWast2json(): boolean {
  try {
    return new Deno.Command("wast2json", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

interface Command {
  type: string;
  line: number;
  filename?: string;
}

/** What happened to the modules of one suite. */
interface SuiteResult {
  /** Text-format modules that came back byte for byte. */
  identical: number;
  /** `(module binary ...)` modules, whose re-encoding is a fixed point. */
  binary: number;
  /** Modules the decoder rejects (instructions outside the opcode table). */
  undecodable: string[];
  /** Text-format modules that came back different, with where. */
  differing: string[];
}

/**
 * Converts every script of a suite with wast2json and round-trips each module
 * it defines. Scripts wabt 1.0.32 cannot parse are skipped.
 */
function roundTripSuite(dir: string, wasm3: boolean): SuiteResult {
  const result: SuiteResult = { identical: 0, binary: 0, undecodable: [], differing: [] };
  const tmp = Deno.makeTempDirSync({ prefix: "kwasm-roundtrip-" });
  try {
    for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
      if (!e.name.endsWith(".wast")) continue;
      const json = `${tmp}/${e.name.slice(0, -5)}.json`;
      const run = new Deno.Command("wast2json", {
        args: ["--enable-all", `${dir}/${e.name}`, "-o", json],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (!run.success) continue;
      const source = Deno.readTextFileSync(`${dir}/${e.name}`).split("\n");
      const commands: Command[] = JSON.parse(Deno.readTextFileSync(json)).commands;
      for (const c of commands) {
        if (c.type !== "module" || !c.filename?.endsWith(".wasm")) continue;
        const bytes = Deno.readFileSync(`${tmp}/${c.filename}`);
        const what = `${e.name}:${c.line}`;
        let out: Uint8Array<ArrayBuffer>;
        try {
          out = encode(decode(bytes, { wasm3 }));
        } catch (err) {
          result.undecodable.push(`${what}: ${(err as Error).message}`);
          continue;
        }
        if (WebAssembly.validate(out) !== WebAssembly.validate(bytes)) {
          result.differing.push(`${what}: the engine's validation verdict changed`);
        }
        // `(module binary "...")` may spell things non-minimally; the text ones are wabt's.
        if (/\(module\s+(\$\S+\s+)?binary/.test(source[c.line - 1])) {
          result.binary++;
          assertSameBytes(out, encode(decode(out, { wasm3 })), `${what} (re-encoded twice)`);
        } else {
          const diff = firstDifference(bytes, out);
          if (diff === null) result.identical++;
          else result.differing.push(`${what}: ${diff}`);
        }
      }
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
  return result;
}

const suite2 = specSuiteDir("wasm-2.0");
Deno.test({
  name: "2.0 spec suite modules round-trip (text-format ones byte for byte)",
  ignore: suite2 === null || !haveWast2json(),
  fn: () => {
    const r = roundTripSuite(suite2!, false);
    console.log(`${r.identical} identical, ${r.binary} binary modules at a fixed point`);
    assert.deepEqual(r.differing, []);
    assert.deepEqual(r.undecodable, []);
    assert.ok(r.identical > 1000, `only ${r.identical} modules compared`);
  },
});

const suite3 = specSuiteDir("wasm-3.0");
Deno.test({
  name: "3.0 spec suite modules wabt can write round-trip byte for byte",
  ignore: suite3 === null || !haveWast2json(),
  fn: () => {
    const r = roundTripSuite(suite3!, true);
    console.log(
      `${r.identical} identical, ${r.binary} binary modules at a fixed point, ` +
        `${r.undecodable.length} not decodable (relaxed SIMD, tail calls)`,
    );
    assert.deepEqual(r.differing, []);
    assert.ok(r.identical > 1000, `only ${r.identical} modules compared`);
  },
});

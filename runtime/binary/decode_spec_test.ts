/**
 * The decoder against the official spec test suites: `wast2json` turns every
 * script into JSON commands and `.wasm` files; every binary
 * `assert_malformed` module must be rejected with a message starting with
 * the expected text, and every other module a script carries (`module`,
 * `assert_invalid`, `assert_unlinkable`, …) must decode.
 *
 * wabt 1.0.32 cannot read a few 2.0 scripts and many 3.0 ones; those are
 * skipped here (the WAST runner, on kwasm's own text parser, covers them).
 */
import assert from "node:assert/strict";
import { specSuiteDir } from "../../tests/_fixtures.ts";
import { MalformedError } from "../errors.ts";
import { decode, type DecodeOptions } from "./decode.ts";

interface Command {
  type: string;
  line: number;
  filename?: string;
  text?: string;
  module_type?: "binary" | "text";
}

/** Commands whose module must be well-formed (it is valid, or fails later than decoding). */
const WELL_FORMED = new Set([
  "module",
  "assert_invalid",
  "assert_unlinkable",
  "assert_uninstantiable",
  "assert_trap",
]);

interface Outcome {
  /** Pass and fail counts of binary `assert_malformed` modules, by expected text. */
  malformed: Map<string, { pass: number; fail: number }>;
  /** Modules that must be well-formed and decoded. */
  wellFormed: number;
  /** What went wrong, one line each (`file:line: …`). */
  failures: string[];
  /** Scripts wast2json could not convert. */
  skippedScripts: number;
}

function haveWast2json(): boolean {
  try {
    new Deno.Command("wast2json", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
    return true;
  } catch {
    return false;
  }
}

/** Converts every script of `suite` with wast2json and checks each binary module. */
async function runSuite(suite: string, options: DecodeOptions): Promise<Outcome> {
  const result: Outcome = { malformed: new Map(), wellFormed: 0, failures: [], skippedScripts: 0 };
  const tmp = await Deno.makeTempDir({ prefix: "kwasm-decode-spec-" });
  try {
    const files = [...Deno.readDirSync(suite)]
      .filter((e) => e.isFile && e.name.endsWith(".wast"))
      .map((e) => e.name)
      .sort();
    for (const file of files) {
      const base = file.slice(0, -5);
      const dir = `${tmp}/${base}`;
      Deno.mkdirSync(dir);
      const out = await new Deno.Command("wast2json", {
        args: ["--enable-all", `${suite}/${file}`, "-o", `${dir}/${base}.json`],
        stdout: "null",
        stderr: "null",
      }).output();
      if (!out.success) {
        result.skippedScripts++;
        continue;
      }
      const { commands } = JSON.parse(Deno.readTextFileSync(`${dir}/${base}.json`)) as {
        commands: Command[];
      };
      for (const c of commands) {
        if (!c.filename?.endsWith(".wasm")) continue;
        const bytes = Deno.readFileSync(`${dir}/${c.filename}`);
        const where = `${file}:${c.line}`;
        if (c.type === "assert_malformed" && c.module_type === "binary") {
          const text = c.text!;
          const tally = result.malformed.get(text) ?? { pass: 0, fail: 0 };
          result.malformed.set(text, tally);
          let message = "decoded";
          try {
            decode(bytes, options);
          } catch (e) {
            message = (e as Error).message;
            if (e instanceof MalformedError && message.startsWith(text)) {
              tally.pass++;
              continue;
            }
          }
          tally.fail++;
          result.failures.push(`${where}: ${message}; expected "${text}"`);
        } else if (WELL_FORMED.has(c.type)) {
          try {
            decode(bytes, options);
            result.wellFormed++;
          } catch (e) {
            result.failures.push(`${where} (${c.type}): ${(e as Error).message}`);
          }
        }
      }
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
  const rows = [...result.malformed].sort((a, b) => b[1].pass + b[1].fail - a[1].pass - a[1].fail);
  console.log(
    `well-formed modules decoded: ${result.wellFormed}; scripts wast2json skipped: ` +
      `${result.skippedScripts}`,
  );
  for (const [text, { pass, fail }] of rows) console.log(`  ${pass} pass, ${fail} fail  ${text}`);
  return result;
}

/**
 * wabt writes no data count section for a module without data segments, even
 * when a body uses a (nonexistent) data index; the script expects "unknown
 * data segment" of the text module, while these bytes are malformed.
 */
function wabtDataCountArtifact(failure: string): boolean {
  return /\(assert_invalid\): data count section required/.test(failure);
}

function preconditions(version: "wasm-2.0" | "wasm-3.0"): string {
  assert.ok(haveWast2json(), "wast2json not found: this test needs wabt (apt-get install wabt)");
  const suite = specSuiteDir(version);
  assert.ok(suite, "spec test suite not found (set KWASM_SPEC_TESTSUITE)");
  return suite;
}

Deno.test("decode: spec suite 2.0, every binary module (via wast2json)", async () => {
  const outcome = await runSuite(preconditions("wasm-2.0"), {});
  assert.deepEqual(outcome.failures.filter((f) => !wabtDataCountArtifact(f)), []);
  let passed = 0;
  for (const { pass } of outcome.malformed.values()) passed += pass;
  assert.ok(passed >= 700, `only ${passed} assert_malformed modules checked`);
  assert.ok(outcome.wellFormed > 3000, `only ${outcome.wellFormed} well-formed modules found`);
});

Deno.test("decode: spec suite 3.0 with wasm3 (the scripts wast2json reads)", async () => {
  const outcome = await runSuite(preconditions("wasm-3.0"), { wasm3: true });
  // Instructions new in 3.0 (tail calls, exceptions, relaxed SIMD, GC) are
  // not in the opcode table yet; a module using one is an "illegal opcode",
  // and binary.wast's missing-end test reads 0x0a (`throw_ref`) as one too.
  const unexpected = outcome.failures.filter((f) =>
    !wabtDataCountArtifact(f) && !/illegal opcode/.test(f)
  );
  assert.deepEqual(unexpected, []);
  assert.ok(outcome.wellFormed > 3000, `only ${outcome.wellFormed} well-formed modules found`);
});

/**
 * The conformance runner for what kwasm can check today: decoding and
 * validation. For every script of the spec suite it checks that
 *
 * - each `module` (and each module of `assert_unlinkable` /
 *   `assert_uninstantiable`, which must be valid) decodes and validates;
 * - each binary `assert_malformed` module is rejected by the decoder with a
 *   `MalformedError` whose message starts with the expected text;
 * - each `assert_invalid` module is rejected by the validator with an
 *   `InvalidError` whose message starts with the expected text.
 *
 * Execution assertions and text-format `assert_malformed` modules are counted
 * as skipped until an engine and the text parser exist.
 *
 *     deno task spec [DIR]        (DIR or $KWASM_SPEC_TESTSUITE; default ../shared/spec-testsuite/wasm-2.0)
 *
 * @module
 */

import { decode } from "../../runtime/binary/decode.ts";
import { InvalidError, MalformedError } from "../../runtime/errors.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { specSuiteDir } from "../_fixtures.ts";
import { convertScript, hasWast2json, type WastCommand } from "./wast2json.ts";

/** The outcome of one script. */
export interface FileResult {
  /** Script file name. */
  file: string;
  /** Assertions that held. */
  passed: number;
  /** Assertions that did not, with line and reason. */
  failures: string[];
  /** Commands not checked yet (execution, text modules). */
  skipped: number;
  /** Set when the script could not be converted. */
  error?: string;
}

type Expect = "valid" | "malformed" | "invalid";

function expectationOf(cmd: WastCommand): Expect | null {
  switch (cmd.type) {
    case "module":
    case "assert_unlinkable":
    case "assert_uninstantiable":
      return cmd.filename?.endsWith(".wasm") ? "valid" : null;
    case "assert_malformed":
      return cmd.module_type === "binary" ? "malformed" : null;
    case "assert_invalid":
      return cmd.module_type === "binary" ? "invalid" : null;
    default:
      return null;
  }
}

/** Checks one module file against an expectation; returns a failure reason or null. */
function checkModule(bytes: Uint8Array, expect: Expect, text: string): string | null {
  let phase: Expect = "valid";
  let message = "";
  try {
    const m = decode(bytes);
    phase = "invalid";
    validate(m);
    phase = "valid";
  } catch (e) {
    if (!(e instanceof MalformedError || e instanceof InvalidError)) {
      return `threw ${e instanceof Error ? e.stack : String(e)}`;
    }
    message = e.message;
    phase = e instanceof MalformedError ? "malformed" : "invalid";
  }
  if (expect === "valid") return phase === "valid" ? null : `rejected: ${message}`;
  if (phase === "valid") return `accepted; expected ${expect} "${text}"`;
  if (phase !== expect) return `${phase} "${message}"; expected ${expect} "${text}"`;
  return message.startsWith(text) ? null : `message "${message}"; expected "${text}"`;
}

/** Runs one `.wast` script through decode and validate. */
export async function runScript(wastPath: string, workDir: string): Promise<FileResult> {
  const file = wastPath.slice(wastPath.lastIndexOf("/") + 1);
  const result: FileResult = { file, passed: 0, failures: [], skipped: 0 };
  let script;
  try {
    script = await convertScript(wastPath, workDir);
  } catch (e) {
    result.error = (e as Error).message;
    return result;
  }
  for (const cmd of script.commands) {
    const expect = expectationOf(cmd);
    if (expect === null) {
      if (cmd.type !== "register" && cmd.type !== "action") result.skipped++;
      continue;
    }
    const bytes = await Deno.readFile(`${script.dir}/${cmd.filename}`);
    const failure = checkModule(bytes, expect, cmd.text ?? "");
    if (failure === null) result.passed++;
    else result.failures.push(`${file}:${cmd.line}: ${cmd.type}: ${failure}`);
  }
  return result;
}

/** Runs every script of `dir`, in name order. */
export async function runSuite(dir: string): Promise<FileResult[]> {
  const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".wast"))
    .map((e) => e.name).sort();
  const work = await Deno.makeTempDir({ prefix: "kwasm-spec-" });
  try {
    const results: FileResult[] = [];
    for (const [i, name] of files.entries()) {
      results.push(await runScript(`${dir}/${name}`, `${work}/${i}`));
    }
    return results;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

if (import.meta.main) {
  const dir = Deno.args.find((a) => !a.startsWith("-")) ?? specSuiteDir();
  if (dir === null) {
    console.log(
      "spec: the WebAssembly test suite was not found (looked in $KWASM_SPEC_TESTSUITE and " +
        "../shared/spec-testsuite/wasm-2.0). Get it from https://github.com/WebAssembly/testsuite " +
        "and point KWASM_SPEC_TESTSUITE at it. Skipping.",
    );
    Deno.exit(0);
  }
  if (!hasWast2json()) {
    console.error("spec: needs wabt's wast2json to read .wast scripts: apt-get install wabt");
    Deno.exit(2);
  }
  const results = await runSuite(dir);
  const verbose = Deno.args.includes("--verbose") || Deno.args.includes("-v");
  let passed = 0, failed = 0, skipped = 0, unread = 0;
  console.log(`${"file".padEnd(40)} ${pad("passed", 7)} ${pad("failed", 7)} ${pad("skipped", 8)}`);
  for (const r of results) {
    passed += r.passed;
    failed += r.failures.length;
    skipped += r.skipped;
    const note = r.error ? `  (not read: ${r.error})` : "";
    if (r.error) unread++;
    console.log(
      `${r.file.padEnd(40)} ${pad(r.passed, 7)} ${pad(r.failures.length, 7)} ${
        pad(r.skipped, 8)
      }${note}`,
    );
    for (const f of verbose ? r.failures : r.failures.slice(0, 3)) console.log(`    ${f}`);
  }
  console.log(
    `${results.length} scripts (${unread} not readable by wast2json), ${skipped} commands skipped`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}

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

/**
 * Assertions whose module, as wast2json writes it, is not the module the
 * script means, so the expected outcome cannot be reached from its bytes.
 * They go away when kwasm parses the text format itself.
 */
export const WAST2JSON_ARTIFACTS: ReadonlyMap<string, string> = new Map([
  // Modules with `data.drop`/`memory.init` but no data segment get no data
  // count section from wast2json: the decoder rightly finds them malformed
  // ("data count section required") before validation can see them.
  ["memory_init.wast:190", "wast2json writes no data count section"],
  ["memory_init.wast:227", "wast2json writes no data count section"],
  // `select (result)` with no types is written as the untyped 0x1B select,
  // which turns the arity error into a plain type mismatch.
  ["select.wast:324", "wast2json writes an empty typed select as untyped"],
]);

/** The outcome of one script. */
export interface FileResult {
  /** Script file name. */
  file: string;
  /** Assertions that held. */
  passed: number;
  /** Assertions that did not, with line and reason. */
  failures: string[];
  /** Failures excused as {@linkcode WAST2JSON_ARTIFACTS}. */
  excused: string[];
  /** Forms of the script wast2json could not read. */
  lost: number;
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
      return cmd.path?.endsWith(".wasm") ? "valid" : null;
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
  const result: FileResult = { file, passed: 0, failures: [], excused: [], skipped: 0, lost: 0 };
  let script;
  try {
    script = await convertScript(wastPath, workDir);
  } catch (e) {
    result.error = (e as Error).message;
    return result;
  }
  result.lost = script.lost;
  for (const cmd of script.commands) {
    const expect = expectationOf(cmd);
    if (expect === null) {
      if (cmd.type !== "register" && cmd.type !== "action") result.skipped++;
      continue;
    }
    const bytes = await Deno.readFile(cmd.path!);
    const failure = checkModule(bytes, expect, cmd.text ?? "");
    const where = `${file}:${cmd.line}`;
    if (failure === null) result.passed++;
    else if (WAST2JSON_ARTIFACTS.has(where)) result.excused.push(`${where}: ${failure}`);
    else result.failures.push(`${where}: ${cmd.type}: ${failure}`);
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
  const total = { passed: 0, failed: 0, excused: 0, skipped: 0, lost: 0, split: 0 };
  console.log(
    `${"file".padEnd(36)} ${pad("passed", 7)} ${pad("failed", 7)} ${pad("excused", 8)} ${
      pad("skipped", 8)
    }`,
  );
  for (const r of results) {
    total.passed += r.passed;
    total.failed += r.failures.length;
    total.excused += r.excused.length;
    total.skipped += r.skipped;
    total.lost += r.lost;
    const note = r.error ? `  (not read: ${r.error})` : r.lost ? `  (${r.lost} forms unread)` : "";
    console.log(
      `${r.file.padEnd(36)} ${pad(r.passed, 7)} ${pad(r.failures.length, 7)} ${
        pad(r.excused.length, 8)
      } ${pad(r.skipped, 8)}${note}`,
    );
    for (const f of verbose ? r.failures : r.failures.slice(0, 3)) console.log(`    ${f}`);
    if (verbose) { for (const f of r.excused) console.log(`    excused: ${f}`); }
  }
  console.log(
    `${results.length} scripts; ${total.skipped} commands skipped (execution, text modules); ` +
      `${total.lost} forms wast2json could not read; ${total.excused} excused (wast2json artifacts)`,
  );
  console.log(`${total.passed} passed, ${total.failed} failed`);
  Deno.exit(total.failed === 0 ? 0 : 1);
}

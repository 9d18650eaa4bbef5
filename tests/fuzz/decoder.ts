/**
 * Decoder and validator fuzzing: real modules, mutated by `mutate.ts`, go
 * through `decode` + `validate`. Every case must be accepted or rejected
 * with a `WebAssembly.CompileError` — anything else thrown is a finding — and
 * must not be accepted when the host engine (V8, a superset of 2.0) rejects
 * it, take more than a second, or grow the process by more than 64 MiB
 * (plus 32 bytes per input byte: a count of 2^32 must not allocate 2^32 of
 * anything).
 *
 * The inputs are the committed fixtures, `runtime/binary/testdata`, and the
 * modules of a sample of spec-suite scripts (parsed and encoded by kwasm's
 * own text parser and encoder). Case `i` of seed `S` is a function of
 * `(S, i)` and the input list alone, so a finding is replayed with
 *
 *     deno run -A tests/fuzz/decoder.ts --seed S --case I --save DIR
 *
 * and a whole run with `deno run -A tests/fuzz/decoder.ts [--seed S]
 * [--count N | --seconds T]`, which prints the report.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decode } from "../../runtime/binary/decode.ts";
import { encode } from "../../runtime/binary/encode.ts";
import type { ModuleSource } from "../../runtime/text/mod.ts";
import { parseWast } from "../../runtime/text/mod.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { fixtureFiles, repoPath, specSuiteDir } from "../_fixtures.ts";
import { caseSeed, MUTATORS, Rng } from "./mutate.ts";

/** A case slower than this (twice in a row) is a finding. */
export const SLOW_MS = 1000;
/**
 * Growth of the process (RSS or heap) over one case above this, plus
 * {@linkcode GROWTH_PER_BYTE} per input byte, is a finding: memory may grow
 * with the input, never with the counts written in it.
 */
export const MAX_GROWTH = 64 * 1024 * 1024;
/** Growth allowed per byte of input (the decoded module is a few times its binary). */
export const GROWTH_PER_BYTE = 32;

/** Options of {@linkcode fuzzDecoder}. */
export interface DecoderFuzzOptions {
  /** The run's seed: the same seed runs the same cases. */
  seed: number;
  /** Cases to run (default 10,000 when `timeMs` is not given either). */
  count?: number;
  /** Stop after this many milliseconds (whichever of `count` and `timeMs` comes first). */
  timeMs?: number;
  /** Progress and findings, a line at a time, as they happen. */
  log?: (line: string) => void;
}

/** One case that went wrong. */
export interface DecoderFinding {
  /** The mutators applied, joined by `+` (`"none"` for an unmutated input). */
  mutator: string;
  /** The run's seed. */
  seed: number;
  /** The case index: `(seed, caseIndex)` reproduces the input. */
  caseIndex: number;
  /** The input it was mutated from. */
  input: string;
  /** What went wrong. */
  problem: string;
}

/** Counts of one mutator's cases (a case with two mutators counts for both). */
export interface MutatorCounts {
  /** Cases. */
  cases: number;
  /** Accepted by decode + validate. */
  accepted: number;
  /** Rejected with a CompileError. */
  rejected: number;
  /** Findings. */
  findings: number;
}

/** What {@linkcode fuzzDecoder} ran and found. */
export interface DecoderFuzzReport {
  /** The seed. */
  seed: number;
  /** Inputs the cases were mutated from. */
  inputs: number;
  /** Cases run. */
  cases: number;
  /** Accepted by decode + validate (and, as required, by V8). */
  accepted: number;
  /** Rejected with a CompileError. */
  rejected: number;
  /** Rejected by kwasm but accepted by V8 (allowed: V8 implements more than 2.0). */
  stricterThanV8: number;
  /** Accepted by kwasm, refused by V8 for an implementation limit only (see {@linkcode CheckResult.v8Limit}). */
  v8Limits: number;
  /** Per mutator. */
  mutators: Record<string, MutatorCounts>;
  /** Every finding (the first 1,000). */
  findings: DecoderFinding[];
  /** The slowest case, in ms. */
  slowestMs: number;
  /** The slowest case's index. */
  slowestCase: number;
  /** The largest growth of the process (RSS or heap used) over one case, in bytes. */
  maxGrowth: number;
  /** Wall time of the run, in ms (loading the inputs included). */
  elapsedMs: number;
}

/** An input: a module binary and where it came from. */
export interface CorpusEntry {
  /** Path or `file.wast:line`. */
  name: string;
  /** The binary. */
  bytes: Uint8Array<ArrayBuffer>;
}

/** Spec scripts whose modules join the inputs: a spread of sections and instructions. */
const SPEC_SAMPLE = [
  "binary-leb128",
  "br_table",
  "bulk",
  "call_indirect",
  "custom",
  "data",
  "elem",
  "exports",
  "global",
  "imports",
  "memory",
  "names",
  "ref_func",
  "select",
  "simd_lane",
  "start",
  "table_copy",
];

/** Inputs above this size are picked 20 times less often (they cost more per case). */
const LARGE = 256 * 1024;

let corpusCache: CorpusEntry[] | null = null;

/**
 * The inputs, in a fixed order: fixtures, `runtime/binary/testdata`, then
 * the spec sample's modules (text modules encoded, binary ones as written)
 * when the suite is there.
 */
export function loadCorpus(): CorpusEntry[] {
  if (corpusCache !== null) return corpusCache;
  const files = [...fixtureFiles()];
  const testdata = repoPath("runtime/binary/testdata");
  const local = [...Deno.readDirSync(testdata)].map((e) => e.name).filter((n) =>
    n.endsWith(".wasm")
  );
  files.push(...local.sort().map((n) => `${testdata}/${n}`));
  const root = repoPath("");
  const out: CorpusEntry[] = files.map((f) => ({
    name: f.startsWith(root) ? f.slice(root.length) : f,
    bytes: Deno.readFileSync(f),
  }));
  const spec = specSuiteDir();
  if (spec !== null) {
    for (const name of SPEC_SAMPLE) out.push(...specModules(`${spec}/${name}.wast`, name));
  }
  return corpusCache = out;
}

/** The modules of one script that V8 accepts (and `assert_invalid` ones, for the validator). */
function specModules(path: string, name: string): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const cmd of parseWast(Deno.readTextFileSync(path))) {
    let source: ModuleSource;
    if (cmd.type === "module") source = cmd.source;
    else if (cmd.type === "assert_invalid") source = cmd.module.source;
    else continue;
    let bytes: Uint8Array<ArrayBuffer>;
    if (source.kind === "text") bytes = encode(source.module);
    else if (source.kind === "binary") bytes = new Uint8Array(source.bytes);
    else continue;
    if (cmd.type === "module" && !WebAssembly.validate(bytes)) continue;
    out.push({ name: `${name}.wast:${cmd.line}`, bytes });
  }
  return out;
}

/** Mutator names, in the fixed order case generation draws from. */
const NAMES = Object.keys(MUTATORS);

/** One generated case: its bytes and how they were made. */
export interface DecoderCase {
  /** The input's name. */
  input: string;
  /** The mutators applied, in order (empty for an unmutated input). */
  mutators: string[];
  /** The mutant. */
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Case `index` of `seed`: the first `corpus.length` cases are the inputs
 * themselves; after that, an input (large ones rarely; as often one of the
 * files as one of the spec modules) mutated once, or twice one time in five.
 */
export function makeCase(corpus: readonly CorpusEntry[], seed: number, index: number): DecoderCase {
  if (index < corpus.length) {
    return { input: corpus[index].name, mutators: [], bytes: corpus[index].bytes };
  }
  const rng = new Rng(caseSeed(seed, index));
  // Half the cases start from the few real-world files, half from the many small spec modules.
  let spec = corpus.findIndex((e) => e.name.includes(".wast:"));
  if (spec <= 0) spec = corpus.length;
  const pickInput = () =>
    rng.next() < 0.5 || spec === corpus.length
      ? corpus[rng.int(spec)]
      : corpus[spec + rng.int(corpus.length - spec)];
  let input = pickInput();
  while (input.bytes.length > LARGE && rng.next() < 0.95) input = pickInput();
  const donor = rng.pick(corpus).bytes;
  let bytes: Uint8Array<ArrayBuffer> = input.bytes;
  const mutators: string[] = [];
  const rounds = rng.next() < 0.2 ? 2 : 1;
  for (let round = 0; round < rounds; round++) {
    for (let tries = 0; tries < 8; tries++) {
      const name = rng.pick(NAMES);
      const out = MUTATORS[name]({ bytes, donor, rng });
      if (out === null) continue;
      bytes = out;
      mutators.push(name);
      break;
    }
  }
  return { input: input.name, mutators, bytes };
}

/** The outcome of one binary: accepted or rejected, and what went wrong if anything did. */
export interface CheckResult {
  /** Whether decode + validate accepted it. */
  accepted: boolean;
  /** Whether V8 accepts it. */
  v8: boolean;
  /** A description of the problem, or null: the error that was not a CompileError, or a laxity. */
  problem: string | null;
  /**
   * V8's message when it rejects a module kwasm accepts for one of its
   * implementation limits (a table of more than 10,000,000 elements): valid
   * in 2.0, so not a problem of the validator; kwasm's engines refuse it at
   * compile time with the same words (`runtime/interp/mod.ts`, singlepass).
   */
  v8Limit: string | null;
  /** Time of decode + validate, in ms. */
  ms: number;
}

/**
 * Decodes and validates `bytes` and compares with V8: `problem` is set when
 * something other than a `WebAssembly.CompileError` was thrown, or when V8
 * rejects what kwasm accepts — unless only for one of V8's implementation
 * limits (then `v8Limit` is set).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBinary } from "./decoder.ts";
 * const r = checkBinary(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff]));
 * assert.equal(r.accepted, false);
 * assert.equal(r.problem, null);
 * ```
 */
export function checkBinary(bytes: Uint8Array<ArrayBuffer>): CheckResult {
  let accepted = false, problem: string | null = null, v8Limit: string | null = null;
  const t0 = performance.now();
  try {
    validate(decode(bytes));
    accepted = true;
  } catch (e) {
    if (!(e instanceof WebAssembly.CompileError)) {
      const stack = e instanceof Error ? (e.stack ?? "").split("\n").slice(0, 3).join(" | ") : "";
      problem = `threw ${stack || String(e)}`;
    }
  }
  const ms = performance.now() - t0;
  const v8 = WebAssembly.validate(bytes);
  if (accepted && !v8) {
    const why = v8Error(bytes);
    if (V8_LIMIT.test(why)) v8Limit = why;
    else problem = `accepted, but V8 rejects it: ${why}`;
  }
  return { accepted, v8, problem, v8Limit, ms };
}

/** How V8 words a valid module it refuses for its own limits. */
const V8_LIMIT = /is larger than implementation limit/;

function v8Error(bytes: Uint8Array<ArrayBuffer>): string {
  try {
    new WebAssembly.Module(bytes);
    return "(no error on compile)";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function growth(before: Deno.MemoryUsage): number {
  const after = Deno.memoryUsage();
  return Math.max(after.rss - before.rss, after.heapUsed - before.heapUsed);
}

/**
 * Runs `count` cases (or for `timeMs`) of seed `seed` and reports the counts,
 * the findings, the slowest case and the largest memory growth.
 *
 * @example
 * ```ts ignore
 * import { fuzzDecoder } from "./decoder.ts";
 * const report = fuzzDecoder({ seed: 1, count: 1000 });
 * console.log(report.cases, report.findings.length);
 * ```
 */
export function fuzzDecoder(options: DecoderFuzzOptions): DecoderFuzzReport {
  const started = performance.now();
  const { seed, log } = options;
  const count = options.count ?? (options.timeMs === undefined ? 10_000 : Infinity);
  const deadline = options.timeMs === undefined ? Infinity : started + options.timeMs;
  const corpus = loadCorpus();
  const report: DecoderFuzzReport = {
    seed,
    inputs: corpus.length,
    cases: 0,
    accepted: 0,
    rejected: 0,
    stricterThanV8: 0,
    v8Limits: 0,
    mutators: {},
    findings: [],
    slowestMs: 0,
    slowestCase: -1,
    maxGrowth: 0,
    elapsedMs: 0,
  };
  let findings = 0, lastLog = started;
  for (let index = 0; index < count; index++) {
    if ((index & 63) === 0 && performance.now() >= deadline) break;
    const c = makeCase(corpus, seed, index);
    const before = Deno.memoryUsage();
    const result = checkBinary(c.bytes);
    const grew = growth(before);
    const problems: string[] = [];
    if (result.problem !== null) problems.push(result.problem);
    report.maxGrowth = Math.max(report.maxGrowth, grew);
    if (grew > MAX_GROWTH + GROWTH_PER_BYTE * c.bytes.length) {
      problems.push(`grew the process by ${(grew / 2 ** 20).toFixed(0)} MiB`);
    }
    // A lone slow case may be a GC pause or a busy machine: it counts when a rerun is slow too.
    if (result.ms > SLOW_MS) {
      const again = checkBinary(c.bytes).ms;
      if (again > SLOW_MS) {
        problems.push(`took ${result.ms.toFixed(0)} ms, then ${again.toFixed(0)} ms`);
      }
    }
    if (result.ms > report.slowestMs) {
      report.slowestMs = result.ms;
      report.slowestCase = index;
    }
    report.cases++;
    if (result.accepted) report.accepted++;
    else report.rejected++;
    if (!result.accepted && result.v8) report.stricterThanV8++;
    if (result.v8Limit !== null) report.v8Limits++;
    const mutator = c.mutators.length === 0 ? "none" : c.mutators.join("+");
    for (const name of c.mutators.length === 0 ? ["none"] : new Set(c.mutators)) {
      const m = report.mutators[name] ??= { cases: 0, accepted: 0, rejected: 0, findings: 0 };
      m.cases++;
      if (result.accepted) m.accepted++;
      else m.rejected++;
      if (problems.length > 0) m.findings++;
    }
    for (const problem of problems) {
      findings++;
      const f = { mutator, seed, caseIndex: index, input: c.input, problem };
      if (report.findings.length < 1000) report.findings.push(f);
      log?.(`finding: ${formatFinding(f)}`);
    }
    const now = performance.now();
    if (log && now - lastLog > 10_000) {
      lastLog = now;
      log(`${report.cases} cases, ${findings} findings, ${((now - started) / 1000).toFixed(0)} s`);
    }
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

/** A finding on one line, with what reproduces it. */
export function formatFinding(f: DecoderFinding): string {
  return `seed ${f.seed} case ${f.caseIndex} [${f.mutator}] from ${f.input}: ${f.problem}`;
}

/** The report as lines of text: totals, then per mutator, then the findings. */
export function formatReport(r: DecoderFuzzReport): string[] {
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  const lines = [
    `decoder fuzz: seed ${r.seed}, ${r.inputs} inputs, ${r.cases} cases in ` +
    `${(r.elapsedMs / 1000).toFixed(1)} s: ${r.accepted} accepted, ${r.rejected} rejected ` +
    `(${r.stricterThanV8} of them accepted by V8), ${r.findings.length} findings`,
    `  accepted but over a V8 implementation limit (valid 2.0; the engines refuse them): ` +
    `${r.v8Limits}`,
    `  slowest case ${r.slowestCase}: ${r.slowestMs.toFixed(1)} ms; ` +
    `largest growth over a case: ${mib(r.maxGrowth)} MiB`,
  ];
  for (const [name, m] of Object.entries(r.mutators).sort()) {
    lines.push(
      `  ${name.padEnd(10)} ${String(m.cases).padStart(8)} cases ` +
        `${String(m.accepted).padStart(8)} accepted ${String(m.rejected).padStart(8)} rejected ` +
        `${m.findings} findings`,
    );
  }
  for (const f of r.findings) lines.push(formatFinding(f));
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      count: { type: "string" },
      seconds: { type: "string" },
      case: { type: "string" },
      save: { type: "string" },
    },
  });
  const seed = Number(values.seed);
  const num = (s: string | undefined) => s === undefined ? undefined : Number(s);
  const count = num(values.count), seconds = num(values.seconds), one = num(values.case);
  if (![seed, count ?? 0, seconds ?? 0, one ?? 0].every(Number.isFinite)) {
    console.error(
      "usage: deno run -A tests/fuzz/decoder.ts [--seed S] [--count N | --seconds T] " +
        "[--case I] [--save DIR]",
    );
    Deno.exit(2);
  }
  if (one !== undefined) {
    const c = makeCase(loadCorpus(), seed, one);
    const r = checkBinary(c.bytes);
    console.log(
      `seed ${seed} case ${one} [${
        c.mutators.join("+")
      }] from ${c.input}: ${c.bytes.length} bytes, ` +
        `${r.accepted ? "accepted" : "rejected"} (V8 ${r.v8 ? "accepts" : "rejects"}) in ` +
        `${r.ms.toFixed(1)} ms${r.problem === null ? "" : `: ${r.problem}`}` +
        `${r.v8Limit === null ? "" : ` (a V8 implementation limit: ${r.v8Limit})`}`,
    );
    if (values.save !== undefined) {
      await Deno.mkdir(values.save, { recursive: true });
      await Deno.writeFile(`${values.save}/seed${seed}_case${one}.wasm`, c.bytes);
    }
    return;
  }
  const report = fuzzDecoder({
    seed,
    count,
    timeMs: seconds === undefined ? undefined : seconds * 1000,
    log: (line) => console.error(line),
  });
  for (const line of formatReport(report)) console.log(line);
  if (values.save !== undefined) {
    await Deno.mkdir(values.save, { recursive: true });
    for (const f of report.findings) {
      const c = makeCase(loadCorpus(), f.seed, f.caseIndex);
      await Deno.writeFile(`${values.save}/seed${f.seed}_case${f.caseIndex}.wasm`, c.bytes);
    }
  }
  if (report.findings.length > 0) Deno.exit(1);
}

if (import.meta.main) await main();

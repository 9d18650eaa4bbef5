/**
 * CI smoke of the decoder fuzzer (a few thousand mutated modules: every one
 * accepted or rejected with a CompileError, never accepted when V8 rejects
 * it, none slow, huge counts allocating nothing big) and the regressions it
 * found, one `.wasm` each under `regressions/decoder/`.
 */
import assert from "node:assert/strict";
import { repoPath } from "../_fixtures.ts";
import {
  checkBinary,
  formatFinding,
  fuzzDecoder,
  loadCorpus,
  makeCase,
  MAX_GROWTH,
  SLOW_MS,
} from "./decoder.ts";
import { uleb } from "./framing.ts";
import { MUTATORS } from "./mutate.ts";

Deno.test("decoder fuzz smoke: 4,000 mutants are accepted or rejected cleanly", () => {
  const report = fuzzDecoder({ seed: 0x6b77_6173, count: 4000 });
  console.log(
    `decoder fuzz: ${report.cases} cases, ${report.accepted} accepted, ${report.rejected} ` +
      `rejected, slowest ${report.slowestMs.toFixed(1)} ms, ` +
      `growth ${(report.maxGrowth / 2 ** 20).toFixed(1)} MiB`,
  );
  assert.deepEqual(report.findings.map(formatFinding), []);
  assert.equal(report.cases, 4000);
  assert.ok(report.inputs >= 15, `only ${report.inputs} inputs: are the fixtures there?`);
  for (const name of Object.keys(MUTATORS)) {
    const m = report.mutators[name];
    assert.ok(m !== undefined && m.cases >= 100, `mutator ${name} ran ${m?.cases ?? 0} times`);
    assert.ok(m.rejected > 0, `no mutant of ${name} was rejected`);
  }
  // The structure-aware mutators must also produce modules that get through.
  assert.ok(report.mutators.leb.accepted > 0 && report.mutators.splice.accepted > 0);
  assert.ok(report.maxGrowth < MAX_GROWTH);
});

Deno.test("decoder fuzz cases are a function of the seed and index", () => {
  const corpus = loadCorpus();
  for (const index of [corpus.length, corpus.length + 1, 12_345]) {
    const a = makeCase(corpus, 7, index), b = makeCase(corpus, 7, index);
    assert.deepEqual(a, b);
    assert.ok(a.mutators.length > 0);
  }
  assert.notDeepEqual(makeCase(corpus, 7, 9999).bytes, makeCase(corpus, 8, 9999).bytes);
});

Deno.test("a table over V8's size limit is valid 2.0, not a finding", () => {
  const min = uleb(20_000_000);
  const table = [1, 0x70, 0, ...min]; // (module (table 20000000 funcref))
  const r = checkBinary(
    new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 4, table.length, ...table]),
  );
  assert.deepEqual([r.accepted, r.v8, r.problem], [true, false, null]);
  assert.match(r.v8Limit ?? "", /initial table size \(20000000 elements\)/);
});

Deno.test("decoder fuzz regressions are accepted or rejected cleanly, never laxer than V8", () => {
  const dir = repoPath("tests/fuzz/regressions/decoder");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".wasm"));
  assert.ok(names.length > 0);
  for (const name of names.sort()) {
    const r = checkBinary(Deno.readFileSync(`${dir}/${name}`));
    assert.equal(r.problem, null, name);
    assert.ok(r.ms < SLOW_MS, `${name} took ${r.ms} ms`);
  }
});

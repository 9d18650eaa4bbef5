/**
 * Text parsing speed over the whole spec test suite (about 10 MB of WAST):
 * the lexer alone, and whole scripts into commands and Modules.
 *
 *     deno bench -A runtime/text/parse_bench.ts
 *
 * @module
 */

import { specSuiteDir } from "../../tests/_fixtures.ts";
import { lex } from "./lexer.ts";
import { parseWast } from "./mod.ts";

const dir = specSuiteDir();
const sources = dir === null ? [] : [...Deno.readDirSync(dir)]
  .filter((e) => e.name.endsWith(".wast"))
  .map((e) => Deno.readFileSync(`${dir}/${e.name}`));
const megabytes = sources.reduce((n, s) => n + s.length, 0) / 1e6;

Deno.bench({
  name: `lex the spec suite (${megabytes.toFixed(1)} MB)`,
  ignore: dir === null,
  group: "text",
  fn() {
    for (const s of sources) lex(s);
  },
});

Deno.bench({
  name: `parseWast the spec suite (${megabytes.toFixed(1)} MB)`,
  ignore: dir === null,
  group: "text",
  fn() {
    for (const s of sources) parseWast(s);
  },
});

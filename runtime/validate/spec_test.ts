/**
 * Conformance against the official 2.0 test suite. wabt's `wast2json` turns
 * each `.wast` script into binary modules; every `assert_invalid` module must
 * decode and then fail validation with a message starting with the expected
 * text, and every `module` must decode and validate.
 *
 * wast2json 1.0.32 cannot read 7 of the 147 scripts whole (newer syntax such
 * as `table.get` without a table index); those are split into their top-level
 * `module`/`assert_invalid` forms, converted one by one, so only the forms it
 * truly cannot read are lost. Ignored when the suite or `wast2json` is not on
 * this machine.
 */
import assert from "node:assert/strict";
import { specSuiteDir } from "../../tests/_fixtures.ts";
import { decode } from "../binary/decode.ts";
import { InvalidError } from "../errors.ts";
import { validate } from "./mod.ts";

interface Command {
  type: string;
  line: number;
  filename?: string;
  text?: string;
}

/**
 * Commands whose binary, as wast2json writes it, is not the module the script
 * means, so the expected outcome cannot be reached from it.
 */
const WAST2JSON_ARTIFACTS: ReadonlyMap<string, string> = new Map([
  // Modules with `data.drop`/`memory.init` but no data segment get no data
  // count section from wast2json: the decoder rightly finds them malformed
  // ("data count section required") before validation can see them.
  ["memory_init.wast:190", "no data count section written"],
  ["memory_init.wast:227", "no data count section written"],
  // `select (result)` with no types is written as the untyped 0x1B select,
  // which turns the arity error into a plain type mismatch.
  ["select.wast:324", "empty typed select written as untyped select"],
]);

function hasWast2json(): boolean {
  try {
    return new Deno.Command("wast2json", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Converts a script into `dir`; null when wast2json cannot read it. */
async function convert(wast: string, dir: string): Promise<Command[] | null> {
  await Deno.mkdir(dir, { recursive: true });
  const json = `${dir}/x.json`;
  const out = await new Deno.Command("wast2json", {
    args: ["--enable-all", wast, "-o", json],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!out.success) return null;
  return JSON.parse(await Deno.readTextFile(json)).commands;
}

/** Top-level forms of a script, with the line each starts on. */
function topLevelForms(text: string): { line: number; text: string }[] {
  const forms: { line: number; text: string }[] = [];
  let depth = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "\n") line++;
      }
    } else if (c === ";" && text[i + 1] === ";") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "(" && text[i + 1] === ";") {
      // Block comments nest.
      let nest = 1;
      for (i += 2; i < text.length && nest > 0; i++) {
        if (text[i] === "\n") line++;
        else if (text[i] === "(" && text[i + 1] === ";") (nest++, i++);
        else if (text[i] === ";" && text[i + 1] === ")") (nest--, i++);
      }
      i--;
    } else if (c === "(") {
      if (depth++ === 0) (start = i, startLine = line);
    } else if (c === ")" && --depth === 0) {
      forms.push({ line: startLine, text: text.slice(start, i + 1) });
    }
  }
  return forms;
}

/**
 * The commands of one script with their `.wasm` paths: whole if wast2json
 * reads it, else form by form (`lost` counts the forms it could not read).
 */
async function scriptCommands(
  wast: string,
  dir: string,
): Promise<{ commands: (Command & { path: string })[]; split: boolean; lost: number }> {
  const whole = await convert(wast, dir);
  if (whole !== null) {
    return {
      commands: whole.map((c) => ({ ...c, path: `${dir}/${c.filename}` })),
      split: false,
      lost: 0,
    };
  }
  const commands: (Command & { path: string })[] = [];
  let lost = 0;
  const forms = topLevelForms(await Deno.readTextFile(wast))
    .filter((f) => /^\((module|assert_invalid)\b/.test(f.text));
  for (const [k, form] of forms.entries()) {
    const sub = `${dir}/form${k}`;
    await Deno.mkdir(sub, { recursive: true });
    await Deno.writeTextFile(`${sub}/form.wast`, form.text);
    const got = await convert(`${sub}/form.wast`, sub);
    if (got === null) {
      lost++;
      continue;
    }
    for (const c of got) {
      commands.push({ ...c, line: c.line + form.line - 1, path: `${sub}/${c.filename}` });
    }
  }
  return { commands, split: true, lost };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const suite = specSuiteDir("wasm-2.0");

Deno.test({
  name: "spec suite 2.0: assert_invalid modules are rejected as expected, modules are valid",
  ignore: suite === null || !hasWast2json(),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "kwasm-validate-spec-" });
    const failures: string[] = [];
    const artifacts: string[] = [];
    const stats = { whole: 0, split: 0, lost: 0, invalid: 0, invalidOk: 0, valid: 0, validOk: 0 };
    try {
      const files = [...Deno.readDirSync(suite!)]
        .filter((e) => e.name.endsWith(".wast"))
        .map((e) => e.name)
        .sort();
      for (const name of files) {
        const script = await scriptCommands(`${suite}/${name}`, `${tmp}/${name.slice(0, -5)}`);
        if (script.split) stats.split++;
        else stats.whole++;
        stats.lost += script.lost;
        for (const c of script.commands) {
          if (c.type !== "module" && c.type !== "assert_invalid") continue;
          const where = `${name}:${c.line}`;
          const fail = (what: string) => {
            const artifact = WAST2JSON_ARTIFACTS.get(where);
            if (artifact) artifacts.push(`${where}: ${what} (${artifact})`);
            else failures.push(`${where}: ${what}`);
          };
          const bytes = await Deno.readFile(c.path);
          if (c.type === "module") {
            stats.valid++;
            try {
              validate(decode(bytes));
              stats.validOk++;
            } catch (e) {
              fail(`valid module rejected: ${describe(e)}`);
            }
            continue;
          }
          stats.invalid++;
          try {
            validate(decode(bytes));
            fail(`accepted, expected "${c.text}"`);
          } catch (e) {
            if (e instanceof InvalidError && e.message.startsWith(c.text!)) stats.invalidOk++;
            else fail(`expected "${c.text}", got ${describe(e)}`);
          }
        }
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
    console.log(
      `${stats.whole} scripts whole, ${stats.split} split (${stats.lost} forms unreadable); ` +
        `assert_invalid ${stats.invalidOk}/${stats.invalid}; modules ${stats.validOk}/${stats.valid}`,
    );
    for (const a of artifacts) console.log(`  wast2json artifact: ${a}`);
    assert.deepEqual(failures, []);
  },
});

/**
 * Bridge to the spec test suite until kwasm reads the text format itself:
 * wabt's `wast2json` turns a `.wast` script into JSON commands plus one
 * `.wasm` file per binary module (valid modules, `assert_invalid` modules,
 * binary `assert_malformed` modules). Text-only `assert_malformed` modules
 * come out as `.wat` and are left to the text-format work.
 *
 * wast2json 1.0.32 cannot read 7 of the 147 2.0 scripts whole (newer syntax
 * such as `table.get` without a table index). Those are split into their
 * top-level `module`/`assert_invalid` forms and converted one by one, so only
 * the forms it truly cannot read are lost.
 *
 * @module
 */

/** One command of a converted script (the fields kwasm reads). */
export interface WastCommand {
  /** `module`, `assert_malformed`, `assert_invalid`, `assert_return`, … */
  type: string;
  /** Line in the `.wast` file. */
  line: number;
  /** Path of the module file, for module commands and module assertions. */
  path?: string;
  /** `binary` or `text` for module assertions. */
  module_type?: string;
  /** The expected message of an assertion. */
  text?: string;
}

/** A converted script. */
export interface WastScript {
  /** The commands, in order. */
  commands: WastCommand[];
  /** Whether the script had to be split into forms. */
  split: boolean;
  /** Forms wast2json could not read even alone. */
  lost: number;
}

/** True when `wast2json` can be run. */
export function hasWast2json(): boolean {
  try {
    return new Deno.Command("wast2json", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Converts one file into `dir`; null when wast2json cannot read it. */
async function convert(wast: string, dir: string): Promise<WastCommand[] | null> {
  await Deno.mkdir(dir, { recursive: true });
  const json = `${dir}/script.json`;
  const out = await new Deno.Command("wast2json", {
    args: ["--enable-all", wast, "-o", json],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!out.success) return null;
  const parsed = JSON.parse(await Deno.readTextFile(json)) as {
    commands: (WastCommand & { filename?: string })[];
  };
  return parsed.commands.map(({ filename, ...c }) =>
    filename === undefined ? c : { ...c, path: `${dir}/${filename}` }
  );
}

/** Top-level forms of a script, with the line each starts on. */
export function topLevelForms(text: string): { line: number; text: string }[] {
  const forms: { line: number; text: string }[] = [];
  let depth = 0, start = 0, line = 1, startLine = 1;
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
        else if (text[i] === "(" && text[i + 1] === ";") nest++, i++;
        else if (text[i] === ";" && text[i + 1] === ")") nest--, i++;
      }
      i--;
    } else if (c === "(") {
      if (depth++ === 0) start = i, startLine = line;
    } else if (c === ")" && --depth === 0) {
      forms.push({ line: startLine, text: text.slice(start, i + 1) });
    }
  }
  return forms;
}

/**
 * Converts `wastPath` into `outDir`: whole if wast2json reads it, else form by
 * form (`module` and `assert_invalid` forms only).
 */
export async function convertScript(wastPath: string, outDir: string): Promise<WastScript> {
  const whole = await convert(wastPath, outDir);
  if (whole !== null) return { commands: whole, split: false, lost: 0 };
  const commands: WastCommand[] = [];
  let lost = 0;
  const forms = topLevelForms(await Deno.readTextFile(wastPath))
    .filter((f) => /^\((module|assert_invalid)\b/.test(f.text));
  for (const [k, form] of forms.entries()) {
    const sub = `${outDir}/form${k}`;
    await Deno.mkdir(sub, { recursive: true });
    await Deno.writeTextFile(`${sub}/form.wast`, form.text);
    const got = await convert(`${sub}/form.wast`, sub);
    if (got === null) {
      lost++;
      continue;
    }
    for (const c of got) commands.push({ ...c, line: c.line + form.line - 1 });
  }
  return { commands, split: true, lost };
}

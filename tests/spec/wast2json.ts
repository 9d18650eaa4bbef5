/**
 * Bridge to the spec test suite until kwasm reads the text format itself:
 * wabt's `wast2json` turns a `.wast` script into JSON commands plus one
 * `.wasm` file per binary module (valid modules, `assert_invalid` modules,
 * binary `assert_malformed` modules). Text-only `assert_malformed` modules
 * come out as `.wat` and are left to the text-format work.
 *
 * @module
 */

/** One command of a converted script (the fields kwasm reads). */
export interface WastCommand {
  /** `module`, `assert_malformed`, `assert_invalid`, `assert_return`, … */
  type: string;
  /** Line in the `.wast` file. */
  line: number;
  /** The module file, for module commands and module assertions. */
  filename?: string;
  /** `binary` or `text` for module assertions. */
  module_type?: string;
  /** The expected message of an assertion. */
  text?: string;
}

/** A converted script: its commands and the folder holding its module files. */
export interface WastScript {
  /** The commands, in order. */
  commands: WastCommand[];
  /** Folder of the `.wasm`/`.wat` files the commands name. */
  dir: string;
}

/** True when `wast2json` can be run. */
export function hasWast2json(): boolean {
  try {
    return new Deno.Command("wast2json", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
}

/**
 * Converts `wastPath` into `outDir` (created if needed). Throws an Error
 * carrying wast2json's first line when it cannot read the script.
 */
export async function convertScript(wastPath: string, outDir: string): Promise<WastScript> {
  await Deno.mkdir(outDir, { recursive: true });
  const json = `${outDir}/script.json`;
  const out = await new Deno.Command("wast2json", {
    args: ["--enable-all", wastPath, "-o", json],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const msg = new TextDecoder().decode(out.stderr).split("\n").find((l) => l.trim()) ??
      `exit ${out.code}`;
    throw new Error(`wast2json: ${msg}`);
  }
  const parsed = JSON.parse(await Deno.readTextFile(json)) as { commands: WastCommand[] };
  return { commands: parsed.commands, dir: outDir };
}

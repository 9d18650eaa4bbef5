/**
 * `kwasm inspect FILE`: what is in a module — the section table with offsets
 * and sizes, types, imports, functions, tables, memories, globals, exports,
 * start, element and data segments, custom sections — as aligned tables, or
 * as JSON with `--json`.
 *
 * @module
 */

import { InvalidError } from "../runtime/errors.ts";
import { type Module, SectionId } from "../runtime/module.ts";
import { validate } from "../runtime/validate/mod.ts";
import { type Command, HELP_OPTION, parseCommandLine, singleInput } from "./_args.ts";
import { nameText } from "./_format.ts";
import {
  errorText,
  EXIT_FAILURE,
  EXIT_OK,
  moduleFailure,
  type Output,
  paint,
  reportError,
} from "./_io.ts";
import { loadModule } from "./_load.ts";
import { type ModuleSummary, summarize } from "./_summary.ts";

const HELP = `Usage: kwasm inspect [options] FILE

Shows what a WebAssembly binary contains: its sections with offsets and sizes,
types, imports, functions (with names from the name section), tables,
memories, globals, exports, start function, element and data segments, and
custom sections. The module need not be valid; the first line says whether
it is.

A file named *.wat or *.wast that does not start with the binary magic is
read as a text module and compiled first: offsets and sizes are those of
its binary encoding.

Options:
  --json        print a machine-readable summary instead
  -h, --help    show this help
`;

const OPTIONS = {
  ...HELP_OPTION,
  json: { type: "boolean" },
} as const;

async function run(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandLine("inspect", args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const file = singleInput("inspect", positionals);
  let summary: ModuleSummary;
  try {
    const { bytes, module } = await loadModule(file);
    summary = summarize(file, bytes, module, validationError(module));
  } catch (e) {
    reportError(io, moduleFailure(file, e));
    return EXIT_FAILURE;
  }
  io.out(values.json ? JSON.stringify(summary, null, 2) + "\n" : render(summary, io.colorOut));
  // An invalid module is still described (that is what one inspects it for),
  // but the exit code says it is invalid, as `validate` would.
  if (!summary.valid) {
    reportError(io, `${file}: invalid module: ${summary.error}`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/** Null for a valid module, else why it is not (inspect shows invalid modules too). */
function validationError(module: Module): string | null {
  try {
    validate(module);
    return null;
  } catch (e) {
    if (e instanceof InvalidError) return e.message;
    return `internal error in the validator (a bug in kwasm): ${errorText(e)}`;
  }
}

type Cell = string | number | null;

/**
 * Lays out rows in aligned columns under a dim header: numbers right-aligned,
 * text left-aligned, no trailing spaces.
 */
function table(header: string[], rows: Cell[][], color: boolean): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? "" : String(c))));
  // A loop, not Math.max(...spread): a module can have more functions than
  // a call can take arguments.
  const widths = header.map((h) => h.length);
  for (const r of cells) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i], r[i].length);
  }
  const numeric = header.map((_, i) =>
    rows.every((r) => r[i] === null || typeof r[i] === "number")
  );
  const line = (r: string[]) => {
    const padded = r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])));
    return `  ${padded.join("  ")}`.trimEnd() + "\n";
  };
  return paint(color, "dim", line(header).trimEnd()) + "\n" + cells.map(line).join("");
}

/** `0x…` with at least `digits` hex digits, so a column of offsets lines up. */
function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}

function named(name: string | null): string {
  return name === null ? "" : nameText(name);
}

/** The summary as text: a header line, then one titled table per non-empty part. */
function render(s: ModuleSummary, color: boolean): string {
  const parts: string[] = [];
  const section = (title: string, count: number, body: string) => {
    if (count > 0) parts.push(`${paint(color, "bold", `${title} (${count})`)}\n${body}`);
  };

  const status = s.valid
    ? paint(color, "green", "valid")
    : paint(color, "yellow", `invalid: ${s.error}`);
  const moduleName = s.name === null ? "" : `, module ${nameText(s.name)}`;
  parts.push(`${paint(color, "bold", s.file)}: ${s.bytes} bytes${moduleName}, ${status}\n`);
  const digits = s.bytes.toString(16).length;

  section(
    "Sections",
    s.sections.length,
    table(
      ["id", "name", "start", "offset", "size", "count"],
      s.sections.map((x) => [
        x.id,
        x.id === SectionId.custom ? JSON.stringify(x.name) : x.name,
        hex(x.start, digits),
        hex(x.offset, digits),
        x.size,
        x.count,
      ]),
      color,
    ),
  );
  section(
    "Types",
    s.types.length,
    table(["index", "type"], s.types.map((t) => [t.index, t.text]), color),
  );
  section(
    "Imports",
    s.imports.length,
    table(
      ["item", "import", "type", "name"],
      s.imports.map((i) => [
        `${i.kind}[${i.index}]`,
        `${i.module}.${i.name}`,
        i.type,
        named(i.itemName),
      ]),
      color,
    ),
  );
  section(
    "Functions",
    s.functions.length,
    table(
      ["item", "name", "type", "signature", "locals", "size", "instrs"],
      s.functions.map((f) => [
        `func[${f.index}]`,
        named(f.name),
        f.type,
        f.signature,
        f.locals,
        f.size,
        f.instructions,
      ]),
      color,
    ),
  );
  for (
    const [title, kind, items] of [
      ["Tables", "table", s.tables],
      ["Memories", "memory", s.memories],
      ["Globals", "global", s.globals],
      ["Tags", "tag", s.tags],
    ] as const
  ) {
    const hasInit = items.some((x) => x.init !== null);
    const header = hasInit ? ["item", "type", "init"] : ["item", "type"];
    const rows = items.map((x) => {
      const row: Cell[] = [`${kind}[${x.index}]`, x.type];
      if (hasInit) row.push(x.init);
      return row;
    });
    section(title, items.length, table(header, rows, color));
  }
  section(
    "Exports",
    s.exports.length,
    table(
      ["name", "item", "item name"],
      s.exports.map((e) => [JSON.stringify(e.name), `${e.kind}[${e.index}]`, named(e.itemName)]),
      color,
    ),
  );
  if (s.start !== null) {
    parts.push(
      `${paint(color, "bold", "Start")}: func[${s.start.index}] ${named(s.start.name)}`.trimEnd() +
        "\n",
    );
  }
  section(
    "Elements",
    s.elements.length,
    table(
      ["segment", "mode", "table", "offset", "type", "count"],
      s.elements.map((e) => [e.index, e.mode, e.target, e.offset, e.type, e.size]),
      color,
    ),
  );
  section(
    "Data",
    s.data.length,
    table(
      ["segment", "mode", "memory", "offset", "size", "bytes"],
      s.data.map((d) => [d.index, d.mode, d.target, d.offset, d.size, d.preview]),
      color,
    ),
  );
  section(
    "Custom sections",
    s.customs.length,
    table(
      ["name", "offset", "size", "contents"],
      s.customs.map((c) => [JSON.stringify(c.name), hex(c.offset, digits), c.size, c.detail]),
      color,
    ),
  );
  return parts.join("\n");
}

/** The `inspect` subcommand. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "show the sections, imports, exports and items of a WebAssembly binary",
  help: HELP,
  run,
};

/**
 * Reading a module from a file, binary or text, for the commands that take
 * either (`validate`, `inspect`, `wasm2wat`).
 *
 * **Which format.** A file is text when it does not start with the binary
 * magic `\0asm` *and* its name ends in `.wat` or `.wast`; everything else is
 * read as a binary. So a `.wasm` file holding text is reported as a binary
 * without the magic header — what it claims to be — and a `.wat` file that
 * is really a binary still works.
 *
 * A text module is compiled to its binary form and decoded again, so that
 * everything downstream sees byte offsets and sizes of a real binary; a
 * validation error is then located by function instead of by offset.
 *
 * @module
 */

import { decode } from "../runtime/binary/decode.ts";
import { bodySize } from "../runtime/binary/section_list.ts";
import { u32Size } from "../runtime/binary/writer.ts";
import { encode } from "../runtime/binary/encode.ts";
import { InvalidError } from "../runtime/errors.ts";
import type { Module } from "../runtime/module.ts";
import { type ParseOptions, parseWat } from "../runtime/text/mod.ts";
import { validate } from "../runtime/validate/mod.ts";
import { nameText } from "./_format.ts";
import { CliError, readInput } from "./_io.ts";

/** A module read from a file. */
export interface LoadedModule {
  /** The module (decoded from `bytes`). */
  module: Module;
  /** Its binary form: the file itself, or the compiled text. */
  bytes: Uint8Array;
  /** Whether the file was text. */
  fromText: boolean;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Whether `path` with contents `bytes` is read as text: no binary magic and
 * a `.wat` or `.wast` name.
 */
export function isTextInput(path: string, bytes: Uint8Array): boolean {
  if (MAGIC.every((b, i) => bytes[i] === b)) return false;
  return /\.wat$|\.wast$/i.test(path);
}

/**
 * Reads, parses or decodes a module. Failures throw: a `CliError` for an
 * unreadable file, a `TextError` or `MalformedError` for a bad module
 * (`moduleFailure` words each as one line).
 */
export async function loadModule(file: string, options: ParseOptions = {}): Promise<LoadedModule> {
  const raw = await readInput(file);
  if (!isTextInput(file, raw)) return { module: decode(raw), bytes: raw, fromText: false };
  const bytes = encode(parseWat(raw, options));
  return { module: decode(bytes), bytes, fromText: true };
}

/**
 * Validates a loaded module. For a text file, an invalid function is named
 * instead of an offset into a binary the user never saw:
 * `type mismatch: expected i32, got i64 (in func $f)`.
 *
 * @throws {InvalidError} for a binary file, {@linkcode CliError} for text.
 */
export function validateLoaded(file: string, loaded: LoadedModule): void {
  try {
    validate(loaded.module);
  } catch (e) {
    if (!loaded.fromText || !(e instanceof InvalidError)) throw e;
    const phrase = e.message.replace(/ \(at offset 0x[0-9a-f]+\)$/, "");
    const where = e.offset >= 0 ? functionAt(loaded, e.offset) : "";
    throw new CliError(`${file}: invalid module: ${phrase}${where}`);
  }
}

/** ` (in func $f)` for the function whose body holds byte `offset`, else "". */
function functionAt({ module: m, bytes }: LoadedModule, offset: number): string {
  const found = m.funcs.findIndex((f) => {
    const size = bodySize(bytes, f.offset);
    return size !== null && f.offset <= offset && offset < f.offset + u32Size(size) + size;
  });
  if (found < 0) return "";
  const imported = m.imports.filter((imp) => imp.desc.kind === "func").length;
  const index = imported + found;
  const name = m.names?.functions.get(index);
  return ` (in func ${name === undefined ? index : nameText(name)})`;
}

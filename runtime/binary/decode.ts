/**
 * The binary decoder: bytes → {@linkcode Module}.
 *
 * Checks the header, frames the sections (ids, sizes, order), hands each to
 * its reader (`read_types.ts`, `sections.ts`, `instructions.ts`,
 * `names.ts`), and finishes with the whole-module checks of the binary
 * format: function and code sections agree, the data count matches, and a
 * data count section is present when bodies use data segment indices.
 *
 * Everything the encoder needs to write canonical input back byte for byte
 * is kept: custom sections and where they stood, local groups as declared,
 * element segments' function-index or expression form, and whether a data
 * count section (or an explicit recursion group) was present.
 *
 * @module
 */

import { MalformedError } from "../errors.ts";
import { emptyModule, type Func, type Module, SectionId } from "../module.ts";
import { CodeDecoder } from "./instructions.ts";
import { readNames } from "./names.ts";
import { readTypeSection } from "./read_types.ts";
import { Reader, UNEXPECTED_END } from "./reader.ts";
import {
  readCodeSection,
  readDataSection,
  readElementSection,
  readExportSection,
  readFunctionSection,
  readGlobalSection,
  readImportSection,
  readMemorySection,
  readTableSection,
  readTagSection,
} from "./sections.ts";

/** Options of {@linkcode decode}. */
export interface DecodeOptions {
  /**
   * Decode WebAssembly 3.0 where its binary format differs from 2.0: GC type
   * forms and reference types, the tag section and tag imports/exports,
   * limits flags for memory64/table64, multi-memory memory indices, u64
   * memarg offsets, table initialisers. Default false: exactly 2.0, as the
   * 2.0 spec test suite expects (e.g. a non-zero memory index byte is
   * `"zero byte expected"`).
   */
  wasm3?: boolean;
}

/**
 * Position of each section id in the required order (custom sections,
 * rank 0, may appear anywhere). The data count section sits between the
 * element and code sections; the tag section between memory and global.
 */
const RANK: readonly number[] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

/**
 * Decodes a module binary.
 *
 * @throws {MalformedError} when the bytes are not a well-formed module; the
 * message starts with the spec's phrase and ends with the byte offset.
 *
 * @example
 * ```ts
 * import { decode } from "./decode.ts";
 * // (module (func (result i32) i32.const 42))
 * const bytes = new Uint8Array([
 *   0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
 *   0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
 *   0x03, 0x02, 0x01, 0x00,
 *   0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
 * ]);
 * const m = decode(bytes);
 * console.assert(m.funcs.length === 1 && m.funcs[0].body.ops[1] === 42);
 * ```
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Module {
  checkHeader(bytes);
  const r = new Reader(bytes, 8, options.wasm3 ?? false);
  const m = emptyModule();
  const dec = new CodeDecoder();
  const maxId = r.wasm3 ? SectionId.tag : SectionId.dataCount;
  let funcTypes: number[] = [];
  let funcs: Func[] = [];
  let lastRank = 0;
  let lastId = 0; // id of the last known section, for custom section placement

  while (!r.atEnd()) {
    const idAt = r.pos;
    const id = bytes[r.pos++];
    if (id > maxId) r.fail("malformed section id", idAt);
    if (id !== SectionId.custom) {
      if (RANK[id] <= lastRank) r.fail("unexpected content after last section", idAt);
      lastRank = RANK[id];
    }
    if (r.atEnd()) r.fail("unexpected end", r.pos);
    const size = r.count();
    const start = r.pos;
    switch (id) {
      case SectionId.custom:
        readCustomSection(r, m, start + size, lastId);
        break;
      case SectionId.type:
        readTypeSection(r, m);
        break;
      case SectionId.import:
        readImportSection(r, m);
        break;
      case SectionId.function:
        funcTypes = readFunctionSection(r);
        break;
      case SectionId.table:
        readTableSection(r, m, dec);
        break;
      case SectionId.memory:
        readMemorySection(r, m);
        break;
      case SectionId.tag:
        readTagSection(r, m);
        break;
      case SectionId.global:
        readGlobalSection(r, m, dec);
        break;
      case SectionId.export:
        readExportSection(r, m);
        break;
      case SectionId.start:
        m.start = r.u32();
        break;
      case SectionId.element:
        readElementSection(r, m, dec);
        break;
      case SectionId.dataCount:
        m.dataCount = r.u32();
        break;
      case SectionId.code:
        dec.reserve(size);
        funcs = readCodeSection(r, dec, funcTypes);
        break;
      case SectionId.data:
        readDataSection(r, m, dec);
        break;
    }
    if (r.pos !== start + size) r.fail("section size mismatch", start);
    if (id !== SectionId.custom) lastId = id;
  }

  if (funcTypes.length !== funcs.length) {
    r.fail("function and code section have inconsistent lengths", bytes.length);
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    r.fail("data count and data section have inconsistent lengths", bytes.length);
  }
  if (m.dataCount === null && dec.dataUse >= 0) r.fail("data count section required", dec.dataUse);
  dec.finish();
  m.funcs = funcs;
  return m;
}

/** The magic number `\0asm` and version 1. */
function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < 4) throw new MalformedError("unexpected end", bytes.length);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new MalformedError("magic header not detected", 0);
  }
  if (bytes.length < 8) throw new MalformedError("unexpected end", bytes.length);
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new MalformedError("unknown binary version", 4);
  }
}

/**
 * A custom section: its name (valid UTF-8, within the section), then its
 * payload. The first well-formed `name` section becomes `m.names`; every
 * other custom section is kept as bytes in `m.customs`.
 */
function readCustomSection(r: Reader, m: Module, end: number, after: number): void {
  const name = r.name();
  if (r.pos > end) r.fail(UNEXPECTED_END, r.pos);
  // take() checks the end against the binary: the size field is only bounded
  // by the bytes from the field itself on, so it can overshoot by its own length.
  const payload = r.take(end - r.pos);
  // Only the first `name` section is read; a repeated one stays a custom section.
  if (name === "name" && !m.customs.some((c) => c.name === "name") && m.names === null) {
    m.names = readNames(payload, after);
    if (m.names !== null) {
      m.names.position = m.customs.length;
      return;
    }
  }
  m.customs.push({ name, bytes: payload.slice(), after });
}

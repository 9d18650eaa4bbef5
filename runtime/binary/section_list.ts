/**
 * The section table of a module binary: where each section starts, how big it
 * is, and what it is called — the framing that the decoded `Module` does not
 * keep (see `runtime/module.ts`). Tools such as `kwasm inspect` show it beside the decoded module.
 *
 * This walks only the framing (magic, version, section ids and sizes, custom
 * section names, and the leading count of vector sections); it does not
 * decode section contents, so it is cheap and works on any well-framed module.
 *
 * @module
 */

import { MalformedError } from "../errors.ts";
import { Reader, UNEXPECTED_END } from "./reader.ts";
import { SectionId } from "../module.ts";

/** One section of a module binary. */
export interface SectionInfo {
  /** Section id (0 for custom sections). */
  id: number;
  /** `"type"`, `"import"`, … for known sections; the section's own name for custom ones. */
  name: string;
  /** Byte offset of the section id. */
  start: number;
  /** Byte offset of the payload (after the size field; a custom section's name is part of it). */
  offset: number;
  /** Payload size in bytes. */
  size: number;
  /**
   * Number of entries of a vector section (type, import, function, table,
   * memory, global, export, element, code, data, tag); null for the others.
   */
  count: number | null;
}

const NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, id] of Object.entries(SectionId)) names[id] = name;
  return names;
})();

/** Sections whose payload starts with a vector count. */
const VECTOR_SECTIONS = new Set<number>([
  SectionId.type,
  SectionId.import,
  SectionId.function,
  SectionId.table,
  SectionId.memory,
  SectionId.global,
  SectionId.export,
  SectionId.element,
  SectionId.code,
  SectionId.data,
  SectionId.tag,
]);

/**
 * The text name of a known section id (`"type"`, `"dataCount"`, …), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sectionName } from "./section_list.ts";
 * assert.equal(sectionName(10), "code");
 * ```
 */
export function sectionName(id: number): string | null {
  return NAMES[id] ?? null;
}

/**
 * Lists the sections of a module binary in order.
 *
 * @throws {MalformedError} with the spec's phrase (`"magic header not
 * detected"`, `"unknown binary version"`, `"unexpected end"`, `"length out of
 * bounds"`, `"malformed section id"`, `"malformed UTF-8 encoding"`, …) when
 * the framing is broken.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listSections } from "./section_list.ts";
 * const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1, 0]);
 * const [type] = listSections(bytes);
 * assert.deepEqual(type, { id: 1, name: "type", start: 8, offset: 10, size: 1, count: 0 });
 * ```
 */
export function listSections(bytes: Uint8Array): SectionInfo[] {
  if (bytes.length < 4) throw new MalformedError("unexpected end", bytes.length);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new MalformedError("magic header not detected", 0);
  }
  if (bytes.length < 8) throw new MalformedError("unexpected end", bytes.length);
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new MalformedError("unknown binary version", 4);
  }
  const out: SectionInfo[] = [];
  const r = new Reader(bytes, 8);
  while (!r.atEnd()) {
    const start = r.pos;
    const id = r.u8();
    if (NAMES[id] === undefined) r.fail("malformed section id", start);
    const size = r.u32();
    const offset = r.pos;
    if (size > bytes.length - offset) r.fail("length out of bounds", offset);
    const end = offset + size;
    let name = NAMES[id];
    let count: number | null = null;
    if (id === SectionId.custom) name = r.name();
    else if (VECTOR_SECTIONS.has(id)) count = r.u32();
    if (r.pos > end) r.fail(UNEXPECTED_END, end);
    out.push({ id, name, start, offset, size, count });
    r.pos = end;
  }
  return out;
}

/**
 * The size in bytes of the function body whose size field is at `offset`
 * (as `Func.offset` records it), or null if no plausible size field is there
 * (for example, a module not decoded from these bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bodySize } from "./section_list.ts";
 * assert.equal(bodySize(new Uint8Array([0, 2, 0, 0x0b]), 1), 2);
 * ```
 */
export function bodySize(bytes: Uint8Array, offset: number): number | null {
  if (offset <= 0 || offset >= bytes.length) return null;
  try {
    const r = new Reader(bytes, offset);
    const size = r.u32();
    return size <= bytes.length - r.pos ? size : null;
  } catch {
    return null;
  }
}

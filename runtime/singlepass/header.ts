/**
 * Decoding only a module's interface, for a start from the cache:
 * instantiating a guarded module needs the original's types, imports,
 * function types, memories, globals, exports and start, but not its code,
 * segments or names (the guarded binary has those). The binary is cut down
 * to those sections, with the code section swapped for one of empty bodies,
 * before decoding; on a cold start that is the difference between decoding
 * 1.6 MB and a few kilobytes. Everything else is decoded only if a
 * backtrace ever needs it.
 *
 * @module
 */

import { decode } from "../binary/decode.ts";
import { listSections } from "../binary/section_list.ts";
import type { Module } from "../module.ts";
import { SectionId } from "../module.ts";

/** An empty body: size 2, no locals, `end`. */
const EMPTY_BODY = [0x02, 0x00, 0x0b];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Sections the header keeps (besides the code section, which becomes empty bodies). */
const KEPT = new Set<number>([
  SectionId.type,
  SectionId.import,
  SectionId.function,
  SectionId.table,
  SectionId.memory,
  SectionId.tag,
  SectionId.global,
  SectionId.export,
  SectionId.start,
]);

/**
 * `bytes` decoded without element and data segments, custom sections (so no
 * names) and function bodies (each an empty placeholder, just `end`). Only
 * for a module known to be valid (it came from the cache): the result would
 * not validate.
 */
export function decodeHeader(bytes: Uint8Array): Module {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of listSections(bytes)) {
    if (KEPT.has(s.id)) {
      parts.push(bytes.subarray(s.start, s.offset + s.size));
    } else if (s.id === SectionId.code && s.count !== null) {
      const count = leb(s.count);
      const payload = new Uint8Array(count.length + s.count * EMPTY_BODY.length);
      payload.set(count);
      for (let i = 0; i < s.count; i++) {
        payload.set(EMPTY_BODY, count.length + i * EMPTY_BODY.length);
      }
      parts.push(new Uint8Array([SectionId.code, ...leb(payload.length)]), payload);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return decode(out);
}

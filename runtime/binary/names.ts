/**
 * The `name` custom section: module name, function names, local names, and
 * any further subsections kept as bytes.
 *
 * A custom section never makes a module malformed, so a `name` section that
 * cannot be read — or that is not in the one canonical form the encoder
 * writes back (subsections in increasing id order, indices strictly
 * increasing, minimal LEB128s, no empty function or local subsection) — is
 * left as a plain custom section, and decode → encode still reproduces it
 * byte for byte.
 *
 * @module
 */

import { MalformedError } from "../errors.ts";
import type { Names, NameSubsection } from "../module.ts";
import { Reader } from "./reader.ts";

/** Size of the minimal LEB128 encoding of a u32. */
function u32Size(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

/** Size of a name as encoded: length prefix plus UTF-8 bytes. */
function nameSize(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4; // a surrogate pair: one 4-byte sequence
      i++;
    } else n += 3;
  }
  return u32Size(n) + n;
}

/** Size of a name map (count, then index and name per entry). */
function nameMapSize(map: Map<number, string>): number {
  let n = u32Size(map.size);
  for (const [index, name] of map) n += u32Size(index) + nameSize(name);
  return n;
}

/** Size of a subsection with a payload of `n` bytes. */
function subsectionSize(n: number): number {
  return 1 + u32Size(n) + n;
}

/** Size of the canonical encoding of `names` (what an encoder writes for it). */
function canonicalSize(names: Names): number {
  let size = 0;
  if (names.module !== null) size += subsectionSize(nameSize(names.module));
  if (names.functions.size > 0) size += subsectionSize(nameMapSize(names.functions));
  if (names.locals.size > 0) {
    let n = u32Size(names.locals.size);
    for (const [index, map] of names.locals) n += u32Size(index) + nameMapSize(map);
    size += subsectionSize(n);
  }
  for (const sub of names.other ?? []) size += subsectionSize(sub.bytes.length);
  return size;
}

/** A parse failure of the name section (not a module error). */
class BadNames extends Error {}

/** Reads a name map into `map`: a vector of (index, name), indices strictly increasing. */
function readNameMap(r: Reader, map: Map<number, string>): void {
  const n = r.count();
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    if (index <= prev) throw new BadNames();
    prev = index;
    map.set(index, r.name());
  }
}

function parse(payload: Uint8Array, after: number): Names {
  const r = new Reader(payload);
  const names: Names = { module: null, functions: new Map(), locals: new Map(), after };
  const other: NameSubsection[] = [];
  let lastId = -1;
  while (!r.atEnd()) {
    const id = r.u8();
    if (id <= lastId) throw new BadNames();
    lastId = id;
    const size = r.count();
    const start = r.pos;
    const end = start + size;
    if (end > r.end) throw new BadNames();
    switch (id) {
      case 0:
        names.module = r.name();
        break;
      case 1:
        readNameMap(r, names.functions);
        break;
      case 2: {
        const n = r.count();
        let prev = -1;
        for (let i = 0; i < n; i++) {
          const index = r.u32();
          if (index <= prev) throw new BadNames();
          prev = index;
          const map = new Map<number, string>();
          readNameMap(r, map);
          names.locals.set(index, map);
        }
        break;
      }
      default:
        other.push({ id, bytes: payload.slice(start, end) });
        r.pos = end;
    }
    if (r.pos !== end) throw new BadNames();
  }
  if (other.length > 0) names.other = other;
  if (canonicalSize(names) !== payload.length) throw new BadNames();
  return names;
}

/**
 * Parses the payload of a `name` custom section (after the section name).
 * `after` is the id of the last known section before it. Returns null when
 * the payload is malformed or not canonical; the caller then keeps it as a
 * plain custom section.
 *
 * @example
 * ```ts
 * import { readNames } from "./names.ts";
 * // subsection 1 (function names): 1 entry, function 0 is "f"
 * const names = readNames(new Uint8Array([1, 4, 1, 0, 1, 0x66]), 10);
 * console.assert(names?.functions.get(0) === "f");
 * ```
 */
export function readNames(payload: Uint8Array, after: number): Names | null {
  try {
    return parse(payload, after);
  } catch (e) {
    if (e instanceof BadNames || e instanceof MalformedError) return null;
    throw e;
  }
}

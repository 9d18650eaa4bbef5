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

/** A parse failure of the name section (not a module error). */
class BadNames extends Error {}

// The section is canonical — what the encoder writes back byte for byte —
// when every LEB128 in it is minimal and no function or local subsection is
// empty: names are UTF-8 checked by the decoder, so they re-encode to the
// same bytes, and ids and indices are checked increasing as they are read.

/** Reads a vector length or subsection size, which must be minimally encoded. */
function count(r: Reader): number {
  const at = r.pos;
  const n = r.count();
  if (r.pos - at !== u32Size(n)) throw new BadNames();
  return n;
}

/** Reads an index, which must be minimally encoded. */
function index(r: Reader): number {
  const at = r.pos;
  const n = r.u32();
  if (r.pos - at !== u32Size(n)) throw new BadNames();
  return n;
}

/** Reads a name, whose length must be minimally encoded. */
function name(r: Reader): string {
  const at = r.pos;
  const n = r.u32();
  if (r.pos - at !== u32Size(n)) throw new BadNames();
  r.pos = at;
  return r.name();
}

/** Reads a name map into `map`: a vector of (index, name), indices strictly increasing. */
function readNameMap(r: Reader, map: Map<number, string>): void {
  const n = count(r);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const x = index(r);
    if (x <= prev) throw new BadNames();
    prev = x;
    map.set(x, name(r));
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
    const size = count(r);
    const start = r.pos;
    const end = start + size;
    if (end > r.end) throw new BadNames();
    switch (id) {
      case 0:
        names.module = name(r);
        break;
      case 1:
        readNameMap(r, names.functions);
        if (names.functions.size === 0) throw new BadNames();
        break;
      case 2: {
        const n = count(r);
        if (n === 0) throw new BadNames();
        let prev = -1;
        for (let i = 0; i < n; i++) {
          const x = index(r);
          if (x <= prev) throw new BadNames();
          prev = x;
          const map = new Map<number, string>();
          readNameMap(r, map);
          names.locals.set(x, map);
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

/**
 * Structure-aware mutators for module binaries, used by the decoder fuzzer
 * (`decoder.ts`). Every mutator is a pure function of its inputs and a seeded
 * {@linkcode Rng}, so a case is reproduced from its seed alone.
 *
 * Besides blind byte damage (bit flips, truncation, byte smashes), the
 * mutators understand the framing of a binary: the section list (id and
 * size) and the LEB128 fields whose position is certain — section sizes,
 * vector counts, function type indices, body sizes and local declarations —
 * plus the immediates of a few common instructions, found by scanning
 * bodies for their opcode bytes (a guess: a match may sit inside another
 * immediate, which only makes the mutant stranger). A LEB128 rewrite fixes
 * up the sizes that enclose it, so the mutant gets past the framing checks
 * and reaches the reader under test.
 *
 * This file deliberately shares no code with `runtime/binary`: the fuzzer
 * must not inherit the bugs of what it tests.
 *
 * @module
 */

/** mulberry32: a small, fast, seeded PRNG. */
export class Rng {
  #state: number;

  /** A generator whose whole output is a function of `seed`. */
  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items` (which must not be empty). */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Mixes a run's seed and a case index into the seed of that case's {@linkcode Rng}. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) | 0;
}

// ---------------------------------------------------------------------------
// LEB128

/** A LEB128 read: its value (as a double, exact up to 2^53) and its length in bytes. */
interface Leb {
  value: number;
  len: number;
}

/** Reads an unsigned LEB128 of at most 10 bytes at `at`; null if it runs off the end or on. */
function readLeb(bytes: Uint8Array, at: number): Leb | null {
  let value = 0, scale = 1;
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const b = bytes[at + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, len: i + 1 };
  }
  return null;
}

/** Reads a signed LEB128 (as an i32 value when it fits) at `at`; null like {@linkcode readLeb}. */
function readSleb(bytes: Uint8Array, at: number): Leb | null {
  const u = readLeb(bytes, at);
  if (u === null) return null;
  const bits = 7 * u.len;
  const signed = bytes[at + u.len - 1] & 0x40 ? u.value - 2 ** bits : u.value;
  return { value: signed, len: u.len };
}

/**
 * Unsigned LEB128 of `value` (a non-negative integer below 2^53), padded with
 * continuation bytes to at least `minLen` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uleb } from "./mutate.ts";
 * assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
 * assert.deepEqual(uleb(1, 3), [0x81, 0x80, 0x00]);
 * ```
 */
export function uleb(value: number, minLen = 1): number[] {
  const out: number[] = [];
  do {
    const b = value % 128;
    value = Math.floor(value / 128);
    out.push(b | 0x80);
  } while (value > 0 || out.length < minLen);
  out[out.length - 1] &= 0x7f;
  return out;
}

/**
 * Signed LEB128 of `value` (an integer of magnitude below 2^53), padded with
 * sign-extension continuation bytes to at least `minLen` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleb } from "./mutate.ts";
 * assert.deepEqual(sleb(-1), [0x7f]);
 * assert.deepEqual(sleb(-1, 3), [0xff, 0xff, 0x7f]);
 * ```
 */
export function sleb(value: number, minLen = 1): number[] {
  const out: number[] = [];
  for (;;) {
    const b = ((value % 128) + 128) % 128;
    value = Math.floor(value / 128);
    const done = (value === 0 && !(b & 0x40)) || (value === -1 && (b & 0x40));
    if (done && out.length + 1 >= minLen) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// ---------------------------------------------------------------------------
// Framing

/** An unsigned LEB128 size field that encloses other bytes (a section's or a body's). */
export interface SizeField {
  /** Offset of the field. */
  at: number;
  /** Its length in bytes. */
  len: number;
  /** Its value. */
  value: number;
}

/** One section of a binary. */
export interface Section {
  /** Section id (0 = custom). */
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset just past the payload. */
  end: number;
  /** The size field. */
  size: SizeField;
}

/** What a LEB128 field holds; `"const"` ones are signed. */
export type LebKind = "size" | "count" | "index" | "immediate" | "const";

/** A LEB128 field of a binary and the size fields that enclose it, innermost first. */
export interface LebSite {
  /** Offset of the field. */
  at: number;
  /** Its length in bytes. */
  len: number;
  /** What it holds. */
  kind: LebKind;
  /** The size fields around it, innermost first: a rewrite adjusts them. */
  frames: SizeField[];
}

const HEADER = 8;

/**
 * The sections of a binary with a valid header and well-formed section
 * framing; null otherwise (then only blind mutators apply).
 */
export function parseSections(bytes: Uint8Array): Section[] | null {
  if (bytes.length < HEADER) return null;
  const out: Section[] = [];
  let at = HEADER;
  while (at < bytes.length) {
    const sizeLeb = readLeb(bytes, at + 1);
    if (sizeLeb === null || sizeLeb.len > 5) return null;
    const payload = at + 1 + sizeLeb.len;
    const end = payload + sizeLeb.value;
    if (end > bytes.length) return null;
    out.push({ id: bytes[at], start: at, end, size: { at: at + 1, ...sizeLeb } });
    at = end;
  }
  return out;
}

/** Sections whose payload starts with a vector count. */
const VECTOR_SECTIONS = new Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
const FUNCTION_SECTION = 3;
const CODE_SECTION = 10;

/**
 * Opcodes followed by one u32 index immediate: br, br_if, call, local.get/
 * set/tee, global.get/set, table.get/set, ref.func.
 */
const INDEX_OPS = new Set([0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2]);
/** Opcodes followed by a memarg (align, then offset): the loads and stores. */
const isMemOp = (op: number) => op >= 0x28 && op <= 0x3e;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const BR_TABLE = 0x0e;

/**
 * Every LEB128 field of `bytes` that the mutators know about: section sizes
 * and vector counts, the function section's type indices, each body's size,
 * local declaration count and group counts, and the immediates of the
 * instructions above wherever their opcode byte occurs in a body.
 */
export function lebSites(bytes: Uint8Array, sections: readonly Section[]): LebSite[] {
  const sites: LebSite[] = [];
  const add = (at: number, kind: LebKind, frames: SizeField[], limit: number): number => {
    const leb = kind === "const" ? readSleb(bytes, at) : readLeb(bytes, at);
    if (leb === null || at + leb.len > limit) return -1;
    sites.push({ at, len: leb.len, kind, frames });
    return leb.value;
  };
  for (const s of sections) {
    sites.push({ at: s.size.at, len: s.size.len, kind: "size", frames: [] });
    if (!VECTOR_SECTIONS.has(s.id)) continue;
    const frames = [s.size];
    const payload = s.size.at + s.size.len;
    const count = add(payload, "count", frames, s.end);
    if (count < 0) continue;
    let at = payload + sites[sites.length - 1].len;
    if (s.id === FUNCTION_SECTION) {
      for (let i = 0; i < count && at < s.end; i++) {
        if (add(at, "index", frames, s.end) < 0) break;
        at += sites[sites.length - 1].len;
      }
    } else if (s.id === CODE_SECTION) {
      for (const body of codeBodies(bytes, s)) {
        sites.push({ at: body.at, len: body.len, kind: "size", frames });
        bodySites(bytes, body, [body, s.size], add);
      }
    }
  }
  return sites;
}

/** The size fields of the bodies of a code section (as far as they are well framed). */
function codeBodies(bytes: Uint8Array, s: Section): SizeField[] {
  const out: SizeField[] = [];
  const payload = s.size.at + s.size.len;
  const count = readLeb(bytes, payload);
  if (count === null) return out;
  let at = payload + count.len;
  for (let i = 0; i < count.value && at < s.end; i++) {
    const size = readLeb(bytes, at);
    if (size === null || at + size.len + size.value > s.end) break;
    out.push({ at, ...size });
    at += size.len + size.value;
  }
  return out;
}

/** The local declarations of one body, then the guessed instruction immediates. */
function bodySites(
  bytes: Uint8Array,
  body: SizeField,
  frames: SizeField[],
  add: (at: number, kind: LebKind, frames: SizeField[], limit: number) => number,
): void {
  const end = body.at + body.len + body.value;
  let at = body.at + body.len;
  const groups = add(at, "count", frames, end);
  if (groups < 0) return;
  at += readLeb(bytes, at)!.len;
  for (let g = 0; g < groups && at < end; g++) {
    const n = add(at, "count", frames, end);
    if (n < 0) return;
    at += readLeb(bytes, at)!.len + 1; // the count, then the value type
  }
  for (; at < end - 1; at++) {
    const op = bytes[at];
    if (INDEX_OPS.has(op)) add(at + 1, "index", frames, end);
    else if (op === BR_TABLE) add(at + 1, "count", frames, end);
    else if (op === I32_CONST || op === I64_CONST) add(at + 1, "const", frames, end);
    else if (isMemOp(op) && add(at + 1, "immediate", frames, end) >= 0) {
      const align = readLeb(bytes, at + 1)!;
      add(at + 1 + align.len, "immediate", frames, end);
    }
  }
}

/** One replacement of `len` bytes at `at`. */
interface Edit {
  at: number;
  len: number;
  bytes: readonly number[];
}

/** Applies non-overlapping edits. */
function applyEdits(src: Uint8Array, edits: Edit[]): Uint8Array<ArrayBuffer> {
  edits.sort((a, b) => a.at - b.at);
  let size = src.length;
  for (const e of edits) size += e.bytes.length - e.len;
  const out = new Uint8Array(size);
  let from = 0, to = 0;
  for (const e of edits) {
    out.set(src.subarray(from, e.at), to);
    to += e.at - from;
    out.set(e.bytes, to);
    to += e.bytes.length;
    from = e.at + e.len;
  }
  out.set(src.subarray(from), to);
  return out;
}

/**
 * Replaces the LEB128 field at `site` with `replacement` and rewrites the
 * size fields around it (innermost first, each growing by what the ones
 * inside it grew), so the framing stays consistent.
 */
export function rewriteLeb(
  bytes: Uint8Array,
  site: LebSite,
  replacement: readonly number[],
): Uint8Array<ArrayBuffer> {
  const edits: Edit[] = [{ at: site.at, len: site.len, bytes: replacement }];
  let delta = replacement.length - site.len;
  for (const f of site.frames) {
    const enc = uleb(Math.max(0, f.value + delta), f.len);
    edits.push({ at: f.at, len: f.len, bytes: enc });
    delta += enc.length - f.len;
  }
  return applyEdits(bytes, edits);
}

// ---------------------------------------------------------------------------
// Mutators

/** What a mutator sees: the input, a donor module for splicing, and the case's PRNG. */
export interface MutationInput {
  /** The module to mutate (never modified). */
  bytes: Uint8Array;
  /** Another module, the source of spliced sections. */
  donor: Uint8Array;
  /** The case's PRNG. */
  rng: Rng;
}

/** A mutator: a new binary, or null when it does not apply to this input. */
export type Mutator = (input: MutationInput) => Uint8Array<ArrayBuffer> | null;

/** Cuts the binary short: densely just after the header, anywhere otherwise. */
function truncate({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> {
  const cut = rng.next() < 0.25 ? rng.int(Math.min(bytes.length, 64)) : rng.int(bytes.length);
  return bytes.slice(0, cut);
}

/** Flips one to three random bits. */
function bitflip({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  if (bytes.length === 0) return null;
  const out = bytes.slice();
  for (let n = 1 + rng.int(3); n > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
}

/** Bytes that stress LEB128 readers (0xff, 0x80), zero counts and sizes, or end expressions. */
const SMASH_BYTES = [0xff, 0x80, 0x00, 0x7f, 0x0b, 0x40];

/** Overwrites, inserts or deletes a few bytes. */
function smash({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  if (bytes.length === 0) return null;
  const at = rng.int(bytes.length);
  const n = 1 + rng.int(4);
  const fill = () => rng.next() < 0.7 ? rng.pick(SMASH_BYTES) : rng.int(256);
  const edit = rng.int(3);
  if (edit === 0) {
    const out = bytes.slice();
    for (let i = 0; i < n && at + i < out.length; i++) out[at + i] = fill();
    return out;
  }
  const inserted = edit === 1 ? Array.from({ length: n }, fill) : [];
  return applyEdits(bytes, [{
    at,
    len: edit === 1 ? 0 : Math.min(n, bytes.length - at),
    bytes: inserted,
  }]);
}

/** Values that sit on the edges of 32-bit LEB128 readers. */
const EDGE_VALUES = [
  0,
  1,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 35 - 1,
  2 ** 28,
  2 ** 53 - 1,
];

/**
 * The ways to rewrite one LEB128 field; an overlong encoding of the same
 * value within 5 bytes (10 for i64.const) is valid, the others are not.
 */
function lebVariant(bytes: Uint8Array, site: LebSite, rng: Rng): number[] {
  const signed = site.kind === "const";
  const value = (signed ? readSleb(bytes, site.at) : readLeb(bytes, site.at))!.value;
  const enc = signed ? sleb : uleb;
  const max = signed && bytes[site.at - 1] === I64_CONST ? 10 : 5;
  switch (rng.int(6)) {
    case 0: // overlong, still within the limit
      return enc(value, Math.min(max, site.len + 1 + rng.int(max)));
    case 1: // overlong beyond the limit
      return enc(value, max + 1 + rng.int(4));
    case 2: // an edge value, minimally or overlong
      return uleb(rng.pick(EDGE_VALUES), rng.next() < 0.5 ? 1 : max);
    case 3: { // fifth byte with bits beyond the 32 (or its continuation bit set)
      const low = uleb(value % 2 ** 28, 4).map((b) => b | 0x80);
      return [...low, rng.pick([0x10, 0x20, 0x40, 0x70, 0x7f, 0x8f, 0x1f])];
    }
    case 4: // off by one
      return enc(Math.max(0, value + (rng.next() < 0.5 ? 1 : -1)));
    default: // a small random value
      return enc(rng.int(signed ? 256 : 64) - (signed ? 128 : 0));
  }
}

/** Re-encodes one known LEB128 field: overlong, oversized, or a nearby value. */
function leb({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  if (sections === null) return null;
  const sites = lebSites(bytes, sections);
  if (sites.length === 0) return null;
  const site = rng.pick(sites);
  return rewriteLeb(bytes, site, lebVariant(bytes, site, rng));
}

/** A random instruction's bytes: any opcode, a 0xfc or 0xfd one, or a block start. */
function randomInstr(rng: Rng): number[] {
  switch (rng.int(5)) {
    case 0:
      return [0xfc, ...uleb(rng.int(20))];
    case 1: // a SIMD opcode and a few immediate bytes (lane indices, memargs, v128 halves)
      return [
        0xfd,
        ...uleb(rng.int(0x120)),
        ...Array.from({ length: rng.int(4) }, () => rng.int(256)),
      ];
    case 2: // block, loop, if with a block type: empty, a value type, or a type index
      return [0x02 + rng.int(3), rng.pick([0x40, 0x7f, 0x7e, 0x7b, 0x70, 0x00, 0x01, 0x05])];
    case 3:
      return [rng.pick([0x0b, 0x05, 0x0f, 0x1a, 0x1b, 0x00, 0x01])];
    default:
      return [rng.int(0xd3), ...Array.from({ length: rng.int(3) }, () => rng.int(128))];
  }
}

/**
 * Inserts, deletes or replaces a few instructions' worth of bytes inside a
 * function body, fixing up the body and section sizes, so the validator sees
 * instruction sequences no compiler writes.
 */
function instr({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  const code = sections?.find((s) => s.id === CODE_SECTION);
  if (code === undefined) return null;
  const bodies = codeBodies(bytes, code);
  if (bodies.length === 0) return null;
  const body = rng.pick(bodies);
  const start = body.at + body.len, end = start + body.value;
  const at = start + rng.int(body.value);
  const len = rng.next() < 0.5 ? 0 : Math.min(end - at, 1 + rng.int(3));
  const insert = rng.next() < 0.2 && len > 0 ? [] : randomInstr(rng);
  return rewriteLeb(bytes, { at, len, kind: "immediate", frames: [body, code.size] }, insert);
}

/** Value, reference and block type codes, and the function type form. */
const TYPE_CODES = [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x40, 0x60];

/**
 * Swaps one type code for another (or for a code no type has): the module
 * keeps its framing and often its well-formedness, so the validator's type
 * checks get mutants that differ from a valid module in one type.
 */
function valtype({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const at: number[] = [];
  for (let i = HEADER; i < bytes.length; i++) if (TYPE_CODES.includes(bytes[i])) at.push(i);
  if (at.length === 0) return null;
  const out = bytes.slice();
  out[rng.pick(at)] = rng.next() < 0.9 ? rng.pick(TYPE_CODES) : rng.pick([0x7a, 0x71, 0x6e, 0x63]);
  return out;
}

/**
 * Inserts, deletes or overwrites a few bytes inside one section's payload
 * (a function body's, when it lands in one) and fixes up the sizes, so the
 * damage reaches the section's reader instead of its size check.
 */
function inside({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes)?.filter((s) => s.end > s.size.at + s.size.len);
  if (!sections?.length) return null;
  const s = rng.pick(sections);
  const payload = s.size.at + s.size.len;
  const at = payload + rng.int(s.end - payload);
  const frames = [s.size];
  if (s.id === CODE_SECTION) {
    const body = codeBodies(bytes, s).find((b) =>
      b.at + b.len <= at && at < b.at + b.len + b.value
    );
    if (body !== undefined) frames.unshift(body);
  }
  const end = frames[0].at + frames[0].len + frames[0].value;
  const len = rng.next() < 0.4 ? 0 : Math.min(end - at, 1 + rng.int(4));
  const n = len === 0 ? 1 + rng.int(4) : rng.next() < 0.3 ? 0 : len;
  const fill = Array.from(
    { length: n },
    () => rng.next() < 0.6 ? rng.pick(SMASH_BYTES) : rng.int(256),
  );
  return rewriteLeb(bytes, { at, len, kind: "immediate", frames }, fill);
}

/** Counts that would exhaust memory if something allocated that many entries up front. */
const HUGE = [2 ** 32 - 1, 2 ** 31, 2 ** 30, 2 ** 28, 2 ** 24, 2 ** 20, 100_000];

/** Replaces a vector count, body size or br_table length with a huge value. */
function hugeCount({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  if (sections === null) return null;
  const sites = lebSites(bytes, sections).filter((s) => s.kind === "count" || s.kind === "size");
  if (sites.length === 0) return null;
  return rewriteLeb(bytes, rng.pick(sites), uleb(rng.pick(HUGE)));
}

/** Concatenates the header of `bytes` and the given sections (slices of `from`). */
function assemble(
  bytes: Uint8Array,
  parts: { from: Uint8Array; s: Section }[],
): Uint8Array<ArrayBuffer> {
  let size = HEADER;
  for (const p of parts) size += p.s.end - p.s.start;
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, HEADER));
  let at = HEADER;
  for (const p of parts) {
    out.set(p.from.subarray(p.s.start, p.s.end), at);
    at += p.s.end - p.s.start;
  }
  return out;
}

/** Swaps two sections or moves one elsewhere. */
function reorder({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  if (sections === null || sections.length < 2) return null;
  const parts = sections.map((s) => ({ from: bytes, s }));
  const i = rng.int(parts.length), j = rng.int(parts.length);
  if (rng.next() < 0.5) [parts[i], parts[j]] = [parts[j], parts[i]];
  else parts.splice(j, 0, ...parts.splice(i, 1));
  return assemble(bytes, parts);
}

/** Repeats a section, next to itself or elsewhere. */
function duplicate({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  if (sections === null || sections.length === 0) return null;
  const parts = sections.map((s) => ({ from: bytes, s }));
  const i = rng.int(parts.length);
  parts.splice(rng.next() < 0.5 ? i : rng.int(parts.length + 1), 0, parts[i]);
  return assemble(bytes, parts);
}

/** Drops one section. */
function remove({ bytes, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes);
  if (sections === null || sections.length === 0) return null;
  const parts = sections.map((s) => ({ from: bytes, s }));
  parts.splice(rng.int(parts.length), 1);
  return assemble(bytes, parts);
}

/** Puts a section of the donor in place of one of the input's sections (or beside it). */
function splice({ bytes, donor, rng }: MutationInput): Uint8Array<ArrayBuffer> | null {
  const sections = parseSections(bytes), given = parseSections(donor);
  if (sections === null || given === null || given.length === 0) return null;
  const parts = sections.map((s) => ({ from: bytes, s }));
  const d = rng.pick(given);
  // Prefer the input's section of the same id, so the result is often well ordered.
  let at = parts.findIndex((p) => p.s.id === d.id);
  const replace = at >= 0 && rng.next() < 0.7;
  if (at < 0) at = rng.int(parts.length + 1);
  parts.splice(at, replace ? 1 : 0, { from: donor, s: d });
  return assemble(bytes, parts);
}

/** Every mutator by name, in a fixed order (case generation depends on it). */
export const MUTATORS: Readonly<Record<string, Mutator>> = {
  truncate,
  bitflip,
  smash,
  leb,
  hugeCount,
  instr,
  valtype,
  inside,
  reorder,
  duplicate,
  remove,
  splice,
};

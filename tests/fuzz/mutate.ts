/**
 * Structure-aware mutators for module binaries, used by the decoder fuzzer
 * (`decoder.ts`). Every mutator is a pure function of its inputs and a seeded
 * {@linkcode Rng}, so a case is reproduced from its seed alone.
 *
 * Besides blind byte damage (bit flips, truncation, byte smashes), the
 * mutators rewrite LEB128 fields, instructions and whole sections through
 * the binary framing of `framing.ts`, which fixes up the sizes enclosing a
 * rewrite, so the mutant gets past the framing checks and reaches the reader
 * under test. Like `framing.ts`, this file shares no code with
 * `runtime/binary`: the fuzzer must not inherit the bugs of what it tests.
 *
 * @module
 */

import {
  applyEdits,
  CODE_SECTION,
  codeBodies,
  HEADER,
  I64_CONST,
  type LebSite,
  lebSites,
  parseSections,
  readLeb,
  readSleb,
  rewriteLeb,
  type Section,
  sleb,
  uleb,
} from "./framing.ts";

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

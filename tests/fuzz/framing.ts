/**
 * The framing of module binaries, as the decoder fuzzer's mutators see it:
 * LEB128 reading and encoding (including padded, overlong encodings), the
 * section list (id and size), the LEB128 fields whose position is certain —
 * section sizes, vector counts, function type indices, body sizes and local
 * declarations — plus the immediates of a few common instructions, found by
 * scanning bodies for their opcode bytes (a guess: a match may sit inside
 * another immediate, which only makes a mutant stranger), and byte edits
 * that fix up the sizes enclosing them, so a mutant gets past the framing
 * checks and reaches the reader under test.
 *
 * This file is a second, deliberately small and independent reading of the
 * binary format: it shares no code with `runtime/binary` (nor with
 * `runtime/opcodes.ts`), so the fuzzer does not inherit the bugs of the
 * decoder it tests. It is also lenient where the decoder is strict — it
 * reads LEB128s of up to 10 bytes and never checks section order or ids —
 * because its inputs are often already damaged.
 *
 * @module
 */

// ---------------------------------------------------------------------------
// LEB128

/** A LEB128 read: its value (as a double, exact up to 2^53) and its length in bytes. */
export interface Leb {
  /** The value read. */
  value: number;
  /** The length of its encoding in bytes. */
  len: number;
}

/** Reads an unsigned LEB128 of at most 10 bytes at `at`; null if it runs off the end or on. */
export function readLeb(bytes: Uint8Array, at: number): Leb | null {
  let value = 0, scale = 1;
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const b = bytes[at + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, len: i + 1 };
  }
  return null;
}

/**
 * Reads a signed LEB128 at `at`; null like {@linkcode readLeb}. The value is
 * exact for encodings of up to 7 bytes; a longer one (an overlong or large
 * i64.const) is rounded through the double — harmless here, since the
 * mutators only use the value to derive a variant.
 */
export function readSleb(bytes: Uint8Array, at: number): Leb | null {
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
 * import { uleb } from "./framing.ts";
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
 * import { sleb } from "./framing.ts";
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

/** Length of the preamble (magic and version) that precedes the first section. */
export const HEADER = 8;

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
/** Id of the code section, the one whose bodies {@linkcode codeBodies} frames. */
export const CODE_SECTION = 10;

/**
 * Opcodes followed by one u32 index immediate: br, br_if, call, local.get/
 * set/tee, global.get/set, table.get/set, ref.func.
 */
const INDEX_OPS = new Set([0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2]);
/** Opcodes followed by a memarg (align, then offset): the loads and stores. */
const isMemOp = (op: number) => op >= 0x28 && op <= 0x3e;
const I32_CONST = 0x41;
/** The opcode of i64.const, whose signed immediate may take up to 10 bytes. */
export const I64_CONST = 0x42;
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
export function codeBodies(bytes: Uint8Array, s: Section): SizeField[] {
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
export interface Edit {
  /** Offset of the replaced bytes. */
  at: number;
  /** How many bytes are replaced (0 for an insertion). */
  len: number;
  /** What replaces them (empty for a deletion). */
  bytes: readonly number[];
}

/**
 * A copy of `src` with non-overlapping edits applied (sorting `edits` by
 * offset in place); no size field is adjusted — {@linkcode rewriteLeb} does.
 */
export function applyEdits(src: Uint8Array, edits: Edit[]): Uint8Array<ArrayBuffer> {
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

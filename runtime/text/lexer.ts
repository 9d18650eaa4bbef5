/**
 * The lexer: one pass over the UTF-8 source with byte codes, producing the
 * tokens as parallel typed arrays (kind, start, end, value), no object per
 * token.
 *
 * - `(` and `)`: an opening parenthesis's value is the index of its closing
 *   one (the token count when unclosed), so the parser can skip a whole
 *   field or count its items.
 * - strings: checked here (escapes, control characters, UTF-8); the value is
 *   1 when the string has escapes, so decoding can take a fast path.
 * - identifiers `$x`: interned ({@linkcode Symbols}); the value is the
 *   symbol number, so name resolution keys maps by integers.
 * - atoms (keywords, numbers, `offset=4`): the value is the keyword id when
 *   the atom is a keyword (see `keywords.ts`), else -1.
 * - reserved: any other run of characters, e.g. an atom glued to a string
 *   (`$l"a"`) or a stray `,`. The spec lexer rejects these; we keep them as
 *   tokens and the parser reports "unknown operator" where it meets one.
 *
 * Comments (`;;` to end of line, nested `(; ;)`) and white space are skipped.
 *
 * @module
 */

import { TextError } from "./errors.ts";
import { HASH_SEED, hashStep, lookupKeyword } from "./keywords.ts";

/** Token kinds. */
export const Tok = {
  /** `(` */
  lparen: 0,
  /** `)` */
  rparen: 1,
  /** a string literal */
  string: 2,
  /** an identifier `$x` */
  id: 3,
  /** a keyword, number or other run of identifier characters */
  atom: 4,
  /** a run of characters that is no token of the text format */
  reserved: 5,
} as const;

/** The tokens of a source text, as parallel arrays indexed by token number. */
export interface Tokens {
  /** The UTF-8 source. */
  readonly src: Uint8Array;
  /** Number of tokens. */
  readonly count: number;
  /** {@linkcode Tok} of each token. */
  readonly kind: Uint8Array;
  /** Byte offset where each token starts. */
  readonly start: Uint32Array;
  /** Byte offset just past each token. */
  readonly end: Uint32Array;
  /** Per kind: matching `)` index, keyword id, symbol number, or "has escapes". */
  readonly value: Int32Array;
  /** The interned identifiers. */
  readonly symbols: Symbols;
}

// Character classes of the ASCII range.
const IDCHAR = 1;
const SPACE = 2;
const CLASS = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = IDCHAR;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = IDCHAR;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = IDCHAR;
for (const ch of "!#$%&'*+-./:<=>?@\\^_`|~") CLASS[ch.charCodeAt(0)] = IDCHAR;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) CLASS[c] = SPACE;

const QUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const SEMI = 0x3b;
const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

/**
 * Identifiers interned to dense symbol numbers. Symbols are compared as
 * integers; {@linkcode Symbols.text} builds the string only when needed
 * (names section, error messages).
 */
export class Symbols {
  #src: Uint8Array;
  #table = new Int32Array(256).fill(-1);
  #hashes = new Int32Array(256);
  #starts: number[] = [];
  #ends: number[] = [];
  #texts: (string | undefined)[] = [];

  /** Creates an empty table over `src`. */
  constructor(src: Uint8Array) {
    this.#src = src;
  }

  /** Number of distinct identifiers. */
  get size(): number {
    return this.#starts.length;
  }

  /** The symbol of `src[start, end)` (hash `h`), adding it when new. */
  intern(start: number, end: number, h: number): number {
    const src = this.#src;
    const len = end - start;
    let mask = this.#table.length - 1;
    let slot = h & mask;
    for (;;) {
      const sym = this.#table[slot];
      if (sym < 0) break;
      if (this.#hashes[slot] === h && this.#ends[sym] - this.#starts[sym] === len) {
        const s = this.#starts[sym];
        let i = 0;
        while (i < len && src[s + i] === src[start + i]) i++;
        if (i === len) return sym;
      }
      slot = (slot + 1) & mask;
    }
    const sym = this.#starts.length;
    this.#starts.push(start);
    this.#ends.push(end);
    this.#texts.push(undefined);
    if ((sym + 1) * 2 > this.#table.length) {
      this.#grow();
      mask = this.#table.length - 1;
      slot = h & mask;
      while (this.#table[slot] >= 0) slot = (slot + 1) & mask;
    }
    this.#table[slot] = sym;
    this.#hashes[slot] = h;
    return sym;
  }

  #grow(): void {
    const oldTable = this.#table;
    const oldHashes = this.#hashes;
    const size = oldTable.length * 2;
    this.#table = new Int32Array(size).fill(-1);
    this.#hashes = new Int32Array(size);
    for (let i = 0; i < oldTable.length; i++) {
      if (oldTable[i] < 0) continue;
      let slot = oldHashes[i] & (size - 1);
      while (this.#table[slot] >= 0) slot = (slot + 1) & (size - 1);
      this.#table[slot] = oldTable[i];
      this.#hashes[slot] = oldHashes[i];
    }
  }

  /** The identifier's text, `$` included. */
  text(sym: number): string {
    let t = this.#texts[sym];
    if (t === undefined) {
      // Identifier characters are ASCII.
      t = String.fromCharCode.apply(
        null,
        this.#src.subarray(this.#starts[sym], this.#ends[sym]) as unknown as number[],
      );
      this.#texts[sym] = t;
    }
    return t;
  }
}

/**
 * Splits `src` into tokens.
 *
 * @throws {TextError} on an unclosed comment or string, a bad escape or
 * control character in a string, or malformed UTF-8.
 *
 * @example
 * ```ts
 * import { lex, Tok } from "./lexer.ts";
 * const t = lex(new TextEncoder().encode("(func $f (nop)) ;; done"));
 * console.assert(t.count === 7 && t.kind[2] === Tok.id && t.value[0] === 6);
 * ```
 */
export function lex(src: Uint8Array): Tokens {
  const n = src.length;
  let cap = (n >> 2) + 64;
  let kind = new Uint8Array(cap);
  let start = new Uint32Array(cap);
  let end = new Uint32Array(cap);
  let value = new Int32Array(cap);
  let open = new Int32Array(64); // token indices of unclosed `(`
  let depth = 0;
  let count = 0;
  const symbols = new Symbols(src);

  const grow = () => {
    cap *= 2;
    const k = new Uint8Array(cap);
    k.set(kind);
    kind = k;
    const s = new Uint32Array(cap);
    s.set(start);
    start = s;
    const e = new Uint32Array(cap);
    e.set(end);
    end = e;
    const v = new Int32Array(cap);
    v.set(value);
    value = v;
  };

  let pos = 0;
  while (pos < n) {
    const c = src[pos];
    const cls = c < 0x80 ? CLASS[c] : 0;
    if (cls === SPACE) {
      pos++;
      continue;
    }
    if (count === cap) grow();
    if (c === LPAREN) {
      if (src[pos + 1] === SEMI) {
        pos = skipBlockComment(src, pos);
        continue;
      }
      if (depth === open.length) {
        const o = new Int32Array(depth * 2);
        o.set(open);
        open = o;
      }
      open[depth++] = count;
      kind[count] = Tok.lparen;
      start[count] = pos;
      end[count] = pos + 1;
      value[count++] = -1;
      pos++;
      continue;
    }
    if (c === RPAREN) {
      // An unmatched `)` is left for the parser, which reports it when it
      // gets there (an earlier error in the text comes first, as in the spec).
      if (depth > 0) value[open[--depth]] = count;
      kind[count] = Tok.rparen;
      start[count] = pos;
      end[count] = pos + 1;
      value[count++] = -1;
      pos++;
      continue;
    }
    if (c === SEMI && src[pos + 1] === SEMI) {
      pos = skipLineComment(src, pos);
      continue;
    }
    // A run of identifier characters and strings: one token if it is one
    // piece, else a reserved token.
    const s = pos;
    let pieces = 0;
    let escapes = 0;
    let h = HASH_SEED;
    let prevString = false;
    for (;;) {
      const d = src[pos];
      if (pos < n && d < 0x80 && CLASS[d] === IDCHAR) {
        if (pieces === 0 || prevString) pieces++;
        prevString = false;
        h = hashStep(h, d);
        pos++;
      } else if (d === QUOTE && pos < n) {
        pieces++;
        prevString = true;
        const r = scanString(src, pos);
        escapes = r < 0 ? 1 : 0;
        pos = r < 0 ? -r : r;
      } else {
        break;
      }
    }
    start[count] = s;
    if (pos === s) {
      // Not a token character: a stray `;`, `,`, `[`, or a non-ASCII character.
      pos = c < 0x80 ? pos + 1 : skipUtf8(src, pos);
      kind[count] = Tok.reserved;
      value[count] = -1;
    } else if (pieces > 1) {
      kind[count] = Tok.reserved;
      value[count] = -1;
    } else if (prevString) {
      kind[count] = Tok.string;
      value[count] = escapes;
    } else if (c === DOLLAR && pos - s > 1) {
      kind[count] = Tok.id;
      value[count] = symbols.intern(s, pos, h);
    } else {
      kind[count] = Tok.atom;
      value[count] = c >= 0x61 && c <= 0x7a ? lookupKeyword(src, s, pos, h) : -1;
    }
    end[count++] = pos;
  }
  // Unclosed `(`s "close" at the end; the parser reports the missing `)` there.
  while (depth > 0) value[open[--depth]] = count;
  return { src, count, kind, start, end, value, symbols };
}

/**
 * Checks the string starting at the quote `src[pos]`; returns the offset
 * after the closing quote, negated when the string has escapes.
 */
function scanString(src: Uint8Array, pos: number): number {
  const n = src.length;
  const open = pos;
  let escapes = false;
  pos++;
  for (;;) {
    if (pos >= n) throw new TextError("unclosed string", src, open);
    const c = src[pos];
    if (c === QUOTE) return escapes ? -(pos + 1) : pos + 1;
    if (c === BACKSLASH) {
      escapes = true;
      pos = scanEscape(src, pos);
    } else if (c < 0x20 || c === 0x7f) {
      if (c === 0x0a) throw new TextError("unclosed string", src, open);
      throw new TextError("illegal control character in string", src, pos);
    } else if (c >= 0x80) {
      pos = skipUtf8(src, pos);
    } else {
      pos++;
    }
  }
}

/** Checks the escape at the backslash `src[pos]`; returns the offset after it. */
function scanEscape(src: Uint8Array, pos: number): number {
  const e = src[pos + 1];
  switch (e) {
    case 0x74: // t
    case 0x6e: // n
    case 0x72: // r
    case 0x22: // "
    case 0x27: // '
    case 0x5c: // \
      return pos + 2;
    case 0x75: { // u{hex+}
      if (src[pos + 2] !== 0x7b) break;
      let p = pos + 3;
      let v = 0;
      let digits = 0;
      for (;;) {
        const d = hexValue(src[p]);
        if (d >= 0) {
          v = v * 16 + d;
          digits++;
          p++;
        } else if (src[p] === 0x5f && digits > 0 && hexValue(src[p + 1]) >= 0) {
          p++;
        } else {
          break;
        }
      }
      if (digits === 0 || src[p] !== 0x7d) break;
      if (v >= 0x110000 || (v >= 0xd800 && v < 0xe000)) {
        throw new TextError("malformed UTF-8 encoding", src, pos);
      }
      return p + 1;
    }
    default:
      if (hexValue(e) >= 0 && hexValue(src[pos + 2]) >= 0) return pos + 3;
  }
  throw new TextError("illegal escape", src, pos);
}

/** Value of a hex digit byte, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Checks the UTF-8 sequence starting at `src[pos]` (a byte >= 0x80);
 * returns the offset after it.
 */
function skipUtf8(src: Uint8Array, pos: number): number {
  const c = src[pos];
  let len = 0;
  let min = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 1;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 2;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 3;
    min = 0x10000;
  } else {
    throw new TextError("malformed UTF-8 encoding", src, pos);
  }
  let v = c & (0x3f >> len);
  for (let i = 1; i <= len; i++) {
    const b = src[pos + i];
    if (b === undefined || (b & 0xc0) !== 0x80) {
      throw new TextError("malformed UTF-8 encoding", src, pos);
    }
    v = (v << 6) | (b & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
    throw new TextError("malformed UTF-8 encoding", src, pos);
  }
  return pos + len + 1;
}

/** Skips a nested block comment starting at `(;`; returns the offset after it. */
function skipBlockComment(src: Uint8Array, pos: number): number {
  const n = src.length;
  const open = pos;
  let depth = 1;
  pos += 2;
  while (depth > 0) {
    if (pos >= n) throw new TextError("unclosed comment", src, open);
    const c = src[pos];
    if (c === LPAREN && src[pos + 1] === SEMI) {
      depth++;
      pos += 2;
    } else if (c === SEMI && src[pos + 1] === RPAREN) {
      depth--;
      pos += 2;
    } else if (c >= 0x80) {
      pos = skipUtf8(src, pos);
    } else {
      pos++;
    }
  }
  return pos;
}

/** Skips a line comment starting at `;;`; returns the offset of the line end. */
function skipLineComment(src: Uint8Array, pos: number): number {
  const n = src.length;
  pos += 2;
  while (pos < n) {
    const c = src[pos];
    if (c === 0x0a || c === 0x0d) break; // a line ends at LF, CR or CR LF
    pos = c >= 0x80 ? skipUtf8(src, pos) : pos + 1;
  }
  return pos;
}

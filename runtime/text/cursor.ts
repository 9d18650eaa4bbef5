/**
 * The parser's view of the token arrays: a position, predicates, consumers,
 * and the literal readers that turn a token into a value or a
 * {@linkcode TextError} with the suite's wording.
 *
 * Error wording follows the reference interpreter: a token that the spec's
 * lexer would not accept at all (an unknown keyword, a malformed number, an
 * atom glued to a string) is "unknown operator <token>"; a good token in the
 * wrong place is "unexpected token".
 *
 * @module
 */

import { TextError } from "./errors.ts";
import { f32Bits, f64Bits } from "./floats.ts";
import { Tok, type Tokens } from "./lexer.ts";
import { int64Bits, intBits, nat32, numShape, Shape, stringBytes, utf8Name } from "./literals.ts";

/** A position in a token stream, with the helpers every parser file uses. */
export class Cursor {
  /** The tokens. */
  readonly toks: Tokens;
  /** The source bytes. */
  readonly src: Uint8Array;
  /** Token kinds (`toks.kind`). */
  readonly kind: Uint8Array;
  /** Token values (`toks.value`). */
  readonly value: Int32Array;
  /** Token start offsets (`toks.start`). */
  readonly start: Uint32Array;
  /** Token end offsets (`toks.end`). */
  readonly end: Uint32Array;
  /** Index of the current token. */
  pos: number;
  /** Scratch for 64-bit literals: low, high word. */
  readonly pair: Int32Array = new Int32Array(2);

  /** A cursor at token `pos`. */
  constructor(toks: Tokens, pos = 0) {
    this.toks = toks;
    this.src = toks.src;
    this.kind = toks.kind;
    this.value = toks.value;
    this.start = toks.start;
    this.end = toks.end;
    this.pos = pos;
  }

  // ---- errors ---------------------------------------------------------------

  /** Throws `phrase` at token `tok`. */
  fail(phrase: string, tok: number = this.pos): never {
    const at = tok < this.toks.count ? this.start[tok] : this.src.length;
    throw new TextError(phrase, this.src, at);
  }

  /** The source text of token `tok`. */
  text(tok: number): string {
    return new TextDecoder().decode(this.src.subarray(this.start[tok], this.end[tok]));
  }

  /**
   * Throws for a token that cannot stand here: "unknown operator X" when the
   * spec's lexer would reject it outright, else "unexpected token".
   */
  unexpected(tok: number = this.pos): never {
    if (tok < this.toks.count && this.isUnknown(tok)) {
      this.fail(`unknown operator ${this.text(tok)}`, tok);
    }
    this.fail(tok >= this.toks.count ? "unexpected end of input" : "unexpected token", tok);
  }

  /** True when token `tok` is no token of the spec's lexer. */
  isUnknown(tok: number): boolean {
    const k = this.kind[tok];
    if (k === Tok.reserved) return true;
    if (k !== Tok.atom || this.value[tok] >= 0) return false;
    const s = this.start[tok];
    const e = this.end[tok];
    if (numShape(this.src, s, e) !== Shape.none) return false;
    // `offset=N` and `align=N` are tokens of their own.
    const v = memargValueStart(this.src, s, e);
    return v < 0 || numShape(this.src, v, e) !== Shape.nat;
  }

  // ---- predicates -------------------------------------------------------------

  /** True at `(`. */
  atLParen(): boolean {
    return this.kind[this.pos] === Tok.lparen;
  }

  /** True at `)` (or at the end of the tokens). */
  atRParen(): boolean {
    return this.pos >= this.toks.count || this.kind[this.pos] === Tok.rparen;
  }

  /** True when token `tok` is `)` (or past the end). */
  atRParenAt(tok: number): boolean {
    return tok >= this.toks.count || this.kind[tok] === Tok.rparen;
  }

  /** True when token `tok` is the keyword `kw`. */
  isKw(tok: number, kw: number): boolean {
    return this.kind[tok] === Tok.atom && this.value[tok] === kw;
  }

  /** The keyword id of an atom at `tok`, else -1. */
  kwAt(tok: number): number {
    return this.kind[tok] === Tok.atom ? this.value[tok] : -1;
  }

  /** At `(` followed by a keyword: that keyword's id; else -1. */
  peekParenKw(): number {
    return this.kind[this.pos] === Tok.lparen ? this.kwAt(this.pos + 1) : -1;
  }

  /** True at `(kw`. */
  atParenKw(kw: number): boolean {
    return this.kind[this.pos] === Tok.lparen && this.isKw(this.pos + 1, kw);
  }

  /** True at an identifier. */
  atId(): boolean {
    return this.kind[this.pos] === Tok.id;
  }

  /** True at a string. */
  atString(): boolean {
    return this.kind[this.pos] === Tok.string;
  }

  /** True at an atom that is an unsigned integer. */
  atNat(): boolean {
    return this.kind[this.pos] === Tok.atom && this.value[this.pos] < 0 &&
      numShape(this.src, this.start[this.pos], this.end[this.pos]) === Shape.nat;
  }

  /** True at an identifier or an unsigned integer (an index). */
  atIndex(): boolean {
    return this.kind[this.pos] === Tok.id || this.atNat();
  }

  // ---- consumers --------------------------------------------------------------

  /** Consumes `(`. */
  lparen(): void {
    if (this.kind[this.pos] !== Tok.lparen) this.unexpected();
    this.pos++;
  }

  /** Consumes `)`. */
  rparen(): void {
    if (this.pos >= this.toks.count || this.kind[this.pos] !== Tok.rparen) this.unexpected();
    this.pos++;
  }

  /** Consumes the keyword `kw`. */
  keyword(kw: number): void {
    if (!this.isKw(this.pos, kw)) this.unexpected();
    this.pos++;
  }

  /** Consumes `(kw` when present; returns whether it was. */
  openIf(kw: number): boolean {
    if (!this.atParenKw(kw)) return false;
    this.pos += 2;
    return true;
  }

  /** Consumes an identifier when present: its symbol, else -1. */
  optId(): number {
    return this.kind[this.pos] === Tok.id ? this.value[this.pos++] : -1;
  }

  /** Skips to just after the `)` closing the `(` at token `open`. */
  skipTo(open: number): void {
    this.pos = this.value[open] + 1;
  }

  /** Consumes a string: its bytes. */
  bytes(): Uint8Array {
    const p = this.pos;
    if (this.kind[p] !== Tok.string) this.unexpected();
    this.pos++;
    return stringBytes(this.src, this.start[p], this.end[p], this.value[p] !== 0);
  }

  /** Consumes a string that must be valid UTF-8 (a name). */
  name(): string {
    const p = this.pos;
    if (this.kind[p] !== Tok.string) this.unexpected();
    // Without escapes the name is decoded in place, with no copy.
    const s = this.value[p] === 0
      ? utf8Name(this.src, this.start[p] + 1, this.end[p] - 1)
      : utf8Name(this.bytes());
    if (s === null) this.fail("malformed UTF-8 encoding", p);
    this.pos = p + 1;
    return s;
  }

  /** Consumes an unsigned 32-bit natural number ("i32 constant out of range" above 2^32 - 1). */
  nat32(): number {
    if (!this.atNat()) this.unexpected();
    const v = nat32(this.src, this.start[this.pos], this.end[this.pos]);
    if (v < 0) this.fail("i32 constant out of range");
    this.pos++;
    return v;
  }

  /** Checks that the token at the cursor is an integer literal; returns its index. */
  #intToken(): number {
    const p = this.pos;
    const shape = this.kind[p] === Tok.atom && this.value[p] < 0
      ? numShape(this.src, this.start[p], this.end[p])
      : Shape.none;
    if (shape !== Shape.nat && shape !== Shape.int) this.unexpected();
    return p;
  }

  /** Consumes an integer literal of `bits` (8, 16, 32) bits: its bits as an int32. */
  int(bits = 32): number {
    const p = this.#intToken();
    const v = intBits(this.src, this.start[p], this.end[p], bits);
    if (v === null) this.fail("constant out of range");
    this.pos++;
    return v;
  }

  /** Consumes an i64 literal into {@linkcode Cursor.pair} (low, high). */
  int64(): Int32Array {
    const p = this.#intToken();
    if (!int64Bits(this.src, this.start[p], this.end[p], this.pair)) {
      this.fail("constant out of range");
    }
    this.pos++;
    return this.pair;
  }

  /** Checks that the token at the cursor is a float literal (integers included). */
  #floatToken(): number {
    const p = this.pos;
    if (this.kind[p] !== Tok.atom || numShape(this.src, this.start[p], this.end[p]) === 0) {
      this.unexpected();
    }
    return p;
  }

  /** Consumes an f32 literal: its bits (as an int32). */
  f32(): number {
    const p = this.#floatToken();
    const bits = f32Bits(this.src, this.start[p], this.end[p]);
    if (bits === -1) this.fail("constant out of range");
    this.pos++;
    return bits | 0;
  }

  /** Consumes an f64 literal into {@linkcode Cursor.pair} (low, high words of its bits). */
  f64(): Int32Array {
    const p = this.#floatToken();
    if (!f64Bits(this.src, this.start[p], this.end[p], this.pair)) {
      this.fail("constant out of range");
    }
    this.pos++;
    return this.pair;
  }
}

/**
 * For an `offset=N` or `align=N` atom `src[s, e)`: the offset of `N`, else -1.
 */
export function memargValueStart(src: Uint8Array, s: number, e: number): number {
  if (hasPrefix(src, s, e, "offset=")) return s + 7;
  if (hasPrefix(src, s, e, "align=")) return s + 6;
  return -1;
}

function hasPrefix(src: Uint8Array, s: number, e: number, prefix: string): boolean {
  if (e - s <= prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (src[s + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

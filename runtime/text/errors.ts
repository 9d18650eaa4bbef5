/**
 * The error of the text phase: a {@linkcode MalformedError} (so a
 * `WebAssembly.CompileError`) whose message is the spec test suite's phrase
 * followed by the source position, `"unknown operator foo (at 3:14)"`.
 *
 * @module
 */

import { MalformedError } from "../errors.ts";

/** Source text that is not a well-formed module or script. */
export class TextError extends MalformedError {
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column (in bytes of the UTF-8 source) of the offending token. */
  readonly column: number;
  /** The phrase alone, without the position. */
  readonly phrase: string;

  /**
   * Creates the error for `phrase` at byte `offset` of `src`; the message
   * becomes `"<phrase> (at line:column)"`.
   *
   * @example
   * ```ts
   * import { TextError } from "./errors.ts";
   * const src = new TextEncoder().encode("(module\n  (funk))");
   * const e = new TextError("unknown operator funk", src, 11);
   * console.assert(e.message === "unknown operator funk (at 2:4)");
   * ```
   */
  constructor(phrase: string, src: Uint8Array, offset: number) {
    const { line, column } = position(src, offset);
    super(phrase);
    this.message = `${phrase} (at ${line}:${column})`;
    this.name = "TextError";
    this.line = line;
    this.column = column;
    this.phrase = phrase;
  }
}

/** The 1-based line and column of byte `offset` in `src`. */
export function position(src: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, src.length);
  for (let i = 0; i < end; i++) {
    if (src[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * The error classes of every phase. Each message starts with the spec test
 * suite's own phrase (`"unexpected end"`, `"type mismatch"`, `"integer divide
 * by zero"`), so a script runner can compare text the way the spec
 * interpreter does: the actual message must *start with* the expected one.
 *
 * @module
 */

function hex(n: number): string {
  return "0x" + n.toString(16);
}

/** A module that is not well-formed: it cannot be decoded (or parsed). */
export class MalformedError extends WebAssembly.CompileError {
  /** Byte offset in the binary where decoding failed (-1 if unknown). */
  readonly offset: number;
  /** Creates the error; the message becomes `"<phrase> (at offset 0x…)"`. */
  constructor(phrase: string, offset = -1) {
    super(offset >= 0 ? `${phrase} (at offset ${hex(offset)})` : phrase);
    this.name = "MalformedError";
    this.offset = offset;
  }
}

/** A well-formed module that fails validation. */
export class InvalidError extends WebAssembly.CompileError {
  /** Byte offset of the offending item (-1 if unknown). */
  readonly offset: number;
  /** Creates the error; the message becomes `"<phrase> (at offset 0x…)"`. */
  constructor(phrase: string, offset = -1) {
    super(offset >= 0 ? `${phrase} (at offset ${hex(offset)})` : phrase);
    this.name = "InvalidError";
    this.offset = offset;
  }
}

/** Instantiation failed to resolve or match an import. */
export class LinkError extends WebAssembly.LinkError {
  /** Creates the error with a spec phrase such as `"incompatible import type"`. */
  constructor(phrase: string) {
    super(phrase);
    this.name = "LinkError";
  }
}

/** A trap: execution stopped with a spec trap message. */
export class Trap extends WebAssembly.RuntimeError {
  /** Creates the trap with a spec phrase such as `"integer divide by zero"`. */
  constructor(phrase: string) {
    super(phrase);
    this.name = "Trap";
  }
}

/** A resource bound was hit (`"call stack exhausted"`, `"all fuel consumed"`). */
export class Exhaustion extends WebAssembly.RuntimeError {
  /** Creates the error with its phrase. */
  constructor(phrase: string) {
    super(phrase);
    this.name = "Exhaustion";
  }
}

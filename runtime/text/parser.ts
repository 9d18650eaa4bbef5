/**
 * A module in the text format: `(module $id? field*)`, or its fields alone
 * (the spec's abbreviation for a module with no `module` wrapper), or the
 * script forms `(module $id? binary "…"*)` and `(module $id? quote "…"*)`.
 *
 * @module
 */

import { decode } from "../binary/decode.ts";
import type { Module } from "../module.ts";
import { Cursor } from "./cursor.ts";
import { KW } from "./keywords.ts";
import { lex } from "./lexer.ts";
import { parseModuleFields } from "./module_fields.ts";

/** Options of {@linkcode parseWat}. */
export interface ParseOptions {
  /**
   * Record the `$id`s of the module, its functions and their locals in
   * `Module.names` (so backtraces can show them). Default true.
   */
  names?: boolean;
}

/** The three ways a script writes a module. */
export type ModuleSource =
  | { kind: "text"; module: Module }
  | { kind: "binary"; bytes: Uint8Array }
  | { kind: "quote"; source: Uint8Array };

/**
 * Reads `(module $id? …)` at the cursor (which must be at its `(`) without
 * parsing a quoted module's text. Returns the `$id` symbol (or -1) and the
 * source; the cursor ends after the `)`.
 */
export function moduleSource(
  c: Cursor,
  options: ParseOptions,
): { id: number; source: ModuleSource } {
  const open = c.pos;
  c.lparen();
  c.keyword(KW.module);
  const id = c.optId();
  const close = c.value[open];
  if (c.isKw(c.pos, KW.binary) || c.isKw(c.pos, KW.quote)) {
    const binary = c.isKw(c.pos, KW.binary);
    c.pos++;
    const parts: Uint8Array[] = [];
    let n = 0;
    while (!c.atRParen()) {
      const b = c.bytes();
      parts.push(b);
      n += b.length;
    }
    c.rparen();
    const bytes = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return { id, source: binary ? { kind: "binary", bytes } : { kind: "quote", source: bytes } };
  }
  const module = parseModuleFields(c, c.pos, close, {
    moduleId: id,
    names: options.names ?? true,
  });
  c.pos = close;
  c.rparen();
  return { id, source: { kind: "text", module } };
}

/** Turns a module source into a module: decodes binaries, parses quoted text. */
export function moduleOf(source: ModuleSource, options: ParseOptions = {}): Module {
  switch (source.kind) {
    case "text":
      return source.module;
    case "binary":
      return decode(source.bytes);
    case "quote":
      return parseModuleText(source.source, options);
  }
}

/**
 * Parses a whole source text holding one module (or bare module fields).
 *
 * @throws {TextError} when the text is not a well-formed module.
 */
export function parseModuleText(src: Uint8Array, options: ParseOptions = {}): Module {
  const toks = lex(src);
  const c = new Cursor(toks);
  if (toks.count > 0 && c.atParenKw(KW.module)) {
    const { source } = moduleSource(c, options);
    if (c.pos < toks.count) c.unexpected();
    return moduleOf(source, options);
  }
  return parseModuleFields(c, 0, toks.count, { moduleId: -1, names: options.names ?? true });
}

/**
 * Text-format renderings of module parts for human eyes: types as
 * `(func (param i32) (result i32))`, limits as `(memory 1 10)`, constant
 * expressions as `i32.const 1024`, names as `$add`.
 *
 * @module
 */

import type {
  Code,
  CompositeType,
  FieldType,
  FuncType,
  GlobalType,
  MemoryType,
  SubType,
  TableType,
} from "../runtime/module.ts";
import { exprInstrs } from "../runtime/text/print_code.ts";
import { valTypeName } from "../runtime/types.ts";

/** `(func (param i32 i32) (result i32))`; `(func)` when both are empty. */
export function funcTypeText(t: FuncType): string {
  let s = "(func";
  if (t.params.length > 0) s += ` (param ${t.params.map(valTypeName).join(" ")})`;
  if (t.results.length > 0) s += ` (result ${t.results.map(valTypeName).join(" ")})`;
  return s + ")";
}

function fieldText(f: FieldType): string {
  const t = f.packed ?? valTypeName(f.type);
  return f.mutable ? `(mut ${t})` : t;
}

/** A composite type: `(func …)`, `(struct (field i32) …)`, `(array (mut i8))`. */
export function compositeTypeText(c: CompositeType): string {
  switch (c.kind) {
    case "func":
      return funcTypeText(c);
    case "struct":
      return `(struct${c.fields.map((f) => ` (field ${fieldText(f)})`).join("")})`;
    case "array":
      return `(array ${fieldText(c.element)})`;
  }
}

/** A type definition; a final type without supertypes prints as its composite type alone. */
export function subTypeText(t: SubType): string {
  const body = compositeTypeText(t.composite);
  if (t.final && t.supers.length === 0) return body;
  const supers = t.supers.map((s) => ` ${s}`).join("");
  return `(sub${t.final ? " final" : ""}${supers} ${body})`;
}

function limitsText(min: number, max: number | null): string {
  return max === null ? `${min}` : `${min} ${max}`;
}

/** `(table 4 8 funcref)`, `(table i64 1 externref)`. */
export function tableTypeText(t: TableType): string {
  const index = t.index64 ? "i64 " : "";
  return `(table ${index}${limitsText(t.min, t.max)} ${valTypeName(t.element)})`;
}

/** `(memory 1 10)`, `(memory i64 1)`, `(memory 1 2 shared)`. */
export function memoryTypeText(t: MemoryType): string {
  const index = t.index64 ? "i64 " : "";
  return `(memory ${index}${limitsText(t.min, t.max)}${t.shared ? " shared" : ""})`;
}

/** `i32` or `(mut i32)`. */
export function globalTypeText(t: GlobalType): string {
  return t.mutable ? `(mut ${valTypeName(t.type)})` : valTypeName(t.type);
}

// Characters allowed in a text-format identifier after `$`.
const ID_CHARS = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/** A name as a text-format identifier: `$add`, or `$"two words"` when it needs quoting. */
export function nameText(name: string): string {
  return ID_CHARS.test(name) ? `$${name}` : `$${JSON.stringify(name)}`;
}

/**
 * A constant expression as flat text, without its final `end`:
 * `i32.const 1024`, `global.get 0`, `i32.const 1 i32.const 2 i32.add`
 * (the printer's own instruction text, every index as a number).
 */
export function constExprText(code: Code): string {
  return exprInstrs(code).join(" ");
}

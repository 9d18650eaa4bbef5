/**
 * Import resolution, as the JS API's "read the imports" step does it: each
 * import of the module is looked up in the imports object and checked
 * against its declared type, in order. The first failure is a
 * {@linkcode LinkError} starting with the spec's phrase ("unknown import",
 * "incompatible import type") and naming the import.
 *
 * Backend-neutral except for what it accepts as tables and globals: kwasm's
 * own {@linkcode Table} and {@linkcode Global} (which keep exact bits), and
 * for immutable globals also numbers, bigints and `WebAssembly.Global`.
 *
 * @module
 */

import type { HostFunction, Imports } from "../engine.ts";
import { LinkError } from "../errors.ts";
import type { GlobalType, Import, Limits, Module, TableType } from "../module.ts";
import { valTypeName } from "../types.ts";
import { type FuncRef, funcRefOf, sigId } from "./func_ref.ts";
import { Global } from "./global.ts";
import { memoryLimits, memoryPages } from "./memory.ts";
import { Table } from "./table.ts";
import { fromJSValue } from "./values.ts";

/** One resolved import, in the module's import order. */
export type ResolvedImport =
  | {
    kind: "func";
    /** The JS function given. */
    value: HostFunction;
    /** The wasm function it stands for, or undefined for a host function. */
    ref: FuncRef | undefined;
  }
  | { kind: "table"; value: Table }
  | { kind: "memory"; value: WebAssembly.Memory }
  | { kind: "global"; value: Global };

function where(imp: Import): string {
  return `"${imp.module}" "${imp.name}"`;
}

function incompatible(imp: Import, why: string): never {
  throw new LinkError(`incompatible import type: ${where(imp)}: ${why}`);
}

function limitsMatch(size: number, max: number | null, want: Limits): boolean {
  if (size < want.min) return false;
  return want.max === null || (max !== null && max <= want.max);
}

function describe(v: unknown): string {
  if (typeof v === "function") return "a function";
  if (v instanceof WebAssembly.Memory) return "a memory";
  if (v instanceof Table || v instanceof WebAssembly.Table) return "a table";
  if (v instanceof Global || v instanceof WebAssembly.Global) return "a global";
  return typeof v;
}

function resolveGlobal(imp: Import, v: unknown, t: GlobalType): Global {
  if (v instanceof Global) {
    if (v.type.type !== t.type || v.type.mutable !== t.mutable) {
      const m = (g: GlobalType) => `${g.mutable ? "mut " : ""}${valTypeName(g.type)}`;
      incompatible(imp, `expected global ${m(t)}, got global ${m(v.type)}`);
    }
    return v;
  }
  const plain = typeof v === "number" || typeof v === "bigint";
  if (!plain && !(v instanceof WebAssembly.Global)) {
    incompatible(imp, `expected a global, got ${describe(v)}`);
  }
  // A JS value or a host engine's global can only be copied, so only
  // immutable globals can be imported that way.
  if (t.mutable) incompatible(imp, "a mutable global must be a kwasm Global");
  try {
    const value = v instanceof WebAssembly.Global ? v.value : v;
    return new Global(t, fromJSValue(t.type, value));
  } catch (e) {
    incompatible(imp, e instanceof Error ? e.message : String(e));
  }
}

function resolveTable(imp: Import, v: unknown, t: TableType): Table {
  if (!(v instanceof Table)) incompatible(imp, `expected a table, got ${describe(v)}`);
  if (v.type.element !== t.element) {
    incompatible(
      imp,
      `expected ${valTypeName(t.element)} table, got ${valTypeName(v.type.element)}`,
    );
  }
  if (!limitsMatch(v.length, v.type.max, t)) incompatible(imp, "table limits do not match");
  return v;
}

/**
 * Resolves every import of `m` from `imports`.
 *
 * @throws {LinkError} for a missing import or one of the wrong kind or type.
 */
export function resolveImports(m: Module, imports: Imports): ResolvedImport[] {
  const out: ResolvedImport[] = [];
  for (const imp of m.imports) {
    const ns = imports[imp.module];
    const v = ns !== undefined && Object.hasOwn(ns, imp.name) ? ns[imp.name] : undefined;
    if (v === undefined) {
      throw new LinkError(`unknown import: ${where(imp)} (${imp.desc.kind})`);
    }
    const d = imp.desc;
    switch (d.kind) {
      case "func": {
        if (typeof v !== "function") incompatible(imp, `expected a function, got ${describe(v)}`);
        const ref = funcRefOf(v);
        const ft = m.types[d.type].composite;
        if (ref !== undefined && ft.kind === "func" && ref.sig !== sigId(ft)) {
          incompatible(imp, "function type does not match");
        }
        out.push({ kind: "func", value: v as HostFunction, ref });
        break;
      }
      case "memory": {
        if (!(v instanceof WebAssembly.Memory)) {
          incompatible(imp, `expected a memory, got ${describe(v)}`);
        }
        if (!limitsMatch(memoryPages(v), memoryLimits(v).max, d.memory)) {
          incompatible(imp, "memory limits do not match");
        }
        out.push({ kind: "memory", value: v });
        break;
      }
      case "table":
        out.push({ kind: "table", value: resolveTable(imp, v, d.table) });
        break;
      case "global":
        out.push({ kind: "global", value: resolveGlobal(imp, v, d.global) });
        break;
      case "tag":
        incompatible(imp, "tags are not supported");
    }
  }
  return out;
}

/** Import resolution: the spec's link errors, and what each kind accepts. */
import assert from "node:assert/strict";
import type { Imports } from "../engine.ts";
import { LinkError } from "../errors.ts";
import { emptyModule, type ImportDesc, type Module } from "../module.ts";
import { ValType } from "../types.ts";
import { Global } from "./global.ts";
import { resolveImports } from "./link.ts";
import { createMemory } from "./memory.ts";
import { Table } from "./table.ts";

function importing(desc: ImportDesc): Module {
  const m = emptyModule();
  m.types.push({
    final: true,
    supers: [],
    composite: { kind: "func", params: [ValType.i32], results: [] },
  });
  m.imports.push({ module: "env", name: "x", desc });
  return m;
}

function linkError(m: Module, imports: Imports, phrase: string): void {
  assert.throws(() => resolveImports(m, imports), (e) => {
    assert.ok(e instanceof LinkError);
    assert.ok(e.message.startsWith(phrase), e.message);
    return true;
  });
}

Deno.test("a missing module or field is an unknown import, naming it", () => {
  const m = importing({ kind: "func", type: 0 });
  linkError(m, {}, 'unknown import: "env" "x"');
  linkError(m, { env: {} }, "unknown import");
});

Deno.test("a value of the wrong kind is an incompatible import type", () => {
  const mem = createMemory({ min: 1, max: null, shared: false, index64: false });
  linkError(importing({ kind: "func", type: 0 }), { env: { x: mem } }, "incompatible import type");
  linkError(
    importing({ kind: "memory", memory: { min: 1, max: null, shared: false, index64: false } }),
    { env: { x: () => {} } },
    "incompatible import type",
  );
});

Deno.test("memory limits: the import's size and maximum must fit", () => {
  const small = createMemory({ min: 1, max: 2, shared: false, index64: false });
  const want = (min: number, max: number | null) =>
    importing({ kind: "memory", memory: { min, max, shared: false, index64: false } });
  assert.equal(resolveImports(want(1, 2), { env: { x: small } })[0].kind, "memory");
  assert.equal(resolveImports(want(0, null), { env: { x: small } })[0].kind, "memory");
  linkError(want(2, null), { env: { x: small } }, "incompatible import type");
  linkError(want(1, 1), { env: { x: small } }, "incompatible import type");
});

Deno.test("globals: type and mutability must match; plain values only for immutable ones", () => {
  const imm = importing({ kind: "global", global: { type: ValType.i32, mutable: false } });
  const mut = importing({ kind: "global", global: { type: ValType.i32, mutable: true } });
  const g = new Global({ type: ValType.i32, mutable: true }, 5);
  const shared = resolveImports(mut, { env: { x: g } })[0];
  assert.ok(shared.kind === "global" && shared.value === g);
  const copied = resolveImports(imm, { env: { x: 42 } })[0];
  assert.ok(copied.kind === "global" && copied.value.value === 42);
  linkError(imm, { env: { x: g } }, "incompatible import type");
  linkError(mut, { env: { x: 42 } }, "incompatible import type");
  const i64 = importing({ kind: "global", global: { type: ValType.i64, mutable: false } });
  linkError(i64, { env: { x: 42 } }, "incompatible import type");
});

Deno.test("tables: element type and limits must match", () => {
  const t = new Table({ element: ValType.funcref, min: 10, max: 20, index64: false });
  const want = (element: number, min: number) =>
    importing({ kind: "table", table: { element, min, max: null, index64: false } });
  assert.equal(resolveImports(want(ValType.funcref, 5), { env: { x: t } })[0].kind, "table");
  linkError(want(ValType.externref, 5), { env: { x: t } }, "incompatible import type");
  linkError(want(ValType.funcref, 11), { env: { x: t } }, "incompatible import type");
});

Deno.test("a plain JS function is a host function of any type", () => {
  const r = resolveImports(importing({ kind: "func", type: 0 }), { env: { x: () => {} } })[0];
  assert.ok(r.kind === "func" && r.ref === undefined);
});

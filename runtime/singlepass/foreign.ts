/**
 * Globals and tables of kwasm's own kind (`runtime/instance`: the objects
 * the interpreter and the spec harness's `spectest` module use) imported into
 * a singlepass instance, which runs on the host engine and can only import
 * `WebAssembly.Global` and `WebAssembly.Table`.
 *
 * An immutable global becomes a `WebAssembly.Global` of the same type and
 * value. A table becomes a `WebAssembly.Table` of the same type with a copy
 * of its elements — a mirror, made once per table so every singlepass
 * instance importing it shares the same one, but not kept in step with the
 * original (the engines cannot share one store). A mutable global cannot be
 * mirrored that way and is refused.
 *
 * @module
 */

import { LinkError } from "../errors.ts";
import { Global } from "../instance/global.ts";
import { Table } from "../instance/table.ts";
import { ValType, valTypeName } from "../types.ts";

const tables = new WeakMap<Table, WebAssembly.Table>();
const globals = new WeakMap<Global, WebAssembly.Global>();

/** The JS API's name of a value type, as `WebAssembly.Global` and `Table` descriptors take it. */
function descriptorType(t: number): string {
  switch (t) {
    case ValType.funcref:
      return "anyfunc";
    case ValType.externref:
      return "externref";
    default:
      return valTypeName(t);
  }
}

/**
 * What the host engine should get for import value `value` of a global or
 * table import: `value` itself, or the mirror of a kwasm object.
 */
export function hostObject(value: unknown, where: string): unknown {
  if (value instanceof Global) {
    let g = globals.get(value);
    if (!g) {
      if (value.type.mutable) {
        throw new LinkError(
          `incompatible import type: ${where}: a mutable global of another engine cannot be shared`,
        );
      }
      const descriptor = { value: descriptorType(value.type.type), mutable: false };
      g = new WebAssembly.Global(descriptor as WebAssembly.GlobalDescriptor, value.value);
      globals.set(value, g);
    }
    return g;
  }
  if (value instanceof Table) {
    let t = tables.get(value);
    if (!t) {
      const descriptor: Record<string, unknown> = {
        element: descriptorType(value.type.element),
        initial: value.length,
      };
      if (value.type.max !== null) descriptor.maximum = value.type.max;
      t = new WebAssembly.Table(descriptor as unknown as WebAssembly.TableDescriptor);
      for (let i = 0; i < value.length; i++) {
        const e = value.get(i);
        if (e === null) continue;
        try {
          t.set(i, e as never);
        } catch {
          throw new LinkError(
            `incompatible import type: ${where}: table element ${i} is a function of another engine`,
          );
        }
      }
      tables.set(value, t);
    }
    return t;
  }
  return value;
}

/**
 * The `spectest` host module, as the spec interpreter defines it: print
 * functions that do nothing visible, four globals holding 666, a funcref
 * table of 10..20 elements, and a memory of 1..2 pages.
 *
 * @module
 */

import type { Imports } from "../engine.ts";
import { Global } from "../instance/global.ts";
import { createMemory } from "../instance/memory.ts";
import { Table } from "../instance/table.ts";
import { ValType } from "../types.ts";

/** A fresh `spectest` module (each script gets its own, as in the reference runner). */
export function spectest(): Imports[string] {
  const print = () => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new Global({ type: ValType.i32, mutable: false }, 666),
    global_i64: new Global({ type: ValType.i64, mutable: false }, 666n),
    // 666.6 rounded to f32 and f64, as bits.
    global_f32: new Global({ type: ValType.f32, mutable: false }, 0x4426_a666),
    global_f64: new Global({ type: ValType.f64, mutable: false }, 0x4084_d4cc_cccc_cccdn),
    table: new Table({ element: ValType.funcref, min: 10, max: 20, index64: false }),
    memory: createMemory({ min: 1, max: 2, shared: false, index64: false }),
  };
}

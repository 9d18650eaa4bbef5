/**
 * The contract between the guarded module that `guard.ts` emits and the
 * instance code that links and runs it: the names of the extra imports and
 * exports, the reason codes of guard traps, and where everything landed.
 *
 * ```text
 *   function index space     original imports | thunks (original indices) | inner bodies |
 *                            raw wrappers and getters | entry thunks
 *   global index space       original imports | depth, reason (imported) | original globals |
 *                            index, fuel
 *   memory index space       original imports | original memories, now imported | interrupt flag
 *                            (or, when no function touches memory: interrupt flag | the rest)
 * ```
 *
 * @module
 */

import type { MemoryType } from "../module.ts";

/** Import module name of everything the guarded module needs from kwasm. */
export const GUARD_MODULE = "kwasm:guard";
/** Imported mutable i32 global: the call depth of the caller of an entry (see `guard.ts`). */
export const DEPTH_IMPORT = "depth";
/** Imported mutable i32 global: why the last guard trapped ({@linkcode Reason}). */
export const REASON_IMPORT = "reason";
/** Imported shared memory whose first i32 is the interrupt flag. */
export const FLAG_IMPORT = "interrupt";
/** Prefix of the imports that replace the module's own memories: `memory0`, `memory1`, … */
export const MEMORY_IMPORT_PREFIX = "memory";

/** Prefix of every export the guard pass adds; chosen so no producer writes it. */
export const EXPORT_PREFIX = "\u0000kwasm:";
/** Export of the start function, which the instance calls itself (so it may suspend). */
export const START_EXPORT = `${EXPORT_PREFIX}start`;
/** Export of the per-instance i32 global holding the table index of the latest `call_indirect`. */
export const INDEX_EXPORT = `${EXPORT_PREFIX}index`;
/** Export of the per-instance fuel global (i64), when fuel is metered. */
export const FUEL_EXPORT = `${EXPORT_PREFIX}fuel`;
/** Prefix of the entry thunk (depth 1) of exported function `index`: `ENTRY_EXPORT_PREFIX + index`. */
export const ENTRY_EXPORT_PREFIX = `${EXPORT_PREFIX}entry:`;
/** Prefix of the exact-bits wrapper of an exported function. */
export const RAW_EXPORT_PREFIX = `${EXPORT_PREFIX}raw:`;
/** Prefix of the exact-bits getter of an exported global. */
export const GET_EXPORT_PREFIX = `${EXPORT_PREFIX}get:`;

/**
 * Why the guarded code executed `unreachable`, as stored in the reason
 * global. A guard stores {@linkcode Reason.guard} and leaves the cause to the
 * host, which reads the state: fuel below zero, else the interrupt flag set,
 * else the depth bound passed.
 */
export const Reason = {
  /** Not a guard: the guest's own `unreachable`. */
  none: 0,
  /** A guard at a function entry or loop header. */
  guard: 1,
  /** A float-to-integer truncation of a NaN ("invalid conversion to integer"). */
  nan: 2,
} as const;

/** Where the guard pass put things, for the instance and the backtrace. */
export interface GuardLayout {
  /** Imported functions (they keep their indices). */
  importedFuncs: number;
  /** Defined functions of the original module (their thunks keep the indices after the imports). */
  definedFuncs: number;
  /** Function index of the inner body of the first defined function. */
  innerBase: number;
  /** Function index of the first raw wrapper (every index from here on is added glue). */
  wrapperBase: number;
  /** The module's own memories, now imports that the instance creates (`memory0`, …). */
  ownMemories: { type: MemoryType }[];
  /** Whether the module had a start function (exported as {@linkcode START_EXPORT}). */
  hasStart: boolean;
  /** Whether fuel is metered ({@linkcode FUEL_EXPORT} exists). */
  fuel: boolean;
  /** The call depth bound compiled in. */
  maxWasmStack: number;
}

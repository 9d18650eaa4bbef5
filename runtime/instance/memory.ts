/**
 * Memories are real `WebAssembly.Memory` objects, so both backends (and
 * host functions, which see an `ArrayBuffer`) share them. This module
 * creates them within kwasm's size bound, remembers the limits they were
 * declared with (the JS API does not expose a memory's maximum, and link
 * checks need it), and grows them the way `memory.grow` must: -1 instead
 * of an exception when the bound or the host refuses.
 *
 * @module
 */

import { LinkError } from "../errors.ts";
import type { MemoryType } from "../module.ts";

/** Bytes in a wasm page. */
export const PAGE_SIZE = 65536;
/** Pages addressable by a 32-bit memory. */
export const MAX_PAGES = 65536;

/** Declared limits of a memory, in pages. */
export interface MemoryLimits {
  /** Initial size. */
  min: number;
  /** Maximum, if declared. */
  max: number | null;
}

const LIMITS = new WeakMap<WebAssembly.Memory, MemoryLimits>();
const BOUNDS = new WeakMap<WebAssembly.Memory, number>();

/** The largest page count allowed by a byte bound (`-W max-memory-size`). */
export function pagesWithin(maxBytes: number | undefined): number {
  return maxBytes === undefined ? MAX_PAGES : Math.min(MAX_PAGES, Math.floor(maxBytes / PAGE_SIZE));
}

/**
 * Creates a memory of type `t`. `maxBytes` bounds its growth beyond the
 * declared maximum; an initial size above it is a {@linkcode LinkError}, as
 * on singlepass: the instance cannot be created, nothing ran that could trap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMemory, growMemory } from "./memory.ts";
 * const mem = createMemory({ min: 1, max: null, shared: false, index64: false }, 2 * 65536);
 * assert.equal(growMemory(mem, 1), 1);
 * assert.equal(growMemory(mem, 1), -1); // would exceed 2 pages
 * ```
 */
export function createMemory(t: MemoryType, maxBytes?: number): WebAssembly.Memory {
  const bound = pagesWithin(maxBytes);
  if (t.min > bound) {
    throw new LinkError(
      `memory of ${t.min} pages exceeds the limit of ${bound} pages (max-memory-size)`,
    );
  }
  const desc: WebAssembly.MemoryDescriptor = { initial: t.min };
  if (t.max !== null) desc.maximum = Math.min(t.max, MAX_PAGES);
  const mem = new WebAssembly.Memory(desc);
  LIMITS.set(mem, { min: t.min, max: t.max });
  BOUNDS.set(mem, bound);
  return mem;
}

/**
 * The limits `mem` was declared with; for a memory kwasm did not create,
 * its current size and no maximum.
 */
export function memoryLimits(mem: WebAssembly.Memory): MemoryLimits {
  return LIMITS.get(mem) ?? { min: mem.buffer.byteLength / PAGE_SIZE, max: null };
}

/** Current size of `mem` in pages. */
export function memoryPages(mem: WebAssembly.Memory): number {
  return mem.buffer.byteLength / PAGE_SIZE;
}

/**
 * `memory.grow`: grows `mem` by `delta` pages and returns the old size, or
 * -1 when that would pass its maximum, the bound it was created with, or
 * what the host can allocate.
 */
export function growMemory(mem: WebAssembly.Memory, delta: number): number {
  const old = memoryPages(mem);
  if (delta === 0) return old;
  const limits = LIMITS.get(mem);
  const bound = Math.min(BOUNDS.get(mem) ?? MAX_PAGES, limits?.max ?? MAX_PAGES);
  if (delta > bound - old) return -1;
  try {
    return mem.grow(delta);
  } catch {
    return -1;
  }
}

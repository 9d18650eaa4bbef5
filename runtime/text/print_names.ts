/**
 * The `$id`s a printed module uses, from its name section: module, function
 * and local names (`Module.names`), and the extended-name subsections kept
 * as bytes in `Names.other` (types, tables, memories, globals, element and
 * data segments, tags).
 *
 * A name becomes an identifier the parser reads back: characters that no
 * identifier may hold become `_`, and a name already taken in its index
 * space gets a `.1`, `.2`, … suffix (the name section allows duplicates, the
 * text format does not). Items without a name are printed by index.
 *
 * @module
 */

import { Reader } from "../binary/reader.ts";
import type { Module } from "../module.ts";

/** The `$id`s of one index space, by index. */
export class IdSpace {
  readonly #ids = new Map<number, string>();
  readonly #taken = new Set<string>();

  /** Names item `index` after `name` (made a valid, unused identifier); empty names are ignored. */
  add(index: number, name: string): void {
    if (name === "" || this.#ids.has(index)) return;
    const base = `$${identifierChars(name)}`;
    let id = base;
    for (let k = 1; this.#taken.has(id); k++) id = `${base}.${k}`;
    this.#taken.add(id);
    this.#ids.set(index, id);
  }

  /** The `$id` of item `index`, or undefined when it has none. */
  id(index: number): string | undefined {
    return this.#ids.get(index);
  }

  /** `$id` of item `index`, else the index itself: how a reference is printed. */
  ref(index: number): string {
    return this.#ids.get(index) ?? String(index >>> 0);
  }

  /** `$id` of a defined item, else the index as a comment `(;3;)`, as wasm2wat labels items. */
  label(index: number): string {
    return this.#ids.get(index) ?? `(;${index >>> 0};)`;
  }
}

// The characters of an identifier after `$` (the spec's idchar).
const ID_CHAR = /[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]/;

/** `name` with every character that may not appear in an identifier replaced by `_`. */
function identifierChars(name: string): string {
  let s = "";
  for (const ch of name) s += ID_CHAR.test(ch) ? ch : "_";
  return s;
}

/** Every identifier of a module to print. */
export interface ModuleIds {
  /** The module's own `$id`, or null. */
  module: string | null;
  /** Types. */
  types: IdSpace;
  /** Functions (imports first). */
  funcs: IdSpace;
  /** Tables (imports first). */
  tables: IdSpace;
  /** Memories (imports first). */
  memories: IdSpace;
  /** Globals (imports first). */
  globals: IdSpace;
  /** Tags (imports first). */
  tags: IdSpace;
  /** Element segments. */
  elems: IdSpace;
  /** Data segments. */
  datas: IdSpace;
  /** Parameters and locals of function `index`. */
  locals(index: number): IdSpace;
}

/** Extended-name subsection ids that hold a plain name map, and the space each names. */
const NAME_MAPS = {
  4: "types",
  5: "tables",
  6: "memories",
  7: "globals",
  8: "elems",
  9: "datas",
  11: "tags",
} as const;

/**
 * The identifiers for printing `m`; with `names` false, none (every item
 * is printed by index).
 *
 * @example
 * ```ts
 * import { moduleIds } from "./print_names.ts";
 * import { parseWat } from "./mod.ts";
 * const ids = moduleIds(parseWat("(func $f) (func $g (param $x i32))"), true);
 * console.assert(ids.funcs.ref(1) === "$g" && ids.locals(1).ref(0) === "$x");
 * ```
 */
export function moduleIds(m: Module, names: boolean): ModuleIds {
  const ids: ModuleIds = {
    module: null,
    types: new IdSpace(),
    funcs: new IdSpace(),
    tables: new IdSpace(),
    memories: new IdSpace(),
    globals: new IdSpace(),
    tags: new IdSpace(),
    elems: new IdSpace(),
    datas: new IdSpace(),
    locals: () => new IdSpace(),
  };
  const n = names ? m.names : null;
  if (!n) return ids;
  if (n.module !== null && n.module !== "") ids.module = `$${identifierChars(n.module)}`;
  for (const [index, name] of sorted(n.functions)) ids.funcs.add(index, name);
  for (const sub of n.other ?? []) {
    const space = NAME_MAPS[sub.id as keyof typeof NAME_MAPS];
    if (space === undefined) continue;
    const map = readNameMap(sub.bytes);
    for (const [index, name] of sorted(map)) ids[space].add(index, name);
  }
  const cache = new Map<number, IdSpace>();
  ids.locals = (index) => {
    let space = cache.get(index);
    if (space === undefined) {
      space = new IdSpace();
      for (const [i, name] of sorted(n.locals.get(index) ?? new Map())) space.add(i, name);
      cache.set(index, space);
    }
    return space;
  };
  return ids;
}

function sorted(map: Map<number, string>): [number, string][] {
  return [...map].sort((a, b) => a[0] - b[0]);
}

/** A name map (vector of index and name); what was read before a malformed entry. */
function readNameMap(bytes: Uint8Array): Map<number, string> {
  const map = new Map<number, string>();
  const r = new Reader(bytes);
  try {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const index = r.u32();
      map.set(index, r.name());
    }
  } catch {
    // A custom section never makes a module malformed: keep what was readable.
  }
  return map;
}

/**
 * Which defined functions need which entry guard, from the module's call
 * graph. An interrupt must stop every long run within a bounded amount of
 * work; only two things make a run long: a loop going round (every loop
 * header is guarded, `guard.ts`) and calls. Calls are long only along a cycle
 * of the call graph — every other chain of calls is at most as long as the
 * number of functions, and each body on it runs each of its (loop-free)
 * call sites once between two loop-header checks. So:
 *
 * - {@linkcode Entry.none}: a body that calls nothing adds one frame and
 *   finishes, or spins in loops, which are guarded.
 * - {@linkcode Entry.depth}: a body on no cycle whose *unchecked work* —
 *   its own instructions plus, for every call site, the unchecked work of a
 *   callee without a flag test — stays within {@linkcode UNCHECKED_BUDGET}
 *   tests only the depth bound (the stack must stay bounded whatever the
 *   flag). The budget keeps a DAG of bodies each calling the next twice
 *   (2^k calls, no loop, no recursion) from outrunning the watchdog.
 * - {@linkcode Entry.flag}: every other body tests `(depth | flag) >u max`.
 *
 * Calls that leave the module (imports, `call_indirect` through a table
 * others can see) come back, if at all, through a thunk; so a cycle through
 * the host passes a thunk, and the thunk of a body without a flag test whose
 * unchecked work can leave the module tests the flag itself ({@linkcode
 * EntryPlan.thunkFlag}). A `call_indirect` through a private table is an
 * edge to every function in that table.
 *
 * @module
 */

import { funcTypeAt, type Module } from "../module.ts";
import { Op } from "../opcodes.ts";
import type { Scan } from "./scan.ts";
import { ValType } from "../types.ts";

/** The entry guard a body gets (see the module docs). */
export const Entry = {
  /** No entry guard: the body calls nothing. */
  none: 0,
  /** `depth >u max` only. */
  depth: 1,
  /** `(depth | flag) >u max`. */
  flag: 2,
} as const;

/** One of {@linkcode Entry}'s values. */
export type EntryKind = typeof Entry[keyof typeof Entry];

/** Most instructions a body without a flag test may run, callees included, between checks. */
export const UNCHECKED_BUDGET = 100_000;

/** What {@linkcode planEntries} decided. */
export interface EntryPlan {
  /** Entry guard of each defined function. */
  kind: Uint8Array;
  /** 1 when defined function `i`'s thunk (its entry from outside) must test the flag. */
  thunkFlag: Uint8Array;
}

/** A call site that leaves the module: an import, or `call_indirect` through a table others see. */
const EXIT = -1;

/**
 * Plans the entry guards of `m`'s defined functions, from what `scan.ts`
 * found in them.
 */
export function planEntries(m: Module, scan: Scan): EntryPlan {
  let importedFuncs = 0;
  for (const imp of m.imports) if (imp.desc.kind === "func") importedFuncs++;
  const n = m.funcs.length;
  // Functions each private table may hold (`tableFuncs[t]`), and of them those of each
  // type a `call_indirect` may name (others trap): `targets(t, type)`.
  const tableFuncs: number[][] = scan.privateTables.map(() => []);
  for (const e of m.elems) {
    if (e.mode !== "active" || !scan.privateTables[e.table]) continue;
    const list = tableFuncs[e.table];
    if (e.init.kind === "funcs") {
      for (const f of e.init.funcs) list.push(f - importedFuncs);
    } else {
      for (const x of e.init.exprs) {
        if (x.ops[0] === Op.ref_func) list.push(x.ops[1] - importedFuncs);
      }
    }
  }
  // A call_indirect of type t can only reach functions whose type matches t. With numbers
  // and vectors only, that means the same parameters and results (no subtyping among them);
  // a type with references may match others (subtyping, canonical equality): a candidate.
  const keys = m.types.map((_, t) => {
    const ft = funcTypeAt(m, t);
    if (!ft) return null;
    const all = [...ft.params, ...ft.results];
    return all.every((v) => v >= ValType.v128 && v <= ValType.i32)
      ? `${ft.params.join(",")}>${ft.results.join(",")}`
      : null;
  });
  const typeKey = (t: number): string | null => keys[t];
  // Graph nodes: the defined functions (0 … n-1), then one node per set of call_indirect
  // targets (a table and a type), which links to its functions: a site links to its set, so
  // edges stay linear in the code size even with many call sites into a big table.
  const sets: number[][] = [];
  const setIds = new Map<string, number>();
  const setOf = (table: number, type: number): number => {
    const want = typeKey(type);
    const key = `${table}:${want}`;
    let id = setIds.get(key);
    if (id === undefined) {
      id = sets.push(tableFuncs[table].filter((f) => {
        const have = typeKey(m.funcs[f].type);
        return want === null || have === null || have === want;
      })) - 1;
      setIds.set(key, id);
    }
    return n + id;
  };
  // Call sites of each body, flat: the callee node, or EXIT; those of function f are
  // site[siteStart[f] … siteStart[f + 1]).
  const { calls, callStart, privateTables } = scan;
  const siteStart = new Int32Array(n + 1);
  const site = new Int32Array(calls.length);
  let ns = 0;
  for (let f = 0; f < n; f++) {
    siteStart[f] = ns;
    for (let k = callStart[f]; k < callStart[f + 1]; k++) {
      const c = calls[k];
      if (c >= 0) site[ns++] = c < importedFuncs ? EXIT : c - importedFuncs;
      else site[ns++] = privateTables[-1 - c] ? setOf(-1 - c, calls[++k]) : (k++, EXIT);
    }
  }
  siteStart[n] = ns;
  // The graph, flat: edges[start[v] … start[v + 1]) are node v's successors.
  const nodes = n + sets.length;
  const start = new Int32Array(nodes + 1);
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let k = siteStart[f]; k < siteStart[f + 1]; k++) if (site[k] !== EXIT) c++;
    start[f + 1] = start[f] + c;
  }
  for (let v = n; v < nodes; v++) start[v + 1] = start[v] + sets[v - n].length;
  const edges = new Int32Array(start[nodes]);
  for (let f = 0, e = 0; f < n; f++) {
    for (let k = siteStart[f]; k < siteStart[f + 1]; k++) {
      if (site[k] !== EXIT) edges[e++] = site[k];
    }
  }
  for (let v = n; v < nodes; v++) edges.set(sets[v - n], start[v]);
  const { order, componentStart } = stronglyConnected(start, edges);

  const kind = new Uint8Array(n);
  const cost = new Float64Array(nodes); // unchecked work; saturates past the budget
  const exits = new Uint8Array(nodes); // unchecked work may leave the module
  /** A target set's cost: its costliest function's unchecked work. */
  const setCost = (v: number) => {
    let c = 1, x = 0;
    for (let k = start[v]; k < start[v + 1]; k++) {
      const f = edges[k];
      if (kind[f] === Entry.flag) continue;
      if (cost[f] > c) c = cost[f];
      x |= exits[f];
    }
    cost[v] = c;
    exits[v] = x;
  };
  // Callees first: stronglyConnected() returns the components in reverse topological order.
  for (let c = 0; c + 1 < componentStart.length; c++) {
    const first = componentStart[c], end = componentStart[c + 1];
    const v = order[first];
    let cyclic = end - first > 1;
    for (let k = start[v]; !cyclic && k < start[v + 1]; k++) cyclic = edges[k] === v;
    if (cyclic) {
      for (let i = first; i < end; i++) if (order[i] < n) kind[order[i]] = Entry.flag;
      for (let i = first; i < end; i++) if (order[i] >= n) setCost(order[i]);
      continue;
    }
    if (v >= n) {
      setCost(v);
      continue;
    }
    let w = m.funcs[v].body.ops.length, x = 0;
    for (let k = siteStart[v]; k < siteStart[v + 1]; k++) {
      const callee = site[k];
      if (callee === EXIT) {
        w += 1;
        x = 1;
      } else if (callee >= n || kind[callee] !== Entry.flag) {
        w += cost[callee];
        x |= exits[callee];
      } else {
        w += 1;
      }
    }
    cost[v] = Math.min(w, UNCHECKED_BUDGET + 1);
    exits[v] = x;
    kind[v] = siteStart[v + 1] === siteStart[v]
      ? Entry.none
      : w <= UNCHECKED_BUDGET
      ? Entry.depth
      : Entry.flag;
  }
  const thunkFlag = new Uint8Array(n);
  for (let f = 0; f < n; f++) thunkFlag[f] = kind[f] !== Entry.flag && exits[f] ? 1 : 0;
  return { kind, thunkFlag };
}

/** Strongly connected components, from {@linkcode stronglyConnected}. */
export interface Components {
  /** The nodes, component by component. */
  order: Int32Array;
  /** Component `c` is `order[componentStart[c] … componentStart[c + 1])`. */
  componentStart: Int32Array;
}

/**
 * Tarjan's strongly connected components of the graph whose node `v` has
 * the successors `edges[start[v] … start[v + 1])`, callees' components
 * first, without recursion (call graphs of large modules are deep).
 */
export function stronglyConnected(start: Int32Array, edges: Int32Array): Components {
  const n = start.length - 1;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  // The depth-first walk: node, and its next edge, per level.
  const walkNode = new Int32Array(n);
  const walkEdge = new Int32Array(n);
  const order = new Int32Array(n);
  const componentStart = [0];
  let emitted = 0, next = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    let depth = 0;
    walkNode[0] = root;
    walkEdge[0] = start[root];
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = walkNode[depth];
      if (walkEdge[depth] < start[v + 1]) {
        const w = edges[walkEdge[depth]++];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          walkNode[++depth] = w;
          walkEdge[depth] = start[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      depth--;
      if (depth >= 0 && low[v] < low[walkNode[depth]]) low[walkNode[depth]] = low[v];
      if (low[v] === index[v]) {
        let w;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          order[emitted++] = w;
        } while (w !== v);
        componentStart.push(emitted);
      }
    }
  }
  return { order, componentStart: Int32Array.from(componentStart) };
}

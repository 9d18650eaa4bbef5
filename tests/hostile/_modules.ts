/**
 * Generators of hostile modules, written as bytes: the big ones (a million
 * functions, a million-target `br_table`) would take longer to print and
 * parse as text than to run, and none of them is worth committing.
 *
 * Every generator returns a complete binary module; `wat()` turns the small
 * cases written as text into bytes through the repo's own parser and encoder.
 *
 * @module
 */

import { encode } from "../../runtime/binary/encode.ts";
import { parseWat } from "../../runtime/text/mod.ts";

/** Text → binary through `runtime/text` and `runtime/binary/encode.ts`. */
export function wat(text: string): Uint8Array {
  return encode(parseWat(text));
}

/** Bytes of an unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A growable byte buffer (pushing millions of bytes through arrays is slow). */
class Bytes {
  a = new Uint8Array(1 << 16);
  n = 0;
  push(...bs: number[]): void {
    this.reserve(bs.length);
    for (const b of bs) this.a[this.n++] = b;
  }
  append(src: Uint8Array): void {
    this.reserve(src.length);
    this.a.set(src, this.n);
    this.n += src.length;
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    const b = new Uint8Array(Math.max(this.a.length * 2, this.n + extra));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  finish(): Uint8Array {
    return this.a.slice(0, this.n);
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module from its sections, each `[id, payload]`. */
function module(sections: [number, Uint8Array][]): Uint8Array {
  const out = new Bytes();
  out.push(...HEADER);
  for (const [id, payload] of sections) {
    out.push(id, ...leb(payload.length));
    out.append(payload);
  }
  return out.finish();
}

/** A type section of one function type. */
function typeSection(params: number[], results: number[]): [number, Uint8Array] {
  return [
    1,
    new Uint8Array([1, 0x60, ...leb(params.length), ...params, ...leb(results.length), ...results]),
  ];
}

/** An export section exporting function 0 as "f". */
const EXPORT_F: [number, Uint8Array] = [7, new Uint8Array([1, 1, 0x66, 0x00, 0])];

/** A code section of the given bodies (each: local groups + instructions, without the size). */
function codeSection(bodies: Iterable<Uint8Array>, count: number): [number, Uint8Array] {
  const out = new Bytes();
  out.push(...leb(count));
  for (const b of bodies) {
    out.push(...leb(b.length));
    out.append(b);
  }
  return [10, out.finish()];
}

/**
 * `n` functions `(func)`, each with an empty body; function 0 is exported as
 * "f". About 4 bytes a function: 1,000,000 of them make a 4 MB module.
 */
export function manyFunctions(n: number): Uint8Array {
  const funcs = new Uint8Array(leb(n).length + n);
  funcs.set(leb(n));
  const body = new Uint8Array([0, 0x0b]);
  function* bodies() {
    for (let i = 0; i < n; i++) yield body;
  }
  return module([
    typeSection([], []),
    [3, funcs],
    EXPORT_F,
    codeSection(bodies(), n),
  ]);
}

/**
 * `(func (param i32) (result i32) (block (br_table 0 0 … 0 (local.get 0))) (i32.const 7))`
 * with `targets` labels plus the default: every index branches out of the
 * block, so "f" returns 7 for any argument.
 */
export function bigBrTable(targets: number): Uint8Array {
  const body = new Bytes();
  body.push(0, 0x02, 0x40, 0x20, 0, 0x0e, ...leb(targets));
  body.append(new Uint8Array(targets + 1)); // every label (and the default) is depth 0
  body.push(0x0b, 0x41, 7, 0x0b);
  return module([
    typeSection([0x7f], [0x7f]),
    [3, new Uint8Array([1, 0])],
    EXPORT_F,
    codeSection([body.finish()], 1),
  ]);
}

/**
 * `(func (result i32) (local i32 × count[0]) (local i64 × count[1]) … (i32.const 1))`
 * exported as "f": local groups alternate i32 and i64 so none merges.
 */
export function manyLocals(groups: number[]): Uint8Array {
  const body = new Bytes();
  body.push(...leb(groups.length));
  groups.forEach((count, i) => body.push(...leb(count), i % 2 === 0 ? 0x7f : 0x7e));
  body.push(0x41, 1, 0x0b);
  return module([
    typeSection([], [0x7f]),
    [3, new Uint8Array([1, 0])],
    EXPORT_F,
    codeSection([body.finish()], 1),
  ]);
}

/** `(func (result i32) (block (block … (block) …)) (i32.const 1))`, `depth` blocks deep, exported as "f". */
export function nestedBlocks(depth: number): Uint8Array {
  const body = new Uint8Array(1 + 3 * depth + 3);
  let p = 1; // no locals
  for (let i = 0; i < depth; i++) body.set([0x02, 0x40], (p += 2) - 2);
  body.fill(0x0b, p, p + depth);
  p += depth;
  body.set([0x41, 1, 0x0b], p);
  return module([
    typeSection([], [0x7f]),
    [3, new Uint8Array([1, 0])],
    EXPORT_F,
    codeSection([body.subarray(0, p + 3)], 1),
  ]);
}

/**
 * A grow storm: export `f(n)` grows the memory (or a funcref table) by one
 * unit `n` times, or until refused, and returns how many grows succeeded and
 * the final size.
 */
export function growStorm(what: "memory" | "table"): Uint8Array {
  const [decl, grow, size] = what === "memory"
    ? ["(memory 1 65536)", "memory.grow (i32.const 1)", "memory.size"]
    : ["(table 0 funcref)", "table.grow (ref.null func) (i32.const 1)", "table.size"];
  return wat(`(module ${decl}
  (func (export "f") (param $n i32) (result i32 i32) (local $i i32) (local $ok i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.ne (${grow}) (i32.const -1))
        (then (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $ok) (${size})))`);
}

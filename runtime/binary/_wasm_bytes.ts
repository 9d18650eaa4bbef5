/**
 * Test helpers: assembling small module binaries by hand, independent of the
 * encoder, so decoder tests can build exact (also malformed) byte sequences.
 *
 * @module
 */

/** Bytes, or nested arrays of bytes, flattened in order. */
export type Bytes = number | readonly Bytes[];

/** Flattens nested byte arrays. */
export function flat(...parts: Bytes[]): number[] {
  const out: number[] = [];
  const walk = (p: Bytes) => {
    if (typeof p === "number") out.push(p);
    else for (const q of p) walk(q);
  };
  parts.forEach(walk);
  return out;
}

/** Minimal unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    out.push(n === 0 ? b : b | 0x80);
  } while (n !== 0);
  return out;
}

/** Minimal signed LEB128 of an int32. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A name: length, then UTF-8. */
export function str(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...u32(b.length), ...b];
}

/** A vector: count, then the items. */
export function vec(items: readonly Bytes[]): number[] {
  return [...u32(items.length), ...flat(...items)];
}

/** A section: id, size, contents. */
export function section(id: number, ...contents: Bytes[]): number[] {
  const body = flat(...contents);
  return [id, ...u32(body.length), ...body];
}

/** A function body: size, local groups, instructions (which must end with 0x0b). */
export function body(locals: readonly [number, number][], ...code: Bytes[]): number[] {
  const b = flat(vec(locals.map(([n, t]) => [...u32(n), t])), ...code);
  return [...u32(b.length), ...b];
}

/** A whole module: header, then the given sections. */
export function wasm(...sections: Bytes[]): Uint8Array {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...flat(...sections)]);
}

/** A type section holding `[] -> []`. */
export const VOID_TYPE: number[] = section(1, vec([[0x60, 0, 0]]));

/**
 * Decoding of types: value, reference, heap and block types (into the packed
 * integers of `runtime/types.ts`), limits, table, memory and global types, and
 * the type section with its 3.0 recursion groups, subtypes, structs and arrays.
 *
 * @module
 */

import type {
  CompositeType,
  FieldType,
  GlobalType,
  MemoryType,
  Module,
  SubType,
  TableType,
} from "../module.ts";
import {
  BLOCK_EMPTY,
  blockOfValType,
  type BlockType,
  type HeapTypeCode,
  refType,
  ValType,
} from "../types.ts";
import type { Reader } from "./reader.ts";

/**
 * Largest type index a packed reference type can hold; a larger index (which
 * no module can define) is clamped to it, so validation still reports it as
 * an unknown type.
 */
const MAX_HEAP_INDEX = 0x07ff_ffdf;

/** Block type word for a type index that cannot exist (negative or ≥ 2^31): "unknown type". */
const BAD_BLOCK_INDEX = 0x7fff_ffff;

// Abstract heap types are the one-byte s7 values 0x69 (exn) … 0x74 (noexn).
const ABS_HEAP_MIN = 0x69;
const ABS_HEAP_MAX = 0x74;

/** A value type byte with the continuation bit set is an s7 LEB that is too long. */
function tooLong(r: Reader, b: number): void {
  if (b >= 0x80) r.fail("integer representation too long", r.pos);
}

/** Reads a 3.0 reference type after its first byte `b` (shorthand or 0x63/0x64), or returns -1. */
function refType3(r: Reader, b: number): ValType {
  if (b >= ABS_HEAP_MIN && b <= ABS_HEAP_MAX) return refType(b - 0x80, true);
  if (b === 0x63 || b === 0x64) return refType(readHeapType(r), b === 0x63);
  return -1;
}

/** Reads a value type. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (b >= ValType.v128 && b <= ValType.i32) return b;
  if (b === 0x70) return ValType.funcref;
  if (b === 0x6f) return ValType.externref;
  tooLong(r, b);
  if (r.wasm3) {
    const t = refType3(r, b);
    if (t !== -1) return t;
  }
  return r.fail("malformed value type", at);
}

/** Reads a reference type (table element types, typed element segments). */
export function readRefType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x70) return ValType.funcref;
  if (b === 0x6f) return ValType.externref;
  tooLong(r, b);
  if (r.wasm3) {
    const t = refType3(r, b);
    if (t !== -1) return t;
  }
  return r.fail("malformed reference type", at);
}

/**
 * Reads a heap type: in 2.0 (`ref.null`) only `func` or `extern`; in 3.0 an
 * abstract heap type byte or a non-negative s33 type index.
 */
export function readHeapType(r: Reader): HeapTypeCode {
  const at = r.pos;
  if (!r.wasm3) {
    const b = r.u8();
    if (b === 0x70 || b === 0x6f) return b - 0x80;
    tooLong(r, b);
    return r.fail("malformed reference type", at);
  }
  const b = r.bytes[at];
  if (b >= 0x40 && b < 0x80) {
    r.pos++;
    if (b >= ABS_HEAP_MIN && b <= ABS_HEAP_MAX) return b - 0x80;
    return r.fail("malformed heap type", at);
  }
  const x = r.s33();
  if (x < 0) r.fail("malformed heap type", at);
  return x > MAX_HEAP_INDEX ? MAX_HEAP_INDEX : x;
}

/**
 * Reads a block type: 0x40 (empty), a value type, or an s33 type index. Like
 * the reference interpreter, an index outside [0, 2^31) decodes (to an index
 * no module has) and is left to validation.
 */
export function readBlockType(r: Reader): BlockType {
  const b = r.bytes[r.pos];
  if (b === 0x40) {
    r.pos++;
    return BLOCK_EMPTY;
  }
  // One-byte negative s33 values are value types.
  if (b >= 0x40 && b < 0x80) return blockOfValType(readValType(r));
  const x = r.s33();
  return x >= 0 && x < BAD_BLOCK_INDEX ? x : BAD_BLOCK_INDEX;
}

interface LimitsRead {
  min: number;
  max: number | null;
  shared: boolean;
  index64: boolean;
}

/**
 * Reads limits. 2.0: a u1 flag (max present), u32 bounds. 3.0: a flags byte
 * with bit 0 max present, bit 1 shared (memories only), bit 2 64-bit
 * addresses (other bits are `"malformed limits flags"`), u64 bounds.
 */
function readLimits(r: Reader, memory: boolean): LimitsRead {
  let flags: number;
  if (r.wasm3) {
    const at = r.pos;
    flags = r.u8();
    if ((flags & (memory ? ~0x07 : ~0x05)) !== 0) r.fail("malformed limits flags", at);
  } else {
    flags = r.u1();
  }
  // 3.0 reads both bounds as u64 whatever the address type; validation
  // checks them against it. (Exact below 2^53, far above any valid bound.)
  const wide = r.wasm3;
  const min = wide ? r.u64Number() : r.u32();
  const max = (flags & 1) === 0 ? null : wide ? r.u64Number() : r.u32();
  return { min, max, shared: (flags & 2) !== 0, index64: (flags & 4) !== 0 };
}

/** Reads a table type: reference type, then limits. */
export function readTableType(r: Reader): TableType {
  const element = readRefType(r);
  const { min, max, index64 } = readLimits(r, false);
  return { min, max, element, index64 };
}

/** Reads a memory type (limits). */
export function readMemoryType(r: Reader): MemoryType {
  return readLimits(r, true);
}

/** Reads a mutability byte: 0 or 1, else `"malformed mutability"`. */
function readMutability(r: Reader): boolean {
  const b = r.u8();
  if (b > 1) r.fail("malformed mutability", r.pos - 1);
  return b === 1;
}

/** Reads a global type: value type, then mutability. */
export function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  return { type, mutable: readMutability(r) };
}

/** Reads a result type: a vector of value types. */
function readResultType(r: Reader): ValType[] {
  const n = r.count();
  const out = new Array<ValType>(n);
  for (let i = 0; i < n; i++) out[i] = readValType(r);
  return out;
}

/** Reads a 3.0 field type: storage type (value type or packed i8/i16), then mutability. */
function readFieldType(r: Reader): FieldType {
  const b = r.bytes[r.pos];
  let packed: FieldType["packed"] = null;
  let type: ValType;
  if (b === 0x78 || b === 0x77) {
    r.pos++;
    packed = b === 0x78 ? "i8" : "i16";
    type = ValType.i32;
  } else {
    type = readValType(r);
  }
  return { type, packed, mutable: readMutability(r) };
}

/** Reads a composite type after its form byte `form` (at offset `at`). */
function readCompositeType(r: Reader, form: number, at: number): CompositeType {
  switch (form) {
    case 0x60: {
      const params = readResultType(r);
      return { kind: "func", params, results: readResultType(r) };
    }
    case 0x5f:
      if (r.wasm3) {
        const n = r.count();
        const fields = new Array<FieldType>(n);
        for (let i = 0; i < n; i++) fields[i] = readFieldType(r);
        return { kind: "struct", fields };
      }
      break;
    case 0x5e:
      if (r.wasm3) return { kind: "array", element: readFieldType(r) };
      break;
  }
  tooLong(r, form);
  return r.fail(r.wasm3 ? "malformed composite type" : "malformed function type", at);
}

/** Reads a subtype (3.0 `sub`/`sub final` forms, or a bare composite type). */
function readSubType(r: Reader): SubType {
  const at = r.pos;
  const form = r.u8();
  if (r.wasm3 && (form === 0x50 || form === 0x4f)) {
    const n = r.count();
    const supers = new Array<number>(n);
    for (let i = 0; i < n; i++) supers[i] = r.u32();
    const cat = r.pos;
    return { final: form === 0x4f, supers, composite: readCompositeType(r, r.u8(), cat) };
  }
  return { final: true, supers: [], composite: readCompositeType(r, form, at) };
}

/** Decodes the type section into `m.types` and `m.recGroups`. */
export function readTypeSection(r: Reader, m: Module): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const start = m.types.length;
    if (r.wasm3 && r.bytes[r.pos] === 0x4e) {
      r.pos++;
      const size = r.count();
      for (let j = 0; j < size; j++) m.types.push(readSubType(r));
      m.recGroups.push({ start, size, explicit: true });
    } else {
      m.types.push(readSubType(r));
      m.recGroups.push({ start, size: 1, explicit: false });
    }
  }
}

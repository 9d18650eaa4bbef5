/**
 * Value, heap and block types, packed into small integers.
 *
 * Every stage keeps types in `Int32Array` operand stacks and compares them
 * with `===`, so a value type is one small integer (a V8 "Smi"), never an
 * object:
 *
 * ```text
 *   0x7F i32   0x7E i64   0x7D f32   0x7C f64   0x7B v128     (their binary codes)
 *   REF | NULLABLE? | (heapType + HEAP_BIAS)                   reference types
 * ```
 *
 * A heap type is the binary format's signed value: a type index (>= 0) or an
 * abstract heap type (< 0: `func` is -0x10, `extern` -0x11, …), so decoding
 * and encoding need no table.
 *
 * @module
 */

/** A value type packed into one integer; see the module docs for the layout. */
export type ValType = number;

/**
 * A heap type as the binary format's s33: a type index (>= 0) or an abstract
 * heap type (< 0, see {@linkcode HeapType}).
 */
export type HeapTypeCode = number;

/** Abstract heap types, as their binary (s7 / s33) values. */
export const HeapType = {
  /** `noexn` (3.0 exceptions) */
  noexn: -0x0c,
  /** `nofunc` (3.0 GC) */
  nofunc: -0x0d,
  /** `noextern` (3.0 GC) */
  noextern: -0x0e,
  /** `none` (3.0 GC) */
  none: -0x0f,
  /** `func` */
  func: -0x10,
  /** `extern` */
  extern: -0x11,
  /** `any` (3.0 GC) */
  any: -0x12,
  /** `eq` (3.0 GC) */
  eq: -0x13,
  /** `i31` (3.0 GC) */
  i31: -0x14,
  /** `struct` (3.0 GC) */
  struct: -0x15,
  /** `array` (3.0 GC) */
  array: -0x16,
  /** `exn` (3.0 exceptions) */
  exn: -0x17,
} as const;

/** Bit set on every reference type. */
export const REF = 0x1000_0000;
/** Bit set on nullable reference types (`ref null ht`). */
export const NULLABLE = 0x0800_0000;
/** Added to the heap type so the low bits stay non-negative. */
const HEAP_BIAS = 0x20;
const HEAP_MASK = 0x07ff_ffff;

/** Packs `(ref null? ht)`. */
export function refType(heap: HeapTypeCode, nullable: boolean): ValType {
  return REF | (nullable ? NULLABLE : 0) | (heap + HEAP_BIAS);
}

/** The common value types. */
export const ValType = {
  /** 32-bit integer */
  i32: 0x7f,
  /** 64-bit integer */
  i64: 0x7e,
  /** 32-bit IEEE float */
  f32: 0x7d,
  /** 64-bit IEEE float */
  f64: 0x7c,
  /** 128-bit vector */
  v128: 0x7b,
  /** `funcref` = `(ref null func)`, i.e. `refType(HeapType.func, true)` */
  funcref: 0x1800_0010,
  /** `externref` = `(ref null extern)`, i.e. `refType(HeapType.extern, true)` */
  externref: 0x1800_000f,
} as const;

/** True for reference types. */
export function isRef(t: ValType): boolean {
  return (t & REF) !== 0;
}

/** True for nullable reference types. */
export function isNullable(t: ValType): boolean {
  return (t & NULLABLE) !== 0;
}

/** The heap type of a reference type. */
export function heapOf(t: ValType): HeapTypeCode {
  return (t & HEAP_MASK) - HEAP_BIAS;
}

/** True for i32, i64, f32, f64. */
export function isNum(t: ValType): boolean {
  return t >= ValType.f64 && t <= ValType.i32;
}

const HEAP_NAMES: Record<number, string> = {};
for (const [name, code] of Object.entries(HeapType)) HEAP_NAMES[code] = name;

/** Text-format name of a heap type: `func`, `extern`, or a type index. */
export function heapTypeName(h: HeapTypeCode): string {
  return h >= 0 ? String(h) : HEAP_NAMES[h] ?? `heap(${h})`;
}

/** Text-format name of a value type, as the spec's messages print it. */
export function valTypeName(t: ValType): string {
  switch (t) {
    case ValType.i32:
      return "i32";
    case ValType.i64:
      return "i64";
    case ValType.f32:
      return "f32";
    case ValType.f64:
      return "f64";
    case ValType.v128:
      return "v128";
    case ValType.funcref:
      return "funcref";
    case ValType.externref:
      return "externref";
  }
  if (isRef(t)) {
    const null_ = isNullable(t) ? "null " : "";
    return `(ref ${null_}${heapTypeName(heapOf(t))})`;
  }
  return `type(0x${t.toString(16)})`;
}

/**
 * A block type as the binary format's s33: a type index (>= 0),
 * {@linkcode BLOCK_EMPTY}, or a single result type packed by
 * {@linkcode blockOfValType}.
 */
export type BlockType = number;

/** The empty block type `[] -> []` (binary 0x40). */
export const BLOCK_EMPTY: BlockType = -0x40;

/** The block type `[] -> [t]`. Always negative and never `BLOCK_EMPTY`. */
export function blockOfValType(t: ValType): BlockType {
  return ~t;
}

/** The single result of a value-typed block type (`bt < 0 && bt !== BLOCK_EMPTY`). */
export function valTypeOfBlock(bt: BlockType): ValType {
  return ~bt;
}

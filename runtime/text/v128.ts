/**
 * `v128` literals: a lane shape keyword (`i8x16` … `f64x2`) and that many
 * lane literals, packed little-endian into 16 bytes. Shared by the
 * `v128.const` instruction and the script's argument values.
 *
 * @module
 */

import type { Cursor } from "./cursor.ts";
import { KW } from "./keywords.ts";
import { Tok } from "./lexer.ts";
import { numShape, Shape } from "./literals.ts";

/** A lane shape: its keyword, lane count and lane width in bytes, and whether lanes are floats. */
export interface LaneShape {
  /** `i8x16`, …, `f64x2`. */
  readonly name: string;
  /** Number of lanes. */
  readonly lanes: number;
  /** Bytes per lane. */
  readonly width: number;
  /** Float lanes (`f32x4`, `f64x2`). */
  readonly float: boolean;
}

const SHAPES = new Map<number, LaneShape>([
  [KW.i8x16, { name: "i8x16", lanes: 16, width: 1, float: false }],
  [KW.i16x8, { name: "i16x8", lanes: 8, width: 2, float: false }],
  [KW.i32x4, { name: "i32x4", lanes: 4, width: 4, float: false }],
  [KW.i64x2, { name: "i64x2", lanes: 2, width: 8, float: false }],
  [KW.f32x4, { name: "f32x4", lanes: 4, width: 4, float: true }],
  [KW.f64x2, { name: "f64x2", lanes: 2, width: 8, float: true }],
]);

/** Consumes a lane shape keyword. */
export function laneShape(c: Cursor): LaneShape {
  const s = c.kind[c.pos] === Tok.atom ? SHAPES.get(c.value[c.pos]) : undefined;
  if (s === undefined) c.unexpected();
  c.pos++;
  return s;
}

/** True at a token that is a number (so one lane too many, or one missing here). */
export function atNumber(c: Cursor): boolean {
  return c.kind[c.pos] === Tok.atom && c.value[c.pos] < 0 &&
    numShape(c.src, c.start[c.pos], c.end[c.pos]) !== Shape.none;
}

/** The number of number tokens from the cursor on (a lane list's length). */
export function countNumbers(c: Cursor): number {
  const start = c.pos;
  while (atNumber(c)) c.pos++;
  const n = c.pos - start;
  c.pos = start;
  return n;
}

/**
 * Checks that exactly `shape.lanes` lane literals follow, the way the spec
 * reads them: the list of numbers is counted before any is converted.
 */
export function checkLaneCount(c: Cursor, shape: LaneShape, isLane = atNumber): void {
  const start = c.pos;
  while (isLane(c)) c.pos++;
  const n = c.pos - start;
  const next = c.pos;
  c.pos = start;
  if (n === shape.lanes) return;
  if (n < shape.lanes && !c.atRParenAt(next) && c.kind[next] !== Tok.lparen) c.unexpected(next);
  c.fail("wrong number of lane literals");
}

/** Consumes one lane literal of `shape` into `view` at byte `at`. */
function laneLiteral(c: Cursor, shape: LaneShape, view: DataView, at: number): void {
  switch (shape.width) {
    case 1:
      view.setUint8(at, c.int(8) & 0xff);
      break;
    case 2:
      view.setUint16(at, c.int(16) & 0xffff, true);
      break;
    case 4:
      view.setInt32(at, shape.float ? c.f32() : c.int(32), true);
      break;
    default: {
      const pair = shape.float ? c.f64() : c.int64();
      view.setInt32(at, pair[0], true);
      view.setInt32(at + 4, pair[1], true);
    }
  }
}

/**
 * Consumes `shape lane*` into the 16 bytes of `view` (at offset 0).
 *
 * @throws {TextError} "wrong number of lane literals", "constant out of range", …
 */
export function v128Literal(c: Cursor, view: DataView): LaneShape {
  const shape = laneShape(c);
  checkLaneCount(c, shape);
  for (let i = 0; i < shape.lanes; i++) laneLiteral(c, shape, view, i * shape.width);
  return shape;
}

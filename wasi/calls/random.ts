/**
 * `random_get`: bytes from the host's CSPRNG (`crypto.getRandomValues`).
 *
 * @module
 */

import { Errno } from "../errno.ts";
import type { WasiContext } from "../context.ts";

/** `getRandomValues` fills at most this many bytes per call. */
const CHUNK = 65536;

/**
 * `random_get(buf, buf_len)`: fills the buffer with random bytes.
 *
 * Result (Errno): `SUCCESS`; `FAULT` when the buffer is outside memory.
 */
export function randomGet(ctx: WasiContext, buf: number, bufLen: number): number {
  const out = ctx.mem.bytes(buf, bufLen);
  // getRandomValues refuses views of a SharedArrayBuffer: fill scratch space and copy.
  const direct = out.buffer instanceof ArrayBuffer;
  for (let i = 0; i < out.length; i += CHUNK) {
    const part = out.subarray(i, Math.min(i + CHUNK, out.length));
    if (direct) crypto.getRandomValues(part);
    else part.set(crypto.getRandomValues(new Uint8Array(part.length)));
  }
  return Errno.SUCCESS;
}

/**
 * `args_*` and `environ_*`: the command line and the environment, as
 * NUL-terminated UTF-8 strings in a guest buffer plus an array of pointers
 * to them.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import type { WasiContext } from "../context.ts";

function sizes(list: readonly Uint8Array[]): number {
  let n = 0;
  for (const s of list) n += s.length + 1;
  return n;
}

function writeList(ctx: WasiContext, list: readonly Uint8Array[], ptrs: number, buf: number) {
  const { mem } = ctx;
  mem.check(ptrs, list.length * 4);
  let at = mem.check(buf, sizes(list));
  for (let i = 0; i < list.length; i++) {
    mem.setU32(ptrs + i * 4, at);
    mem.u8.set(list[i], at);
    at += list[i].length;
    mem.u8[at++] = 0;
  }
}

/**
 * `args_sizes_get(argc_ptr, argv_buf_size_ptr)`: the number of arguments and
 * the bytes their strings need (with NULs).
 *
 * Result (Errno): `SUCCESS`; `FAULT` for a pointer outside memory.
 */
export function argsSizesGet(ctx: WasiContext, argcPtr: number, bufSizePtr: number): number {
  ctx.mem.check(argcPtr, 4);
  ctx.mem.check(bufSizePtr, 4);
  ctx.mem.setU32(argcPtr, ctx.args.length);
  ctx.mem.setU32(bufSizePtr, sizes(ctx.args));
  return Errno.SUCCESS;
}

/**
 * `args_get(argv, argv_buf)`: writes the pointers to `argv` and the strings
 * to `argv_buf` (sized as `args_sizes_get` said).
 *
 * Result (Errno): `SUCCESS`; `FAULT` when either array does not fit in memory.
 */
export function argsGet(ctx: WasiContext, argv: number, argvBuf: number): number {
  writeList(ctx, ctx.args, argv, argvBuf);
  return Errno.SUCCESS;
}

/**
 * `environ_sizes_get(count_ptr, buf_size_ptr)`: the number of environment
 * entries and the bytes their `NAME=value` strings need (with NULs).
 *
 * Result (Errno): `SUCCESS`; `FAULT` for a pointer outside memory.
 */
export function environSizesGet(ctx: WasiContext, countPtr: number, bufSizePtr: number): number {
  ctx.mem.check(countPtr, 4);
  ctx.mem.check(bufSizePtr, 4);
  ctx.mem.setU32(countPtr, ctx.env.length);
  ctx.mem.setU32(bufSizePtr, sizes(ctx.env));
  return Errno.SUCCESS;
}

/**
 * `environ_get(environ, environ_buf)`: writes the pointers and the
 * `NAME=value` strings.
 *
 * Result (Errno): `SUCCESS`; `FAULT` when either array does not fit in memory.
 */
export function environGet(ctx: WasiContext, environ: number, environBuf: number): number {
  writeList(ctx, ctx.env, environ, environBuf);
  return Errno.SUCCESS;
}

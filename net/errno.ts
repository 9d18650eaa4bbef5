/**
 * Linux errno values for the `net` module's results. Descriptors signal
 * failures the WASI way (a thrown `WasiError`, or a Deno error), since WASI's
 * `fd_read`/`fd_write` call them too; the `net` imports translate those to
 * negative Linux errnos here.
 *
 * @module
 */

import { Errno, errnoFromError } from "../wasi/mod.ts";

/** Linux errno numbers by WASI name (the names are POSIX's without the `E`). */
const LINUX: Readonly<Record<string, number>> = {
  PERM: 1,
  NOENT: 2,
  INTR: 4,
  IO: 5,
  BADF: 9,
  AGAIN: 11,
  NOMEM: 12,
  ACCES: 13,
  FAULT: 14,
  EXIST: 17,
  NOTDIR: 20,
  ISDIR: 21,
  INVAL: 22,
  MFILE: 24,
  NOSPC: 28,
  SPIPE: 29,
  PIPE: 32,
  NOSYS: 38,
  NOTSOCK: 88,
  PROTONOSUPPORT: 93,
  NOTSUP: 95,
  AFNOSUPPORT: 97,
  ADDRINUSE: 98,
  ADDRNOTAVAIL: 99,
  NETUNREACH: 101,
  CONNABORTED: 103,
  CONNRESET: 104,
  ISCONN: 106,
  NOTCONN: 107,
  TIMEDOUT: 110,
  CONNREFUSED: 111,
  HOSTUNREACH: 113,
  ALREADY: 114,
  INPROGRESS: 115,
  // A capability the descriptor lacks: the operation is not permitted on it.
  NOTCAPABLE: 1,
};

/** Linux errno (positive) for each WASI errno; EIO for the few without a counterpart. */
const FROM_WASI: Int32Array = (() => {
  const t = new Int32Array(128).fill(LINUX.IO);
  for (const [name, wasi] of Object.entries(Errno)) {
    const linux = LINUX[name];
    if (linux !== undefined) t[wasi] = linux;
  }
  return t;
})();

/** The Linux errno (positive) for a WASI errno. */
export function linuxErrno(wasi: number): number {
  return FROM_WASI[wasi] ?? LINUX.IO;
}

/** Linux errno (positive) for an error thrown by a descriptor or Deno; undefined for a bug. */
export function linuxErrnoFromError(e: unknown): number | undefined {
  const wasi = errnoFromError(e);
  return wasi === undefined ? undefined : linuxErrno(wasi);
}

/** `EINPROGRESS`: a non-blocking connect has started. */
export const EINPROGRESS = 115;
/** `EAFNOSUPPORT`: unknown address family. */
export const EAFNOSUPPORT = 97;
/** `EPROTONOSUPPORT`: unsupported socket type or protocol. */
export const EPROTONOSUPPORT = 93;
/** `EISCONN`: already connected. */
export const EISCONN = 106;
/** `EALREADY`: a connect is already in progress. */
export const EALREADY = 114;

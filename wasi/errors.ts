/**
 * How failures travel: host functions throw {@linkcode WasiError} (an errno
 * for the guest) or let a Deno error escape; the import wrapper turns either
 * into the errno the guest sees, via {@linkcode errnoFromError}. Only
 * {@linkcode ExitStatus} (from `proc_exit`) and genuine bugs propagate as
 * exceptions.
 *
 * @module
 */

import { Errno } from "./errno.ts";

/**
 * Thrown by `proc_exit` (and by `proc_raise` for a terminating signal) to end
 * the guest. It unwinds through the guest's frames; the loader catches it and
 * turns {@linkcode ExitStatus.code} into the process's exit code.
 *
 * @example
 * ```ts
 * import { ExitStatus } from "./errors.ts";
 * try {
 *   throw new ExitStatus(3);
 * } catch (e) {
 *   if (e instanceof ExitStatus) console.log(e.code); // 3
 * }
 * ```
 */
export class ExitStatus extends Error {
  /**
   * The exit code the guest asked for, as a signed i32 (`proc_exit(-1)` is
   * -1); a process exit status is its low 8 bits. 0–125 are portable.
   */
  readonly code: number;
  /** Creates the exit signal for `code`. */
  constructor(code: number, message = `exit with status ${code}`) {
    super(message);
    this.name = "ExitStatus";
    this.code = code;
  }
}

/**
 * A guest-visible failure: the host function returns {@linkcode WasiError.errno}
 * to the guest instead of a result.
 *
 * @example
 * ```ts
 * import { WasiError } from "./errors.ts";
 * import { Errno } from "./errno.ts";
 * const e = new WasiError(Errno.BADF);
 * console.log(e.errno, e.message); // 8 "badf"
 * ```
 */
export class WasiError extends Error {
  /** The errno returned to the guest. */
  readonly errno: Errno;
  /** Creates the error; the message is the witx name of the errno. */
  constructor(errno: Errno, detail?: string) {
    super(detail ? `${errnoName(errno)}: ${detail}` : errnoName(errno));
    this.name = "WasiError";
    this.errno = errno;
  }
}

const NAMES: string[] = [];
for (const [k, v] of Object.entries(Errno)) NAMES[v] = k === "_2BIG" ? "2big" : k.toLowerCase();

/** The witx name of an errno (`"noent"`, `"2big"`), or `"errno N"` for unknown values. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `errno ${errno}`;
}

/**
 * POSIX error names (as in a Deno or `node:fs` error's `code`) that are not
 * simply `"E" + the WASI name`.
 */
const CODE_ALIASES: Record<string, Errno> = {
  E2BIG: Errno._2BIG,
  EWOULDBLOCK: Errno.AGAIN,
  EOPNOTSUPP: Errno.NOTSUP,
  EDEADLOCK: Errno.DEADLK,
  ESOCKTNOSUPPORT: Errno.PROTONOSUPPORT,
  EPFNOSUPPORT: Errno.AFNOSUPPORT,
  ESHUTDOWN: Errno.PIPE,
  EHOSTDOWN: Errno.HOSTUNREACH,
  ETIME: Errno.TIMEDOUT,
  ENOTBLK: Errno.NOTSUP,
  ENODATA: Errno.NOENT,
  ENOSTR: Errno.NOTSUP,
  ENOSR: Errno.NOMEM,
  ETOOMANYREFS: Errno.MFILE,
  EUSERS: Errno.AGAIN,
  EREMOTEIO: Errno.IO,
  ENOMEDIUM: Errno.NODEV,
  EMEDIUMTYPE: Errno.NODEV,
  ENOKEY: Errno.NOENT,
  EKEYEXPIRED: Errno.ACCES,
  EKEYREVOKED: Errno.ACCES,
  EKEYREJECTED: Errno.ACCES,
  ERFKILL: Errno.NETDOWN,
  EHWPOISON: Errno.IO,
  EBADFD: Errno.BADF,
  ENOTUNIQ: Errno.INVAL,
  ESTRPIPE: Errno.PIPE,
  ENONET: Errno.NETUNREACH,
  ECOMM: Errno.IO,
  EREMCHG: Errno.NOTSUP,
  ELIBACC: Errno.NOEXEC,
  ELIBBAD: Errno.NOEXEC,
  ELIBSCN: Errno.NOEXEC,
  ELIBMAX: Errno.NOEXEC,
  ELIBEXEC: Errno.NOEXEC,
};

/**
 * Deno's error classes (by `name`) for errors that carry no POSIX `code`.
 * Every class in `Deno.errors` is listed.
 */
const CLASS_ERRNO: Record<string, Errno> = {
  NotFound: Errno.NOENT,
  PermissionDenied: Errno.ACCES,
  NotCapable: Errno.ACCES,
  ConnectionRefused: Errno.CONNREFUSED,
  ConnectionReset: Errno.CONNRESET,
  ConnectionAborted: Errno.CONNABORTED,
  NotConnected: Errno.NOTCONN,
  AddrInUse: Errno.ADDRINUSE,
  AddrNotAvailable: Errno.ADDRNOTAVAIL,
  BrokenPipe: Errno.PIPE,
  AlreadyExists: Errno.EXIST,
  InvalidData: Errno.INVAL,
  TimedOut: Errno.TIMEDOUT,
  Interrupted: Errno.INTR,
  WriteZero: Errno.IO,
  WouldBlock: Errno.AGAIN,
  UnexpectedEof: Errno.IO,
  BadResource: Errno.BADF,
  Http: Errno.IO,
  Busy: Errno.BUSY,
  NotSupported: Errno.NOTSUP,
  FilesystemLoop: Errno.LOOP,
  IsADirectory: Errno.ISDIR,
  NetworkUnreachable: Errno.NETUNREACH,
  NotADirectory: Errno.NOTDIR,
};

/** The errno for a POSIX error name such as `"ENOENT"`, or undefined. */
export function errnoFromCode(code: string): Errno | undefined {
  const alias = CODE_ALIASES[code];
  if (alias !== undefined) return alias;
  if (code.length > 1 && code[0] === "E") {
    const key = code.slice(1) as keyof typeof Errno;
    if (key !== "SUCCESS" && Object.hasOwn(Errno, key)) return Errno[key];
  }
  return undefined;
}

/**
 * The errno a guest should see for a host failure: a {@linkcode WasiError}'s
 * own errno; a Deno permission denial (`Deno.errors.NotCapable`) is `EACCES`;
 * otherwise the POSIX `code` Deno and `node:fs` attach (`"ENOENT"`, …), then
 * the Deno error class. Returns undefined for anything else (a bug, which the
 * caller rethrows rather than hide behind `EIO`).
 */
export function errnoFromError(e: unknown): Errno | undefined {
  if (e instanceof WasiError) return e.errno;
  if (!(e instanceof Error)) return undefined;
  if (e.name === "NotCapable") return Errno.ACCES;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    const errno = errnoFromCode(code);
    if (errno !== undefined) return errno;
  }
  return CLASS_ERRNO[e.name];
}

/**
 * Reports Deno permission denials on the host's stderr: one line per
 * `--allow-…` flag, however many calls the guest makes that need it.
 */
export class PermissionHints {
  #seen = new Set<string>();
  #warn: (line: string) => void;

  /** Creates a reporter writing lines with `warn`. */
  constructor(warn: (line: string) => void) {
    this.#warn = warn;
  }

  /** If `e` is a Deno permission denial, reports it (once per flag) and returns true. */
  report(e: unknown): boolean {
    if (!(e instanceof Error) || e.name !== "NotCapable") return false;
    const flag = /--allow-[a-z-]+/.exec(e.message)?.[0] ?? "--allow-all";
    if (this.#seen.has(flag)) return true;
    this.#seen.add(flag);
    const grant = e.message.includes(flag) ? "" : ` (grant it with ${flag})`;
    this.#warn(`kwasm: WASI call denied by Deno's permissions: ${e.message}${grant}`);
    return true;
  }
}

/**
 * The state every WASI host function works on: guest memory, the fd table,
 * arguments and environment, and the permission-hint reporter. One context
 * serves both `wasi_snapshot_preview1` and `wasi_unstable`, so a guest that
 * imports from both sees one set of descriptors.
 *
 * @module
 */

import { GuestMemory } from "./memory.ts";
import { FdTable } from "./fd/table.ts";
import { errnoFromError, PermissionHints } from "./errors.ts";

/** Result of a host function: an errno, or a Promise of one when the call suspends. */
export type CallResult = number | Promise<number>;

/** The shared state of one WASI instance. */
export class WasiContext {
  /** The guest's memory. */
  readonly mem: GuestMemory = new GuestMemory();
  /** The descriptor table (shared with the `net` module). */
  readonly fds: FdTable;
  /** Command-line arguments, UTF-8 encoded, without NULs. */
  readonly args: readonly Uint8Array[];
  /** Environment entries `NAME=value`, UTF-8 encoded, without NULs. */
  readonly env: readonly Uint8Array[];
  /** Reports Deno permission denials on the host's stderr. */
  readonly hints: PermissionHints;

  /** Creates a context. */
  constructor(
    fds: FdTable,
    args: readonly Uint8Array[],
    env: readonly Uint8Array[],
    warn: (line: string) => void,
  ) {
    this.fds = fds;
    this.args = args;
    this.env = env;
    this.hints = new PermissionHints(warn);
  }

  /**
   * The errno for an error thrown by a host function (reporting a Deno
   * permission denial on the way). Anything that is not a guest-visible
   * failure — `ExitStatus`, a bug — is rethrown.
   */
  fail(e: unknown): number {
    const errno = errnoFromError(e);
    if (errno === undefined) throw e;
    this.hints.report(e);
    return errno;
  }
}

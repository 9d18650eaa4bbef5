/**
 * WASI for kwasm: the preview1 (`wasi_snapshot_preview1`) and preview0
 * (`wasi_unstable`) host modules over Deno's APIs, sandboxed by preopened
 * directories and, behind them, Deno's permissions.
 *
 * - {@linkcode createWasi} makes a host: `imports` for instantiation,
 *   `start(instance)` to run a command and get its exit code.
 * - Calls that can block (stdin, `poll_oneoff`, sockets) return a Promise
 *   and suspend the guest; `mayReturnPromise(name)` says which, so a backend
 *   wraps only those (JSPI's `WebAssembly.Suspending` in singlepass).
 * - Descriptors are objects in an {@linkcode FdTable}; the `net` module adds
 *   its sockets to the same table by extending {@linkcode BaseDescriptor}.
 *
 * @example Run a WASI command on the host engine
 * ```ts ignore
 * import { createWasi } from "@kwasm/kwasm/wasi";
 * const wasi = createWasi({ args: ["app", "in.txt"], dirs: [".::/work"] });
 * const { instance } = await WebAssembly.instantiate(bytes, wasi.imports);
 * Deno.exitCode = await wasi.start(instance);
 * ```
 *
 * @example The error numbers
 * ```ts
 * import { Errno } from "@kwasm/kwasm/wasi";
 * console.log(Errno.NOENT); // 44
 * ```
 *
 * @module
 */

export { Errno } from "./errno.ts";
export {
  createWasi,
  parseDir,
  type Preopen,
  type WasiFunction,
  type WasiHost,
  type WasiInstance,
  type WasiOptions,
} from "./host.ts";
export { errnoFromError, errnoName, ExitStatus, WasiError } from "./errors.ts";
export type { MemoryLike } from "./memory.ts";
export {
  BaseDescriptor,
  type Descriptor,
  type Filestat,
  WaitQueue,
  WOULD_BLOCK,
} from "./fd/descriptor.ts";
export { FdTable } from "./fd/table.ts";
export type { WasiReader, WasiWriter } from "./fd/stdio.ts";
export {
  Advice,
  Clockid,
  Eventrwflags,
  Eventtype,
  Fdflags,
  Filetype,
  Fstflags,
  Lookupflags,
  Oflags,
  Preopentype,
  Riflags,
  Roflags,
  Sdflags,
  Signal,
  Subclockflags,
  Whence,
  WhenceP0,
} from "./abi/constants.ts";
export { LISTENER_RIGHTS, Rights, SOCKET_RIGHTS } from "./abi/rights.ts";

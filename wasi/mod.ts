/**
 * WASI for kwasm: the preview1 (`wasi_snapshot_preview1`) and preview0
 * (`wasi_unstable`) host modules.
 *
 * This entry point currently exports the ABI's error numbers; the host
 * functions themselves arrive with the WASI work (see the project's issues).
 *
 * @example
 * ```ts
 * import { Errno } from "@kwasm/kwasm/wasi";
 * console.log(Errno.NOENT); // 44
 * ```
 *
 * @module
 */

export { Errno } from "./errno.ts";

/**
 * kernel-net for kwasm: the `net` import module (sockets and epoll) of
 * kernel-wasm's networking extension.
 *
 * This entry point currently exports the ABI's constants; the host functions
 * arrive with the networking work (see the project's issues).
 *
 * @example
 * ```ts
 * import { EpollEvent } from "@kwasm/kwasm/net";
 * console.log(EpollEvent.IN | EpollEvent.OUT); // 5
 * ```
 *
 * @module
 */

export { EPOLL_EVENT_SIZE, EpollEvent, EpollOp, LinuxErrno, SocketConst } from "./abi.ts";

/**
 * kernel-net for kwasm: the `net` import module (sockets, eventfds and
 * epoll) of kernel-wasm's networking extension, over `Deno.listen` and
 * `Deno.connect`, sharing WASI's fd table — "sockets are files", so WASI's
 * `fd_read`, `fd_write` and `fd_close` work on them.
 *
 * @example
 * ```ts
 * import { EpollEvent } from "@kwasm/kwasm/net";
 * console.log(EpollEvent.IN | EpollEvent.OUT); // 5
 * ```
 *
 * @example Run a server (singlepass, kernel loader)
 * ```ts ignore
 * import { createWasi } from "@kwasm/kwasm/wasi";
 * import { createNet } from "@kwasm/kwasm/net";
 * const wasi = createWasi({ args: ["echo", "8080"], asyncWrites: true });
 * const net = createNet(wasi);
 * const instance = await compiled.instantiate({ ...wasi.imports, ...net.imports });
 * Deno.exitCode = await net.start(instance);
 * ```
 *
 * @module
 */

export { EPOLL_EVENT_SIZE, EpollEvent, EpollOp, LinuxErrno, SocketConst } from "./abi.ts";
export { createNet, type NetFunction, type NetHost, type NetOptions } from "./host.ts";
export { RECV_LIMIT, SEND_LIMIT } from "./socket.ts";
export { parseHostPort, tcpListener } from "./listen.ts";
// The WASI types the API above mentions, so that its documentation is complete.
export type {
  Descriptor,
  Errno,
  FdTable,
  Filestat,
  MemoryLike,
  WasiFunction,
  WasiHost,
  WasiInstance,
} from "../wasi/mod.ts";

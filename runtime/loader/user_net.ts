/**
 * The `net` module under the user loader: its effect table (which guest
 * bytes each of the 15 imports reads and writes) and {@linkcode netUserHost},
 * which serves the very same `createNet` imports the kernel loader calls
 * directly. A blocking `net` call (`_epoll_wait`, `_accept4`, `_recvfrom`,
 * `_connect`, `_sendto`) returns a Promise here; the kernel side awaits it
 * while the guest's worker sleeps in `Atomics.wait`, so it blocks that guest
 * alone.
 *
 * @module
 */

import type { NetHost } from "../../net/mod.ts";
import { EPOLL_EVENT_SIZE } from "../../net/abi.ts";
import { SOCKADDR_IN6_SIZE } from "../../net/address.ts";
import type { UserHost } from "./user.ts";
import { type Effect, EffectKind as K, type EffectTable } from "./user_effects.ts";

/** A buffer the call reads: `ptr` argument, length in argument `lenArg`. */
const bytesIn = (ptr: number, lenArg: number): Effect => ({ kind: K.in, ptr, lenArg });

/**
 * An optional `sockaddr *addr, socklen_t *len` pair the call fills in (only
 * when `addr` is not null): the address, as long as `*len` says (the call
 * writes at most a `sockaddr_in6`), and `*len` itself.
 */
const sockaddrOut = (addr: number, len: number): Effect[] => [
  { kind: K.inOut, ptr: addr, lenAt: len, maxLen: SOCKADDR_IN6_SIZE, onlyIf: addr },
  { kind: K.inOut, ptr: len, len: 4, onlyIf: addr },
];

/**
 * `net`'s memory effects (argument indices as in `net/abi.ts`'s ABI). Calls
 * without pointers (`_socket`, `_listen`, `_eventfd_sem`, `_epoll_create`,
 * `_fcntl`, `_shutdown`) have no entry. `_sendto`'s address arguments are
 * left out: the host ignores them (stream sockets only).
 */
export const NET_EFFECTS: EffectTable = {
  _bind: [bytesIn(1, 2)],
  _connect: [bytesIn(1, 2)],
  _accept4: sockaddrOut(1, 2),
  _sendto: [bytesIn(1, 2)],
  _recvfrom: [{ kind: K.outResult, ptr: 1, lenArg: 2 }, ...sockaddrOut(4, 5)],
  // `*len` is read (checked) even when `addr` is null.
  _getsockname: [sockaddrOut(1, 2)[0], { kind: K.inOut, ptr: 2, len: 4 }],
  _setsockopt: [bytesIn(3, 4)],
  _epoll_ctl: [{ kind: K.in, ptr: 3, len: EPOLL_EVENT_SIZE }],
  _epoll_wait: [{ kind: K.outResult, ptr: 1, lenArg: 2, scale: EPOLL_EVENT_SIZE }],
};

/**
 * `net` as a {@linkcode UserHost}: results ≥ 0 are successes. The sockets
 * live in WASI's fd table, so the WASI host's `close` (`wasiUserHost`)
 * releases them — listeners at once, so a new server can bind the port;
 * serve both hosts to the guest.
 *
 * @example
 * ```ts ignore
 * const wasi = createWasi({ args: ["echo", "0"], asyncWrites: true });
 * const net = createNet(wasi);
 * const guest = runUser(bytes, { hosts: [wasiUserHost(wasi), netUserHost(net)] });
 * ```
 */
export function netUserHost(net: NetHost): UserHost {
  return {
    imports: net.imports,
    effects: { net: NET_EFFECTS },
    success: "nonNegative",
    bindMemory: (m) => net.bindMemory(m),
  };
}

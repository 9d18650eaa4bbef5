/**
 * Preopened listeners for WASI's `sock_accept` (wasmtime's
 * `-S tcplisten=ADDR`): a listening {@linkcode TcpSocket} to hand to
 * `createWasi({ sockets })`.
 *
 * @module
 */

import type { Descriptor } from "../wasi/mod.ts";
import { TcpSocket } from "./socket.ts";

/** Parses `HOST:PORT` or `[V6]:PORT`; null when malformed. */
export function parseHostPort(addr: string): { hostname: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  if (m === null) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { hostname: m[1] ?? (m[2] || "0.0.0.0"), port };
}

/**
 * A listening socket on `addr` (`HOST:PORT`), accepting already. Throws a
 * `TypeError` for a malformed address and Deno's error when it cannot listen.
 *
 * @example
 * ```ts ignore
 * const wasi = createWasi({ sockets: [tcpListener("127.0.0.1:8080")] });
 * ```
 */
export function tcpListener(addr: string, onError: (e: unknown) => void = () => {}): Descriptor {
  const a = parseHostPort(addr);
  if (a === null) throw new TypeError(`not an address (HOST:PORT): ${addr}`);
  const s = new TcpSocket(a.hostname.includes(":"), null, onError);
  s.bind(a);
  s.listen(128);
  return s;
}

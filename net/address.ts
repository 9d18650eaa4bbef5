/**
 * `sockaddr_in` / `sockaddr_in6` in guest memory ⇄ Deno's `{ hostname, port }`.
 *
 * ```text
 * sockaddr_in  (16): u16 family=2 (LE) · u16 port (BE) · u8[4] addr · u8[8] zero
 * sockaddr_in6 (28): u16 family=10 (LE) · u16 port (BE) · u32 flowinfo · u8[16] addr · u32 scope
 * ```
 *
 * @module
 */

import { SocketConst } from "./abi.ts";

/** A socket address as Deno takes it. */
export interface SockAddr {
  /** Dotted quad, or an IPv6 address. */
  hostname: string;
  /** Port number. */
  port: number;
}

/** Size of `sockaddr_in`. */
export const SOCKADDR_IN_SIZE = 16;
/** Size of `sockaddr_in6`. */
export const SOCKADDR_IN6_SIZE = 28;

/**
 * Reads a socket address at `p` (already bounds-checked for `len` bytes);
 * null when the family or length is wrong.
 */
export function readSockAddr(u8: Uint8Array, p: number, len: number): SockAddr | null {
  if (len < 2) return null;
  const family = u8[p] | (u8[p + 1] << 8);
  if (family === SocketConst.AF_INET && len >= SOCKADDR_IN_SIZE) {
    return {
      hostname: `${u8[p + 4]}.${u8[p + 5]}.${u8[p + 6]}.${u8[p + 7]}`,
      port: (u8[p + 2] << 8) | u8[p + 3],
    };
  }
  if (family === SocketConst.AF_INET6 && len >= SOCKADDR_IN6_SIZE) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) {
      groups.push(((u8[p + 8 + i] << 8) | u8[p + 9 + i]).toString(16));
    }
    return { hostname: groups.join(":"), port: (u8[p + 2] << 8) | u8[p + 3] };
  }
  return null;
}

function ipv4Bytes(hostname: string): number[] | null {
  const parts = hostname.split(".");
  if (parts.length !== 4) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? bytes : null;
}

function ipv6Bytes(hostname: string): number[] {
  const out = new Array<number>(16).fill(0);
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(hostname);
  if (v4) {
    out[10] = out[11] = 0xff;
    ipv4Bytes(v4[1])?.forEach((b, i) => (out[12 + i] = b));
    return out;
  }
  const [head, tail] = hostname.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined
    ? h
    : [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t];
  groups.slice(0, 8).forEach((g, i) => {
    const v = parseInt(g, 16) || 0;
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/**
 * Encodes `addr` as the `sockaddr` the guest expects (IPv4 unless the
 * hostname is an IPv6 address).
 */
export function encodeSockAddr(addr: SockAddr): Uint8Array {
  const v4 = ipv4Bytes(addr.hostname);
  if (v4 !== null) {
    const b = new Uint8Array(SOCKADDR_IN_SIZE);
    b[0] = SocketConst.AF_INET;
    b[2] = addr.port >> 8;
    b[3] = addr.port & 0xff;
    b.set(v4, 4);
    return b;
  }
  const b = new Uint8Array(SOCKADDR_IN6_SIZE);
  b[0] = SocketConst.AF_INET6;
  b[2] = addr.port >> 8;
  b[3] = addr.port & 0xff;
  b.set(ipv6Bytes(addr.hostname), 8);
  return b;
}

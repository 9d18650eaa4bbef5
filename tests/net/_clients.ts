/**
 * Helpers of the server end-to-end tests: a guest server subprocess whose
 * open descriptors and resident memory can be read from outside (in
 * `/proc/<pid>`), and raw-TCP clients — a keep-alive HTTP/1.1 client that
 * parses responses itself, and the small pieces misbehaving clients are
 * made of.
 *
 * @module
 */

import { type Server, startGuest } from "./_server.ts";

const dec = new TextDecoder();

/** A guest server running in its own `deno` process, watched through `/proc/<pid>`. */
export interface GuestProcess extends Server {
  /** Open file descriptors of the process now (entries of `/proc/<pid>/fd`). */
  fdCount(): number;
  /** Resident memory of the process now, in KiB (`VmRSS` of `/proc/<pid>/status`). */
  rssKiB(): number;
}

/** Open file descriptors of process `pid`. */
export function fdCount(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/** Resident memory of process `pid` in KiB. */
export function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (m === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

/** {@linkcode startGuest} under the kernel loader, watched through `/proc/<pid>`. */
export async function spawnGuest(
  example: string,
  backend: string,
  guestArgs: string[],
  dirs: string[] = [],
  options: string[] = [],
): Promise<GuestProcess> {
  const server = await startGuest(example, backend, guestArgs, dirs, "kernel", options);
  const pid = server.pid;
  return { ...server, fdCount: () => fdCount(pid), rssKiB: () => rssKiB(pid) };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` every 50 ms until it is at most `limit` or `timeoutMs` has
 * passed; returns its last value (descriptors are closed asynchronously, so
 * a count settles rather than drops at once).
 */
export async function settle(
  probe: () => number,
  limit: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let v = probe();
  while (v > limit && Date.now() < deadline) {
    await sleep(50);
    v = probe();
  }
  return v;
}

/** Connects to 127.0.0.1:`port`. */
export function connect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

/** Writes all of `bytes` (a write may take only part). */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/** Reads exactly `n` bytes (fewer if the stream ends first). */
export async function readN(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const m = await conn.read(buf.subarray(got));
    if (m === null) break;
    got += m;
  }
  return buf.subarray(0, got);
}

/** Reads until the end of the stream (or a reset) and decodes it as text. */
export async function readToEnd(conn: Deno.Conn): Promise<string> {
  const parts: string[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) return parts.join("");
    parts.push(dec.decode(buf.subarray(0, n)));
  }
}

/** One parsed HTTP/1.1 response. */
export interface HttpResponse {
  /** Status code. */
  status: number;
  /** Header fields, names lowercased. */
  headers: Map<string, string>;
  /** The body (Content-Length bytes) as text. */
  body: string;
}

/**
 * A client end of an HTTP/1.1 connection over raw TCP: writes requests as
 * given and parses the responses in order (pipelining works), each framed
 * by its Content-Length.
 */
export class HttpConn {
  #buf = new Uint8Array(8192);
  #len = 0;

  /** Wraps an open connection. */
  constructor(readonly conn: Deno.TcpConn) {}

  /** Opens a connection to 127.0.0.1:`port`. */
  static async open(port: number): Promise<HttpConn> {
    return new HttpConn(await connect(port));
  }

  /** Writes `text` (one or more requests, or part of one). */
  async send(text: string): Promise<void> {
    await writeAll(this.conn, new TextEncoder().encode(text));
  }

  /** Reads the next response; null when the stream ends before one starts. */
  async response(head = false): Promise<HttpResponse | null> {
    let end: number;
    while ((end = this.#find("\r\n\r\n")) < 0) {
      if (!(await this.#fill())) {
        if (this.#len === 0) return null;
        throw new Error(`stream ended inside a response head: ${this.#text(0, this.#len)}`);
      }
    }
    const lines = this.#text(0, end).split("\r\n");
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(lines[0]);
    if (m === null) throw new Error(`bad status line: ${lines[0]}`);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = head ? 0 : Number(headers.get("content-length") ?? "0");
    const start = end + 4;
    while (this.#len < start + length) {
      if (!(await this.#fill())) throw new Error("stream ended inside a response body");
    }
    const body = this.#text(start, start + length);
    this.#buf.copyWithin(0, start + length, this.#len);
    this.#len -= start + length;
    return { status: Number(m[1]), headers, body };
  }

  /** Sends a GET of `path` and reads its response. */
  async get(path: string, headers = ""): Promise<HttpResponse> {
    await this.send(`GET ${path} HTTP/1.1\r\nHost: kwasm\r\n${headers}\r\n`);
    const r = await this.response();
    if (r === null) throw new Error(`no response to GET ${path}`);
    return r;
  }

  /** Closes the connection (idempotent). */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  async #fill(): Promise<boolean> {
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    const n = await this.conn.read(this.#buf.subarray(this.#len));
    if (n === null) return false;
    this.#len += n;
    return true;
  }

  #find(s: string): number {
    const b = this.#buf;
    const c0 = s.charCodeAt(0);
    outer: for (let i = 0; i + s.length <= this.#len; i++) {
      if (b[i] !== c0) continue;
      for (let j = 1; j < s.length; j++) if (b[i + j] !== s.charCodeAt(j)) continue outer;
      return i;
    }
    return -1;
  }

  #text(from: number, to: number): string {
    return dec.decode(this.#buf.subarray(from, to));
  }
}

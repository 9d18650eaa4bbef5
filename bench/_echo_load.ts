/**
 * A tcpkali-style echo load generator: `connections` sockets to an echo
 * server, each streaming `messageSize`-byte messages (at most `window` of
 * them in flight, written back to back) and reading the echo back, for `seconds`. Reports the echoed
 * throughput in Mbit/s (bytes that made the round trip, ×8).
 *
 * @module
 */

/** Options of {@linkcode echoLoad}. */
export interface EchoLoadOptions {
  /** Server port on 127.0.0.1. */
  port: number;
  /** Concurrent connections. */
  connections: number;
  /** Bytes per message. */
  messageSize: number;
  /** Duration of the measurement. */
  seconds: number;
  /** Messages in flight per connection (default 8). */
  window?: number;
}

/** Result of a run. */
export interface EchoLoadResult {
  /** Echoed megabits per second. */
  mbps: number;
  /** Bytes echoed during the measurement. */
  bytes: number;
  /** Connections that failed. */
  errors: number;
}

/** Runs the load and returns the throughput. */
export async function echoLoad(o: EchoLoadOptions): Promise<EchoLoadResult> {
  const window = o.window ?? 8;
  const batch = new Uint8Array(o.messageSize * window).fill(97);
  const conns = await Promise.all(
    Array.from(
      { length: o.connections },
      () => Deno.connect({ hostname: "127.0.0.1", port: o.port }),
    ),
  );
  let bytes = 0;
  let errors = 0;
  let running = true;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const one = async (conn: Deno.TcpConn) => {
    conn.setNoDelay(true);
    let inFlight = 0; // bytes written, not yet echoed
    const limit = window * o.messageSize;
    let wake: (() => void) | null = null;
    // Whatever the window allows goes out in one write (several messages back to back, as
    // tcpkali streams them): the generator spends its time on the wire, not on per-write calls.
    const writer = (async () => {
      while (running) {
        const k = Math.floor((limit - inFlight) / o.messageSize);
        if (k === 0) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        const out = batch.subarray(0, k * o.messageSize);
        inFlight += out.length;
        for (let off = 0; off < out.length;) off += await conn.write(out.subarray(off));
      }
    })();
    const buf = new Uint8Array(64 * 1024);
    while (running) {
      const n = await conn.read(buf);
      if (n === null) break;
      inFlight -= n;
      if (performance.now() < end) bytes += n;
      else running = false;
      const w = wake as (() => void) | null;
      wake = null;
      w?.();
    }
    (wake as (() => void) | null)?.();
    await writer.catch(() => {});
  };
  const closeAll = () => {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // closed already
      }
    }
  };
  // At the end, a reader may wait for an echo that is not coming: closing unblocks it.
  let closer: ReturnType<typeof setTimeout> | undefined;
  const stopper = setTimeout(() => {
    running = false;
    closer = setTimeout(closeAll, 300);
  }, o.seconds * 1000 + 50);
  await Promise.all(conns.map((c) => one(c).catch(() => void (running && errors++))));
  clearTimeout(stopper);
  clearTimeout(closer);
  closeAll();
  const elapsed = Math.min(performance.now(), end) - t0;
  return { mbps: (bytes * 8) / (elapsed / 1000) / 1e6, bytes, errors };
}

/**
 * Free lists for the fixed-size buffers every socket holds (its receive
 * ring and its two send buffers), as a kernel keeps slab caches.
 *
 * Without them each connection's ~96 KiB becomes garbage when it closes and
 * V8 frees it only when external-memory pressure next triggers a GC: after
 * 1,000 connections come and go the next 1,000 allocate afresh, and the
 * process's RSS climbs by up to a round's worth before a GC catches up.
 * With them a closed socket's buffers go straight to the next one, so memory
 * after a burst is what the burst needed (up to the lists' bound), not a
 * function of when the GC ran.
 *
 * @module
 */

/** A bounded free list of buffers of one size. */
export class BufferPool {
  #free: Uint8Array[] = [];

  /** A pool of `size`-byte buffers keeping at most `max` of them. */
  constructor(readonly size: number, readonly max: number) {}

  /** A buffer of `size` bytes (contents unspecified: a reused one keeps old bytes). */
  take(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(this.size);
  }

  /**
   * Gives `buf` back for reuse. Only whole buffers of the pool's size are
   * kept (a view or a grown buffer is left to the GC), and only up to `max`.
   * The caller must not touch `buf` afterwards, nor may the host still be
   * reading into it.
   */
  give(buf: Uint8Array): void {
    if (
      buf.length === this.size && buf.byteOffset === 0 && buf.buffer.byteLength === this.size &&
      this.#free.length < this.max
    ) {
      this.#free.push(buf);
    }
  }

  /** Buffers waiting for reuse. */
  get idle(): number {
    return this.#free.length;
  }
}

/**
 * Standard input, output and error.
 *
 * Output is written synchronously (`writeSync`), like a blocking `write(2)`
 * on a terminal or pipe. Input never blocks the event loop: stdin keeps one
 * asynchronous read outstanding into its own buffer (the way a kernel keeps
 * a pipe buffer), `fd_read` takes from that buffer, and when it is empty the
 * shim suspends the guest until the read completes. `poll_oneoff` sees the
 * same buffer, so "is stdin readable" never consumes input.
 *
 * @module
 */

import { Filetype } from "../abi/constants.ts";
import { Rights, STDIO_RIGHTS } from "../abi/rights.ts";
import { BaseDescriptor, WaitQueue, WOULD_BLOCK } from "./descriptor.ts";

/** Where the guest's stdin comes from; `Deno.stdin` is one. */
export interface WasiReader {
  /** Reads into `p`: bytes read, or null at end of input. */
  read(p: Uint8Array): Promise<number | null>;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

/** Where the guest's stdout or stderr goes; `Deno.stdout` is one. */
export interface WasiWriter {
  /** Writes some of `p`, returns how many bytes were written. */
  writeSync(p: Uint8Array): number;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

function filetypeOf(s: { isTerminal?(): boolean }): number {
  try {
    return s.isTerminal?.() ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN;
  } catch {
    return Filetype.UNKNOWN;
  }
}

const BUFFER_SIZE = 64 * 1024;

/** The guest's stdin over a {@linkcode WasiReader}. */
export class StdinDescriptor extends BaseDescriptor {
  /** Character device for a terminal, else unknown (a pipe or file). */
  readonly filetype: number;
  #reader: WasiReader;
  #buf = new Uint8Array(BUFFER_SIZE);
  #start = 0;
  #end = 0;
  #eof = false;
  #error: unknown = null;
  #pending = false;
  #waiters = new WaitQueue();

  /** Creates stdin reading from `reader`. */
  constructor(reader: WasiReader) {
    super(STDIO_RIGHTS & ~Rights.FD_WRITE);
    this.#reader = reader;
    this.filetype = filetypeOf(reader);
  }

  #fill(): void {
    if (this.#pending || this.#eof || this.#error !== null) return;
    this.#pending = true;
    this.#start = this.#end = 0;
    this.#reader.read(this.#buf).then(
      (n) => {
        if (n === null || n === 0) this.#eof = true;
        else this.#end = n;
      },
      (e) => {
        this.#error = e;
      },
    ).finally(() => {
      this.#pending = false;
      this.#waiters.wake();
    });
  }

  /** Takes buffered input; WOULD_BLOCK (and starts a read) when there is none. */
  override read(buf: Uint8Array): number {
    const avail = this.#end - this.#start;
    if (avail > 0) {
      const n = Math.min(avail, buf.length);
      buf.set(this.#buf.subarray(this.#start, this.#start + n));
      this.#start += n;
      return n;
    }
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw e;
    }
    if (this.#eof) return 0;
    if (buf.length === 0) return 0;
    this.#fill();
    return WOULD_BLOCK;
  }

  /** Buffered bytes, 0 at end of input, -1 while waiting for input. */
  override readable(): number {
    const avail = this.#end - this.#start;
    if (avail > 0) return avail;
    if (this.#eof || this.#error !== null) return 0;
    this.#fill();
    return -1;
  }

  /** End of input reached. */
  override hangup(): boolean {
    return this.#eof && this.#end === this.#start;
  }

  /** Settles once input (or end of input) is available. */
  override waitReadable(): Promise<void> {
    if (this.readable() >= 0) return Promise.resolve();
    return this.#waiters.wait();
  }
}

/** The guest's stdout or stderr over a {@linkcode WasiWriter}. */
export class OutputDescriptor extends BaseDescriptor {
  /** Character device for a terminal, else unknown (a pipe or file). */
  readonly filetype: number;
  #writer: WasiWriter;

  /** Creates an output descriptor writing to `writer`. */
  constructor(writer: WasiWriter) {
    super(STDIO_RIGHTS & ~Rights.FD_READ);
    this.#writer = writer;
    this.filetype = filetypeOf(writer);
  }

  /** Writes all of `buf` (looping over short writes). */
  override write(buf: Uint8Array): number {
    let off = 0;
    while (off < buf.length) {
      off += this.#writer.writeSync(off === 0 ? buf : buf.subarray(off));
    }
    return buf.length;
  }

  /** Nothing buffered on our side: success. */
  override sync(): void {}

  /** Nothing buffered on our side: success. */
  override datasync(): void {}
}

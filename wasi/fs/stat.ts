/**
 * Host file attributes (`Deno.FileInfo`) in WASI's terms.
 *
 * Deno's own stat calls are used rather than `node:fs`'s, which cost several
 * times more per call in Deno. Deno reports times with millisecond
 * resolution, so WASI timestamps are whole milliseconds.
 *
 * @module
 */

import { Filetype } from "../abi/constants.ts";
import type { Filestat } from "../fd/descriptor.ts";

/** The part of `Deno.FileInfo` / `Deno.DirEntry` that says what kind of file it is. */
export interface KindOf {
  /** Regular file. */
  isFile: boolean;
  /** Directory. */
  isDirectory: boolean;
  /** Symbolic link. */
  isSymlink: boolean;
  /** Character device (FileInfo only). */
  isCharDevice?: boolean | null;
  /** Block device (FileInfo only). */
  isBlockDevice?: boolean | null;
  /** Socket (FileInfo only). */
  isSocket?: boolean | null;
}

/** The WASI file type of a host file. FIFOs have no WASI type: unknown, as in wasmtime. */
export function filetypeOf(s: KindOf): number {
  if (s.isFile) return Filetype.REGULAR_FILE;
  if (s.isDirectory) return Filetype.DIRECTORY;
  if (s.isSymlink) return Filetype.SYMBOLIC_LINK;
  if (s.isCharDevice) return Filetype.CHARACTER_DEVICE;
  if (s.isBlockDevice) return Filetype.BLOCK_DEVICE;
  if (s.isSocket) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

function ns(d: Date | null): bigint {
  return d === null ? 0n : BigInt(d.getTime()) * 1_000_000n;
}

/** A WASI filestat from host stats. */
export function filestatOf(s: Deno.FileInfo): Filestat {
  return {
    dev: BigInt(s.dev ?? 0),
    ino: BigInt(s.ino ?? 0),
    filetype: filetypeOf(s),
    nlink: BigInt(s.nlink ?? 1),
    size: BigInt(s.size),
    atim: ns(s.atime),
    mtim: ns(s.mtime),
    ctim: ns(s.ctime ?? s.mtime),
  };
}

/** True when two stats describe the same file (same device and inode). */
export function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Nanoseconds since the epoch as the seconds Deno's `utime` takes. */
export function nsToSeconds(ns: bigint): number {
  // Split to keep sub-second precision that a double of the whole count would round off.
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

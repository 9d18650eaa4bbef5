/**
 * The compilation cache: guarded module binaries on disk, keyed by a hash of
 * the original binary and of the guard options, so a second start skips
 * codegen (and validation: only a module that passed it was ever cached).
 * The host engine's compiled code cannot be serialised from JavaScript, so
 * the cache keeps the guarded bytes, and V8 still compiles them — lazily,
 * which is cheap at start-up.
 *
 * Location: `$XDG_CACHE_HOME/kwasm`, else `~/.cache/kwasm` (`%LOCALAPPDATA%\kwasm`
 * on Windows). The cache is best effort: any I/O error (no permission, full
 * disk) means "not cached", never a failure. Entries are written to a
 * temporary file and renamed, so a reader never sees half a file.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { GuardOptions } from "./guard.ts";

/**
 * Version of the code the guard pass emits. Bump it with every change to the
 * guarded module's shape, so old entries are not reused.
 */
export const CODEGEN_VERSION = 5;

/** The user's cache folder for kwasm, or null when it cannot be told (no permission). */
export function defaultCacheDir(): string | null {
  try {
    const xdg = Deno.env.get("XDG_CACHE_HOME");
    if (xdg) return `${xdg}/kwasm`;
    if (Deno.build.os === "windows") {
      const local = Deno.env.get("LOCALAPPDATA");
      return local ? `${local}\\kwasm` : null;
    }
    const home = Deno.env.get("HOME");
    return home ? `${home}/.cache/kwasm` : null;
  } catch {
    return null;
  }
}

/** Guarded binaries on disk, under `dir/singlepass-v<CODEGEN_VERSION>/`. */
export class GuardCache {
  /** The folder entries go to. */
  readonly dir: string;

  /** A cache in `root` (default {@linkcode defaultCacheDir}). */
  constructor(root: string) {
    this.dir = `${root}/singlepass-v${CODEGEN_VERSION}`;
  }

  /** The key of `bytes` guarded with `options`: a SHA-256, hex. */
  key(bytes: Uint8Array, options: GuardOptions): string {
    return createHash("sha256")
      .update(bytes)
      .update(`\0max=${options.maxWasmStack},fuel=${options.fuel}`)
      .digest("hex");
  }

  /** The cached guarded binary for `key`, or null. */
  get(key: string): Uint8Array<ArrayBuffer> | null {
    try {
      return Deno.readFileSync(`${this.dir}/${key}.wasm`);
    } catch {
      return null;
    }
  }

  /** Stores `bytes` under `key`; returns whether it was written. */
  put(key: string, bytes: Uint8Array): boolean {
    const tmp = `${this.dir}/${key}.${Deno.pid}.tmp`;
    try {
      Deno.mkdirSync(this.dir, { recursive: true });
      Deno.writeFileSync(tmp, bytes);
      Deno.renameSync(tmp, `${this.dir}/${key}.wasm`);
      return true;
    } catch {
      try {
        Deno.removeSync(tmp);
      } catch {
        // nothing was written
      }
      return false;
    }
  }

  /** Deletes the entry for `key`, if any (used when an entry turns out corrupt). */
  delete(key: string): void {
    try {
      Deno.removeSync(`${this.dir}/${key}.wasm`);
    } catch {
      // already gone
    }
  }
}

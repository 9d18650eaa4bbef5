/**
 * Child process of the permission test: runs `fsops` with kwasm's WASI under
 * whatever Deno permissions the parent gave, the guest's stdout going to
 * stdout and the host's one-line hints to stderr.
 *
 *     deno run --allow-read=... _permissions_child.ts HOST::GUEST FSOPS-ARGS...
 *
 * @module
 */
import { runWasi } from "./_run.ts";

const [dir, ...args] = Deno.args;
// deno-lint-ignore no-console
const r = await runWasi("fsops", { args: ["fsops", ...args], dirs: [dir], warn: console.error });
await Deno.stdout.write(new TextEncoder().encode(r.stdout));
Deno.exit(r.code);

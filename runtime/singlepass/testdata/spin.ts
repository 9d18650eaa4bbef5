/**
 * Test helper: spins in a wasm infinite loop on the singlepass backend under
 * a watchdog, the way `cli.ts run -W timeout=… spin.wasm` will. Prints
 * `ready` once the watchdog listens, then the trap message and the time
 * spent spinning; exits 1 on the trap.
 *
 *     deno run -A runtime/singlepass/testdata/spin.ts [TIMEOUT_MS]
 *
 * @module
 */
import { startWatchdog } from "../../watchdog.ts";
import { instantiateWat } from "../_testing.ts";

if (import.meta.main) {
  const timeoutMs = Deno.args[0] === undefined ? undefined : Number(Deno.args[0]);
  const dog = startWatchdog({ sigint: true, timeoutMs });
  await dog.ready;
  const inst = await instantiateWat(`(module (func (export "spin") (loop $l (br $l))))`, {}, {}, {
    interrupt: dog.flag,
  });
  console.log("ready");
  const t0 = performance.now();
  try {
    inst.invoke("spin", []);
  } catch (e) {
    console.log(`${(e as Error).message} after ${Math.round(performance.now() - t0)} ms`);
    dog.stop();
    Deno.exit(1);
  }
}

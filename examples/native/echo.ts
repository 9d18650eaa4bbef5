/**
 * The idiomatic Deno echo server: `Deno.listen`, one task per connection
 * piping the socket into itself. The native baseline for the wasm echo server.
 *
 *   deno run --allow-net examples/native/echo.ts [PORT]   (0: any free port)
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8080);
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`echo server listening on 127.0.0.1:${listener.addr.port}`);

for await (const conn of listener) {
  conn.readable.pipeTo(conn.writable).catch(() => {
    // the peer reset the connection; nothing to do
  });
}

/**
 * The idiomatic Deno HTTP server: `Deno.serve`, answering `/` with the same
 * small body as the wasm HTTP server. The native baseline for it.
 *
 *   deno run --allow-net examples/native/http_serve.ts [PORT]
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8080);
const body = "Hello from kwasm!\n";

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`http server listening on http://127.0.0.1:${port}/`),
}, (req) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  if (new URL(req.url).pathname !== "/") return new Response("not found\n", { status: 404 });
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
});

// A small static file server for the built site (scripts/serve and the
// browser tests). Serves one directory on 127.0.0.1 with correct MIME types.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".webmanifest": "application/manifest+json",
};

export function startServer(root, port = 0) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url, "http://localhost");
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (!path.startsWith(base)) throw new Error("outside the site");
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      response.writeHead(200, {
        "Content-Type": TYPES[extname(path)] || "application/octet-stream",
        "Cache-Control": "no-cache",
      });
      response.end(body);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain" });
      response.end("not found");
    }
  });
  return new Promise((resolveListen) =>
    server.listen(port, "127.0.0.1", () => resolveListen(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, port] = [process.argv[2], Number(process.argv[3] || 8080)];
  const server = await startServer(root, port);
  console.log(`Serving Fieldwork CRM at http://127.0.0.1:${server.address().port}/ (Ctrl+C stops)`);
}

// msw handlers served over a real loopback HTTP server.
// msw cannot intercept undici, so instead of patching we answer real sockets with
// msw's getResponse(): every test goes through real TCP, timeouts and retries.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getResponse, type RequestHandler } from "msw";

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface MswServer {
  /** Base URL, e.g. http://127.0.0.1:34567 (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Replace the handlers (prepended, like msw's server.use). */
  use(...handlers: RequestHandler[]): void;
  /** Back to the handlers given at start. */
  resetHandlers(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startMswServer(...initial: RequestHandler[]): Promise<MswServer> {
  let handlers = [...initial];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      const method = req.method ?? "GET";
      requests.push({ method, url, headers, body: body.toString("utf8") });
      const request = new Request(url, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
      });
      const response = await getResponse(handlers, request);
      if (!response) {
        res.writeHead(501, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "no_handler", message: `no msw handler for ${method} ${url.pathname}` }));
        return;
      }
      // Response.error() (msw's HttpResponse.error()) means "drop the connection".
      if (response.type === "error") {
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => (out[k] = v));
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    use: (...more) => {
      handlers = [...more, ...handlers];
    },
    resetHandlers: () => {
      handlers = [...initial];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

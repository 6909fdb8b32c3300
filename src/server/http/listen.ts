// The listening socket of `secr-run serve`, plain HTTP or HTTPS (docs/guide/fleet.md, "TLS").
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface TlsFiles {
  /** PEM certificate chain. */
  cert: Buffer;
  /** PEM private key. */
  key: Buffer;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createListener(handler: RequestHandler, tls: TlsFiles | undefined): Server {
  const options = { keepAliveTimeout: 5_000 };
  // https.Server extends tls.Server, whose request events and methods are node:http's.
  return tls === undefined
    ? createHttpServer(options, handler)
    : (createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handler) as unknown as Server);
}

export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export function urlOf(address: AddressInfo, tls: boolean): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${tls ? "https" : "http"}://${host}:${address.port}`;
}

// Which connections may be cut at shutdown. Only a request whose body has fully arrived is
// worth waiting for (its change may be in progress); a connection that is idle, still sending
// headers, or still uploading a body is closed at once, so shutdown never waits on a slow or
// silent client (docs/design/server.md, "Shutdown").
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";

export interface Connections {
  /** Destroys every connection that has no fully received request in progress. */
  cutWaiting(): void;
}

export function trackConnections(server: Server): Connections {
  const sockets = new Set<Socket>();
  const current = new Map<Socket, IncomingMessage>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      current.delete(socket);
    });
  });
  server.on("request", (req: IncomingMessage, res) => {
    current.set(req.socket, req);
    res.once("finish", () => {
      if (current.get(req.socket) === req) current.delete(req.socket);
    });
  });
  return {
    cutWaiting() {
      for (const socket of sockets) {
        const req = current.get(socket);
        // complete: the parser has seen the whole message (headers and body).
        if (req === undefined || !req.complete) socket.destroy();
      }
    },
  };
}

/**
 * Stops listening and waits for the answers being computed; idle, half-sent and still-uploading
 * connections go at once, and whatever is left after `timeoutSeconds` is cut.
 */
export async function drainServer(server: Server, connections: Connections, timeoutSeconds: number): Promise<void> {
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  connections.cutWaiting();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutSeconds * 1000);
  await done;
  clearTimeout(timer);
}

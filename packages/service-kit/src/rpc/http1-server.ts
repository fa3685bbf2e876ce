import http from "node:http";
import type { Socket } from "node:net";
import type { ServerLimits } from "./server-limits.js";

/**
 * The HTTP/1.1 side of a plaintext port (cleartext-listener.ts hands it its connections), under
 * the limits the HTTP/2 side has: header size, a deadline for headers and for the whole request
 * (a client trickling bytes is answered 408 and closed), keep-alive no longer than the idle
 * limit, and at most `maxConcurrentStreams` requests at once on one connection (pipelining past
 * that closes it, as HTTP/2 refuses streams past its setting).
 */
export function createHttp1Server(
  limits: ServerLimits,
  onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): http.Server {
  const inFlight = new WeakMap<Socket, number>();
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderListBytes,
      requestTimeout: limits.requestBodyTimeoutMs,
      headersTimeout: limits.requestBodyTimeoutMs,
      keepAliveTimeout: Math.min(limits.idleConnectionMs, 60_000),
      // Node checks the two timeouts on this period; its default (30 s) would let a slow client
      // hold a connection three times the body deadline.
      connectionsCheckingInterval: Math.max(250, Math.floor(limits.requestBodyTimeoutMs / 4)),
    },
    (req, res) => {
      const socket = req.socket;
      const count = (inFlight.get(socket) ?? 0) + 1;
      inFlight.set(socket, count);
      res.once("close", () => inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1));
      if (count > limits.maxConcurrentStreams) {
        socket.destroy();
        return;
      }
      onRequest(req, res);
    },
  );
  // Node starts checking those timeouts, and tracking connections for closeIdleConnections and
  // closeAllConnections, when its server emits "listening"; this one never listens itself, the
  // shared plaintext listener does, so it is told once here.
  server.emit("listening");
  return server;
}

import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import type { AddressInfo } from "node:net";
import { HealthState, healthRoutes } from "./health.js";
import { closeWhenIdle } from "./idle-connections.js";
import { createMutualTlsServer } from "./mutual-tls-server.js";
import { serverTracing } from "./rpc-tracing.js";
import { reflectionRoutes } from "./server-reflection.js";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./server-limits.js";
import type { ServerTls } from "../config/tls-config.js";
import { UnfinishedRequests } from "./unfinished-requests.js";
import { cleartextListener } from "./cleartext-listener.js";
import { createHttp1Server } from "./http1-server.js";
import { answeredByCors, type CorsPolicy } from "./cors-policy.js";

export interface GrpcServer {
  readonly port: number;
  readonly health: HealthState;
  /** Stops accepting, lets calls in flight finish for `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/**
 * One listener serving gRPC, gRPC-Web and Connect for the given routes plus grpc.health.v1 and
 * server reflection: over HTTP/2, and in plaintext also over HTTP/1.1 (Connect and gRPC-Web, as
 * a browser's fetch sends them) on the same port. Port 0 picks a free port (tests).
 */
export async function startGrpcServer(options: {
  routes: (router: ConnectRouter) => void;
  host: string;
  port: number;
  health?: HealthState;
  /**
   * Each connection is sent GOAWAY after about this long (±10%, so a fleet's clients do not
   * reconnect in step); calls in flight finish. gRPC clients resolve a `dns:` target again
   * only when a connection ends, so without this a scaled-out pod gets no traffic from the
   * clients already connected. Unset: connections live as long as the client keeps them.
   */
  maxConnectionAgeMs?: number;
  /** Mutual TLS (see mutual-tls-server.ts); unset: plaintext h2c. */
  tls?: ServerTls;
  /** Request size, streams, connections and timeouts; unset ones keep DEFAULT_SERVER_LIMITS. */
  limits?: Partial<ServerLimits>;
  /** gRPC server reflection of the services served (default on), so tools need no --schema. */
  reflection?: boolean;
  /** Which browser origins may call (CORS); unset or empty: none. */
  cors?: CorsPolicy;
}): Promise<GrpcServer> {
  const health = options.health ?? new HealthState();
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const unfinished = new UnfinishedRequests(limits);
  const handler = connectNodeAdapter({
    routes: (router) => {
      options.routes(router);
      healthRoutes(health)(router);
      if (options.reflection !== false) reflectionRoutes(() => router.handlers.map((handler) => handler.service))(router);
    },
    interceptors: [serverTracing],
    // No response compression: the big answers are PDFs, already deflated, and gzipping them
    // again cost the renderer about a millisecond of CPU per render (a profile of `pnpm
    // bench`), in a pool whose only limit is CPU. Compressed requests are still accepted.
    compressMinBytes: Number.MAX_SAFE_INTEGER,
    readMaxBytes: limits.maxRequestBytes,
    requestGate: unfinished.gate,
  });
  const serverOptions: http2.ServerOptions = {
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams,
      maxHeaderListSize: limits.maxHeaderListBytes,
    },
    maxSessionMemory: limits.maxSessionMemoryMb,
  };
  const cors = options.cors ?? { allowedOrigins: [] };
  const onRequest = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    if (req.stream.headersSent) return; // refused by `admit`
    unfinished.resetUnreadOnAnswer(req.stream);
    if (answeredByCors(cors, req, res)) return;
    void handler(req, res);
  };
  const onHttp1Request = (req: http.IncomingMessage, res: http.ServerResponse) => {
    unfinished.admitHttp1(req);
    if (answeredByCors(cors, req, res)) return;
    void handler(req, res);
  };
  let h1: http.Server | undefined;
  let server: net.Server;
  let h2: http2.Http2Server | http2.Http2SecureServer;
  if (options.tls) {
    // The same limits with mutual TLS as without. Its callers are services with certificates.
    h2 = createMutualTlsServer(options.tls, serverOptions, onRequest);
    server = h2;
  } else {
    h2 = http2.createServer(serverOptions, onRequest);
    h1 = createHttp1Server(limits, onHttp1Request);
    server = cleartextListener(h2, h1, limits.requestBodyTimeoutMs);
  }
  // Ahead of Node's own listener, which builds the request and response objects.
  h2.prependListener("stream", (stream, headers) => unfinished.admit(stream, headers));
  server.maxConnections = limits.maxConnections;
  const sessions = new Set<http2.ServerHttp2Session>();
  const maxAge = options.maxConnectionAgeMs;
  h2.on("session", (session) => {
    sessions.add(session);
    closeWhenIdle(session, limits.idleConnectionMs);
    const aged = maxAge ? setTimeout(() => session.close(), maxAge * (0.9 + Math.random() * 0.2)) : undefined;
    aged?.unref();
    session.once("close", () => {
      clearTimeout(aged);
      sessions.delete(session);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    health,
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      h1?.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
        h1?.closeAllConnections();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      h1?.close(); // stops its timeout checks; it has no listener of its own to close
    },
  };
}

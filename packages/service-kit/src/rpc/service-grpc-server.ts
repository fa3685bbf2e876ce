import { startGrpcServer, type GrpcServer } from "./grpc-server.js";
import type { ServerTlsConfig } from "../config/tls-config.js";

export interface ServiceGrpcServer extends GrpcServer {
  /** The plaintext grpc.health.v1 port when TLS is on; undefined without TLS (health is on `port`). */
  readonly healthPort: number | undefined;
}

type ServerOptions = Omit<Parameters<typeof startGrpcServer>[0], "tls">;

/**
 * A service's gRPC server as configured: plaintext h2c without TLS; with TLS, mutual TLS on
 * `port` plus grpc.health.v1 alone, in plaintext, on the health port. Kubernetes' built-in
 * gRPC probes speak only plaintext h2c (the kubelet has no client certificate and cannot be
 * given one), so without that port every probe of a TLS server would fail. It shares the
 * main server's health state, so NOT_SERVING (a drain, a browser being replaced) shows on
 * both, and it serves nothing else: no RPC reaches a service unauthenticated.
 */
export async function startServiceGrpcServer(options: ServerOptions & { tls: ServerTlsConfig }): Promise<ServiceGrpcServer> {
  const { tls, ...serverOptions } = options;
  const server = await startGrpcServer({ ...serverOptions, tls: tls.tls });
  if (tls.tls === undefined || tls.healthPort === undefined) return Object.assign(server, { healthPort: undefined });
  let probes: GrpcServer;
  try {
    probes = await startGrpcServer({
      routes: () => {},
      host: options.host,
      port: tls.healthPort,
      health: server.health,
      reflection: false,
    });
  } catch (error) {
    await server.close(0);
    throw error;
  }
  return {
    port: server.port,
    health: server.health,
    healthPort: probes.port,
    async close(graceMs) {
      // The probe port stays up until the main server is done, so a drain reads NOT_SERVING, not refused.
      await server.close(graceMs);
      await probes.close(0);
    },
  };
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Registry } from "prom-client";

export interface MetricsServer {
  readonly port: number;
  readonly registry: Registry;
  close(): Promise<void>;
}

/**
 * Prometheus metrics on their own plain HTTP port (GET /metrics), apart from the gRPC
 * listener so a scraper needs no HTTP/2 and cannot reach the API. Every service's registry
 * has Node's process metrics; the service registers its own on `registry`.
 */
export async function startMetricsServer(options: {
  service: string;
  host: string;
  port: number;
  registry?: Registry;
}): Promise<MetricsServer> {
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404).end("metrics are at GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    registry,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

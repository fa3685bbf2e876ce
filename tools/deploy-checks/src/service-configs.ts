import type { Env } from "@invoicing/service-kit/config";
import { createLogger } from "@invoicing/service-kit/observability";
import type { ServerTlsConfig } from "@invoicing/service-kit/config";
import { readConfig as readInvoiceConfig } from "@invoicing/invoice/config";
import { readConfig as readNotifierConfig } from "@invoicing/notifier/config";
import { readConfig as readOrderConfig } from "@invoicing/order/config";
import { readConfig as readRendererConfig } from "@invoicing/renderer/config";
import { RendererMetrics } from "@invoicing/renderer/metrics";
import { recordEnvReads, recordProcessEnvReads } from "./env-reads.js";

// The four services as the checks see them: each one's own configuration reader (what it reads
// is learned by running it, see env-reads.ts) and the few settings a cluster cannot leave at
// their one-machine defaults.

/** GrpcServer.close's default grace (packages/service-kit/src/rpc/grpc-server.ts), part of every drain. */
export const SERVER_CLOSE_GRACE_MS = 5_000;

export interface ServiceSpec {
  /** The Deployment's and its container's name in deploy/k8s. */
  name: string;
  configModule: string;
  /**
   * The service's own readConfig. Its host and port are the listener that probes,
   * containerPorts and Services must agree with, metricsPort the one Prometheus scrapes;
   * jetstreamReplicas is there for the services that create JetStream streams, tls says
   * whether it requires mutual TLS and where the probes' plaintext health port is. It throws
   * what the service would stop with.
   */
  readConfig(env: Env): { host: string; port: number; metricsPort: number; jetstreamReplicas?: number; tls: ServerTlsConfig };
  /** Longest a SIGTERM may take to finish, given the configuration. */
  drainMs(env: Env): number;
  /** Variables every overlay must set, each with the reason its default does not do in a cluster. */
  requiredInCluster: Record<string, string>;
  /** The Prometheus metric names the service's own code registers, where a manifest relies on them (the HPA). */
  exportedMetrics?(): string[];
}

const listen = "the default 127.0.0.1 is unreachable for the kubelet's probes and for other pods";
const tracing = "without an endpoint no span leaves the pod (OTLP export is off)";
const nats = "the default nats://127.0.0.1:4222 is the pod itself";
const natsUser = "nats.conf admits only its users: without credentials the service is refused";
const mongodb = "without it the service keeps its data in SQLite on the pod's read-only, ephemeral disk";
const metrics = "the default 0 picks a random port, which neither Prometheus nor the containerPort named metrics can name";

/** The names a metrics class registers, learned by running its constructor against a recording registry. */
function registeredNames(register: (registry: never) => unknown): string[] {
  const names: string[] = [];
  register({ registerMetric: (metric: { name: string }) => names.push(metric.name) } as never);
  return names;
}

export const serviceSpecs: readonly ServiceSpec[] = [
  {
    name: "order",
    configModule: "services/order/src/config.ts",
    readConfig: readOrderConfig,
    drainMs: () => SERVER_CLOSE_GRACE_MS,
    requiredInCluster: {
      ORDER_HOST: listen,
      NATS_URL: nats,
      NATS_USER: natsUser,
      NATS_PASSWORD: natsUser,
      MONGODB_URL: mongodb,
      OTEL_EXPORTER_OTLP_ENDPOINT: tracing,
      METRICS_PORT: metrics,
    },
  },
  {
    name: "invoice",
    configModule: "services/invoice/src/config.ts",
    readConfig: readInvoiceConfig,
    // Stopping waits for the payments in flight, each up to one render call.
    drainMs: (env) => readInvoiceConfig(env).renderDeadlineMs + SERVER_CLOSE_GRACE_MS,
    requiredInCluster: {
      INVOICE_HOST: listen,
      NATS_URL: nats,
      NATS_USER: natsUser,
      NATS_PASSWORD: natsUser,
      MONGODB_URL: mongodb,
      RENDERER_TARGET: "the default 127.0.0.1:50053 is the pod itself, not the render pool",
      OTEL_EXPORTER_OTLP_ENDPOINT: tracing,
      METRICS_PORT: metrics,
    },
  },
  {
    name: "renderer",
    configModule: "services/renderer/src/config.ts",
    readConfig: readRendererConfig,
    // The drain lets renders in flight finish, each within the render timeout.
    drainMs: (env) => readRendererConfig(env).renderTimeoutMs + SERVER_CLOSE_GRACE_MS,
    // The HPA scales on renderer_queue_depth.
    exportedMetrics: () => registeredNames((registry) => new RendererMetrics(registry, () => undefined)),
    requiredInCluster: {
      RENDERER_HOST: listen,
      RENDER_PAGES: "the default follows the node's CPU count, not the pod's CPU limit",
      OTEL_EXPORTER_OTLP_ENDPOINT: tracing,
      METRICS_PORT: metrics,
    },
  },
  {
    name: "notifier",
    configModule: "services/notifier/src/config.ts",
    readConfig: readNotifierConfig,
    drainMs: () => SERVER_CLOSE_GRACE_MS,
    requiredInCluster: {
      NOTIFIER_HOST: listen,
      NATS_URL: nats,
      NATS_USER: natsUser,
      NATS_PASSWORD: natsUser,
      MONGODB_URL: mongodb,
      INVOICE_SERVICE_URL: "the default http://127.0.0.1:50052 is the pod itself",
      DATA_DIR: "mails without SMTP_URL go under it, and the default is inside the read-only image",
      OTEL_EXPORTER_OTLP_ENDPOINT: tracing,
      METRICS_PORT: metrics,
    },
  },
];

/**
 * Every variable the service reads given these values: its config module (which includes
 * tracing.ts's OTEL_* readers) and the logger's process.env lookups. `error` is what the
 * service would stop with at start.
 */
export function variablesRead(spec: ServiceSpec, values: Record<string, string>): { reads: Set<string>; error?: unknown } {
  const run = recordEnvReads(values, spec.readConfig);
  const loggerReads = recordProcessEnvReads(values, () => createLogger(spec.name));
  return { reads: new Set([...run.reads, ...loggerReads]), error: run.error };
}

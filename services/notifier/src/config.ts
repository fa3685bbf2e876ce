import { envInt, envPort, envString, envUrl, type Env } from "@invoicing/service-kit/env-config";
import { readPlatformConfig, type PlatformConfig } from "@invoicing/service-kit/platform-config";
import { readServerTimeouts, type ServerTimeouts } from "@invoicing/service-kit/server-limits";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/tracing";

export interface NotifierConfig extends PlatformConfig {
  /** grpc.health.v1 only: the notifier serves no API, but probes need an answer. */
  host: string;
  port: number;
  /** Prometheus metrics, plain HTTP; 0 picks a free port (logged). */
  metricsPort: number;
  /** Where GetInvoicePdf is called: the invoice service's base URL. */
  invoiceServiceUrl: string;
  /** Mail goes here when set; otherwise .eml files under DATA_DIR/outbox. */
  smtpUrl: URL | undefined;
  mailFrom: string;
  maxInFlight: number;
  maxDeliver: number;
  ackWaitMs: number;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  tracing: TracingConfig;
}

export function readConfig(env: Env = process.env): NotifierConfig {
  const invoiceUrl = envUrl(env, "INVOICE_SERVICE_URL", ["http:", "https:"]);
  return {
    ...readPlatformConfig(env),
    host: envString(env, "NOTIFIER_HOST", "127.0.0.1"),
    port: envPort(env, "NOTIFIER_PORT", 50054),
    metricsPort: envPort(env, "METRICS_PORT", 0),
    invoiceServiceUrl: invoiceUrl?.toString().replace(/\/$/, "") ?? "http://127.0.0.1:50052",
    smtpUrl: envUrl(env, "SMTP_URL", ["smtp:", "smtps:"]),
    mailFrom: envString(env, "MAIL_FROM", "Invoices <invoices@example.com>"),
    maxInFlight: envInt(env, "NOTIFIER_MAX_IN_FLIGHT", 8, { min: 1, max: 1_000 }),
    maxDeliver: envInt(env, "NOTIFIER_MAX_DELIVER", 10, { min: 1, max: 1_000 }),
    ackWaitMs: envInt(env, "NOTIFIER_ACK_WAIT_MS", 30_000, { min: 1_000, max: 3_600_000 }),
    grpcTimeouts: readServerTimeouts(env),
    tracing: readTracingConfig(env),
  };
}

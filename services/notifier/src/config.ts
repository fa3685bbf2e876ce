import { readSigningKeyFile, readVerifyKeyFiles, type EventSigner, type EventVerifier } from "@invoicing/service-kit/messaging";
import { ConfigError, envInt, envPort, envString, envUrl, type Env } from "@invoicing/service-kit/config";
import { readPlatformConfig, type PlatformConfig } from "@invoicing/service-kit/config";
import { readServerTlsConfig, type ServerTlsConfig } from "@invoicing/service-kit/config";
import { readCorsPolicy, readServerTimeouts, type CorsPolicy, type ServerTimeouts } from "@invoicing/service-kit/rpc";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/observability";

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
  /** The longest wait between two attempts at a delivery after a transient failure; no attempt limit. */
  retryMaxDelayMs: number;
  ackWaitMs: number;
  /**
   * How long a claim on a document's delivery lasts (NOTIFIER_CLAIM_LEASE_MS): above the
   * longest send (mail/smtp-mailer.ts's SMTP timeouts, about 2 minutes), and what a document waits when
   * the notifier that claimed it died before recording it.
   */
  claimLeaseMs: number;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  /** CORS_ALLOWED_ORIGINS: the browser origins that may call (none by default). */
  cors: CorsPolicy;
  tracing: TracingConfig;
  /** The invoice service's public key(s) (INVOICE_EVENT_KEY_FILES): an InvoiceGenerated it did not sign mails nothing. */
  invoiceEvents: EventVerifier;
  /** Signs every DocumentDelivered (EVENT_SIGNING_KEY_FILE): the order service's reconciler trusts only what it signed. */
  eventSigner: EventSigner;
  /**
   * Mutual TLS from TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, TLS_CLIENT_NAMES; plaintext when
   * unset. With it the invoice service is called over https with this certificate.
   */
  tls: ServerTlsConfig;
}

export function readConfig(env: Env = process.env): NotifierConfig {
  const invoiceUrl = envUrl(env, "INVOICE_SERVICE_URL", ["http:", "https:"]);
  const tls = readServerTlsConfig(env);
  // A plaintext call to a TLS server (or the reverse) fails only at the first invoice; said here, at start.
  const wanted = tls.tls ? "https:" : "http:";
  if (invoiceUrl && invoiceUrl.protocol !== wanted) {
    throw new ConfigError(
      "INVOICE_SERVICE_URL",
      `must use ${wanted} ${tls.tls ? "with" : "without"} TLS_CERT_FILE, got "${invoiceUrl.protocol}"`,
    );
  }
  return {
    ...readPlatformConfig(env),
    host: envString(env, "NOTIFIER_HOST", "127.0.0.1"),
    port: envPort(env, "NOTIFIER_PORT", 50054),
    metricsPort: envPort(env, "METRICS_PORT", 0),
    invoiceServiceUrl: invoiceUrl?.toString().replace(/\/$/, "") ?? `${wanted}//127.0.0.1:50052`,
    smtpUrl: envUrl(env, "SMTP_URL", ["smtp:", "smtps:"]),
    mailFrom: envString(env, "MAIL_FROM", "Invoices <invoices@example.com>"),
    maxInFlight: envInt(env, "NOTIFIER_MAX_IN_FLIGHT", 8, { min: 1, max: 1_000 }),
    retryMaxDelayMs: envInt(env, "NOTIFIER_RETRY_MAX_DELAY_MS", 60_000, { min: 100, max: 3_600_000 }),
    ackWaitMs: envInt(env, "NOTIFIER_ACK_WAIT_MS", 30_000, { min: 1_000, max: 3_600_000 }),
    claimLeaseMs: envInt(env, "NOTIFIER_CLAIM_LEASE_MS", 180_000, { min: 1_000, max: 86_400_000 }),
    grpcTimeouts: readServerTimeouts(env),
    cors: readCorsPolicy(env),
    tracing: readTracingConfig(env),
    invoiceEvents: readVerifyKeyFiles("INVOICE_EVENT_KEY_FILES", "invoice", env["INVOICE_EVENT_KEY_FILES"]),
    eventSigner: readSigningKeyFile("EVENT_SIGNING_KEY_FILE", env["EVENT_SIGNING_KEY_FILE"]),
    tls,
  };
}

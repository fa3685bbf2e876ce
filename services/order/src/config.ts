import { envInt, envPort, envString, type Env } from "@invoicing/service-kit/config";
import { readSigningKeyFile, readVerifyKeyFiles, type EventSigner, type EventVerifier } from "@invoicing/service-kit/messaging";
import { readPlatformConfig, type PlatformConfig } from "@invoicing/service-kit/config";
import { readServerTlsConfig, type ServerTlsConfig } from "@invoicing/service-kit/config";
import { readCorsPolicy, readServerTimeouts, type CorsPolicy, type ServerTimeouts } from "@invoicing/service-kit/rpc";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/observability";

export interface OrderConfig extends PlatformConfig {
  host: string;
  port: number;
  /** Prometheus metrics, plain HTTP; 0 picks a free port (logged). */
  metricsPort: number;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  /** CORS_ALLOWED_ORIGINS: the browser origins that may call (none by default). */
  cors: CorsPolicy;
  tracing: TracingConfig;
  /** Signs every payment and refund event (EVENT_SIGNING_KEY_FILE): the invoice service acts only on what it signed. */
  eventSigner: EventSigner;
  /** The notifier's public key(s) (NOTIFIER_EVENT_KEY_FILES): only a DocumentDelivered it signed ends reconciliation. */
  notifierEvents: EventVerifier;
  /** The invoice service's public key(s) (INVOICE_EVENT_KEY_FILES): only a DocumentFailed it signed stops republishing. */
  invoiceEvents: EventVerifier;
  /**
   * Reconciliation (ORDER_RECONCILE_AFTER_MS, ORDER_RECONCILE_INTERVAL_MS): a payment or
   * refund event published this long ago whose document was never reported delivered is
   * published again, checked this often. Well above a normal payment-to-mail time.
   */
  reconcileAfterMs: number;
  reconcileIntervalMs: number;
  /** Mutual TLS from TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, TLS_CLIENT_NAMES; plaintext when unset. */
  tls: ServerTlsConfig;
}

export function readConfig(env: Env = process.env): OrderConfig {
  return {
    ...readPlatformConfig(env),
    host: envString(env, "ORDER_HOST", "127.0.0.1"),
    port: envPort(env, "ORDER_PORT", 50051),
    metricsPort: envPort(env, "METRICS_PORT", 0),
    grpcTimeouts: readServerTimeouts(env),
    cors: readCorsPolicy(env),
    tracing: readTracingConfig(env),
    eventSigner: readSigningKeyFile("EVENT_SIGNING_KEY_FILE", env["EVENT_SIGNING_KEY_FILE"]),
    notifierEvents: readVerifyKeyFiles("NOTIFIER_EVENT_KEY_FILES", "notifier", env["NOTIFIER_EVENT_KEY_FILES"]),
    invoiceEvents: readVerifyKeyFiles("INVOICE_EVENT_KEY_FILES", "invoice", env["INVOICE_EVENT_KEY_FILES"]),
    reconcileAfterMs: envInt(env, "ORDER_RECONCILE_AFTER_MS", 600_000, { min: 1_000, max: 7 * 86_400_000 }),
    reconcileIntervalMs: envInt(env, "ORDER_RECONCILE_INTERVAL_MS", 60_000, { min: 100, max: 86_400_000 }),
    tls: readServerTlsConfig(env),
  };
}

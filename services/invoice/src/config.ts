import { ConfigError, envInt, envPort, envString, type Env } from "@invoicing/service-kit/config";
import { readSigningKeyFile, readVerifyKeyFiles, type EventSigner, type EventVerifier } from "@invoicing/service-kit/messaging";
import { readPlatformConfig, type PlatformConfig } from "@invoicing/service-kit/config";
import { readServerTlsConfig, type ServerTlsConfig } from "@invoicing/service-kit/config";
import { readCorsPolicy, readServerTimeouts, type CorsPolicy, type ServerTimeouts } from "@invoicing/service-kit/rpc";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/observability";
import type { SellerDetails } from "./issuing/document-seller.js";
import { sellerPostalAddress } from "./e-invoice/seller-postal-address.js";
import type { WatchLimits } from "./api/watch-limits.js";

export interface InvoiceConfig extends PlatformConfig {
  host: string;
  port: number;
  /** Prometheus metrics, plain HTTP; 0 picks a free port (logged). */
  metricsPort: number;
  /** host:port, a comma-separated list, or a grpc-js target such as dns:///renderer:50053. */
  rendererTarget: string;
  renderDeadlineMs: number;
  series: string;
  /** The credit notes' own series: CN-2026-000001. */
  creditNoteSeries: string;
  /** Payments processed at once by this worker. */
  maxInFlight: number;
  /**
   * The longest wait between two attempts at a document after a transient failure (renderer,
   * store or disk down; a refund waiting for its invoice). There is no attempt limit: an
   * outage delays documents and never fails them.
   */
  retryMaxDelayMs: number;
  ackWaitMs: number;
  watches: WatchLimits;
  /** SELLER_*: recorded on each document when it is numbered. */
  seller: SellerDetails;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  /** CORS_ALLOWED_ORIGINS: the browser origins that may call (none by default). */
  cors: CorsPolicy;
  tracing: TracingConfig;
  /** Signs every InvoiceGenerated (EVENT_SIGNING_KEY_FILE): the notifier acts only on what it signed. */
  eventSigner: EventSigner;
  /** The order service's public key(s) (ORDER_EVENT_KEY_FILES): a payment or refund event it did not sign issues nothing. */
  orderEvents: EventVerifier;
  /**
   * Mutual TLS from TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, TLS_CLIENT_NAMES; plaintext when
   * unset. The same certificate is the client identity presented to the renderer.
   */
  tls: ServerTlsConfig;
}

function readSeries(env: Env, name: string, fallback: string): string {
  const series = envString(env, name, fallback);
  if (!/^[A-Z][A-Z0-9]{0,9}$/.test(series)) {
    throw new ConfigError(name, `must be 1-10 capital letters or digits, got "${series}"`);
  }
  return series;
}

function readSeller(env: Env): SellerDetails {
  const addressLines = envString(env, "SELLER_ADDRESS", "Musterstraße 1|10115 Berlin|DE").split("|");
  try {
    // Every e-invoice needs the address as fields; a shape it cannot read fails here, not per document.
    sellerPostalAddress(addressLines);
  } catch (error) {
    throw new ConfigError("SELLER_ADDRESS", (error as Error).message.replace(/^SELLER_ADDRESS /, ""));
  }
  const email = (name: string, fallback: string) => {
    const value = envString(env, name, fallback);
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new ConfigError(name, `must be an e-mail address, got "${value}"`);
    return value;
  };
  return {
    name: envString(env, "SELLER_NAME", "Example Invoicing GmbH"),
    addressLines,
    vatId: envString(env, "SELLER_VAT_ID", "DE000000000"),
    legalRegistrationId: envString(env, "SELLER_LEGAL_REGISTRATION_ID", "HRB 000000 B, Amtsgericht Charlottenburg"),
    electronicAddress: email("SELLER_ELECTRONIC_ADDRESS", "invoices@example.com"),
    contactName: envString(env, "SELLER_CONTACT_NAME", "Accounts receivable"),
    contactPhone: envString(env, "SELLER_CONTACT_PHONE", "+49 30 0000000"),
    contactEmail: email("SELLER_CONTACT_EMAIL", "accounts@example.com"),
  };
}

export function readConfig(env: Env = process.env): InvoiceConfig {
  const series = readSeries(env, "INVOICE_SERIES", "INV");
  const creditNoteSeries = readSeries(env, "CREDIT_NOTE_SERIES", "CN");
  // One counter table serves both: the same prefix would number invoices and credit notes
  // from one sequence, and neither series would be gap-free on its own.
  if (creditNoteSeries === series) {
    throw new ConfigError("CREDIT_NOTE_SERIES", `must differ from INVOICE_SERIES ("${series}")`);
  }
  return {
    ...readPlatformConfig(env),
    host: envString(env, "INVOICE_HOST", "127.0.0.1"),
    port: envPort(env, "INVOICE_PORT", 50052),
    metricsPort: envPort(env, "METRICS_PORT", 0),
    rendererTarget: envString(env, "RENDERER_TARGET", "127.0.0.1:50053"),
    renderDeadlineMs: envInt(env, "RENDER_DEADLINE_MS", 30_000, { min: 100, max: 600_000 }),
    series,
    creditNoteSeries,
    maxInFlight: envInt(env, "INVOICE_MAX_IN_FLIGHT", 8, { min: 1, max: 1_000 }),
    retryMaxDelayMs: envInt(env, "INVOICE_RETRY_MAX_DELAY_MS", 30_000, { min: 100, max: 3_600_000 }),
    ackWaitMs: envInt(env, "INVOICE_ACK_WAIT_MS", 30_000, { min: 1_000, max: 3_600_000 }),
    watches: {
      // Each open watch re-reads the store twice a second: 256 is about 500 reads a second.
      maxWatches: envInt(env, "INVOICE_MAX_WATCHES", 256, { min: 1, max: 100_000 }),
      maxWatchMs: envInt(env, "INVOICE_MAX_WATCH_MS", 600_000, { min: 1_000, max: 86_400_000 }),
    },
    seller: readSeller(env),
    grpcTimeouts: readServerTimeouts(env),
    cors: readCorsPolicy(env),
    tracing: readTracingConfig(env),
    eventSigner: readSigningKeyFile("EVENT_SIGNING_KEY_FILE", env["EVENT_SIGNING_KEY_FILE"]),
    orderEvents: readVerifyKeyFiles("ORDER_EVENT_KEY_FILES", "order", env["ORDER_EVENT_KEY_FILES"]),
    tls: readServerTlsConfig(env),
  };
}

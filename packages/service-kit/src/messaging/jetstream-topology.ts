import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

// The streams and durable consumers of the pipeline, created by the services at start-up
// (idempotently) so no operator has to create them by hand.

const NANOS_PER_MS = 1_000_000;
export const msToNanos = (ms: number) => ms * NANOS_PER_MS;

export const PAYMENTS_STREAM = "PAYMENTS";
export const INVOICES_STREAM = "INVOICES";
export const DEAD_LETTER_STREAM = "DEAD_LETTERS";

/** The durable consumers, by the stream they read. Named here so nats-permissions.ts can grant each its own. */
export const INVOICE_CONSUMER = "invoice-generator";
export const CREDIT_NOTE_CONSUMER = "credit-note-issuer";
export const NOTIFIER_CONSUMER = "notifier";
/** The order service's: learns which payments and refunds have their document delivered. */
export const RECONCILER_CONSUMER = "order-reconciler";
/** The order service's consumer of DocumentFailed (nats-server 2.9 allows one filter per durable). */
export const FAILURE_REPORTS_CONSUMER = "order-failure-reports";

export const paymentCompletedSubject = (orderId: string) => `payments.completed.${orderId}`;
export const paymentRefundedSubject = (orderId: string) => `payments.refunded.${orderId}`;
export const invoiceGeneratedSubject = (invoiceId: string) => `invoices.generated.${invoiceId}`;
export const documentDeliveredSubject = (invoiceId: string) => `invoices.delivered.${invoiceId}`;
/** Who may report giving up on a document; each signs its reports with its own key. */
export type FailureReporter = "invoice" | "notifier";
export const FAILURE_REPORTERS: readonly FailureReporter[] = ["invoice", "notifier"];
/**
 * The Nats-Msg-Id the order service publishes a payment's or refund's event under, which is
 * also how a report about its document names it: the payment id, or "refund:" + refund id.
 */
export const documentSourceOf = (document: { paymentId: string; refundId: string }) =>
  document.refundId ? `refund:${document.refundId}` : document.paymentId;
/** `source` is the Nats-Msg-Id of the order service's event: a payment id, or "refund:" + refund id. */
export const documentFailedSubject = (reporter: FailureReporter, source: string) => `invoices.failed.${reporter}.${source}`;
export const deadLetterSubject = (stream: string, consumer: string) => `deadletter.${stream}.${consumer}`;

const DUPLICATE_WINDOW_MS = 10 * 60_000;

const streamConfigs: Record<string, Partial<StreamConfig>> = {
  [PAYMENTS_STREAM]: { subjects: ["payments.>"] },
  [INVOICES_STREAM]: { subjects: ["invoices.>"] },
  [DEAD_LETTER_STREAM]: { subjects: ["deadletter.>"] },
};

export interface StreamOptions {
  /**
   * num_replicas of every stream named (PlatformConfig.jetstreamReplicas, JETSTREAM_REPLICAS).
   * Unset: a new stream gets the server's default of 1 and an existing one keeps its count,
   * so a caller that does not know the setting never scales a stream down.
   */
  replicas?: number;
}

export async function ensureStreams(nc: NatsConnection, names: readonly string[], options: StreamOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of names) {
    const config = streamConfigs[name];
    if (!config) throw new Error(`unknown stream ${name}`);
    await ensureStream(jsm, {
      name,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: msToNanos(DUPLICATE_WINDOW_MS),
      ...(options.replicas === undefined ? {} : { num_replicas: options.replicas }),
      ...config,
    });
  }
}

/**
 * Resolves once every stream named exists, failing otherwise: for a service that consumes a
 * stream it does not produce. Only the producer may create or update a stream (see
 * nats-permissions.ts), so a consumer waits for it, retrying, rather than creating it with a
 * configuration of its own.
 */
export async function awaitStreams(nc: NatsConnection, names: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of names) {
    if (!streamConfigs[name]) throw new Error(`unknown stream ${name}`);
    try {
      await jsm.streams.info(name);
    } catch (error) {
      throw new Error(`stream ${name} is not there yet (its producer creates it): ${errorText(error)}`, { cause: error });
    }
  }
}

/**
 * Creates the stream, or brings an existing one in line. `streams.add` with the config a
 * stream already has succeeds and changes nothing; with a different one (other replicas, a
 * setting changed in a release) the server refuses it ("stream name already in use with a
 * different configuration") and the stream is updated instead: in a cluster a new
 * num_replicas adds or removes copies, the new ones catching up from the stream's leader,
 * messages and consumers kept. A stream that cannot be created (three replicas on a single
 * server: "replicas > 1 not supported in non-clustered mode") stops the caller with the
 * server's reason.
 */
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }) {
  const replicas = config.num_replicas === undefined ? "" : ` with ${config.num_replicas} replica(s)`;
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // Already there (another service, or an earlier start, made it): bring its config in line.
    const existing = await jsm.streams.info(config.name).catch(() => undefined);
    if (!existing) throw new Error(`cannot create stream ${config.name}${replicas}: ${errorText(error)}`, { cause: error });
    try {
      await jsm.streams.update(config.name, { ...existing.config, ...config });
    } catch (updateError) {
      throw new Error(`cannot update stream ${config.name}${replicas}: ${errorText(updateError)}`, { cause: updateError });
    }
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubject: string;
  /** How long the server waits for an ack (or `working()`) before redelivering. */
  ackWaitMs: number;
  /** Redelivery delays after ack timeouts, one per attempt, the last repeating; see backoffIsSafe. */
  backoffMs: readonly number[];
}

/**
 * nats-server before 2.10.23 (Debian ships 2.9) re-arms a consumer's redelivery timer to the
 * longest backoff step of any pending message (nats-server#6085), so a message stranded by a
 * killed worker waited for that step instead of the ack wait: the chaos run saw 17 s where
 * 5 s was configured. On such servers the consumer gets no backoff list and redelivers after
 * the ack wait; retries after a failure grow anyway, through the loop's nak(delay).
 */
export function backoffIsSafe(serverVersion: string | undefined): boolean {
  const [major = 0, minor = 0, patch = 0] = (serverVersion ?? "").split(/[.-]/).map(Number);
  return major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 23)));
}

export async function ensureDurableConsumer(nc: NatsConnection, options: DurableConsumerOptions) {
  const jsm = await jetstreamManager(nc);
  const config: Partial<ConsumerConfig> = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: options.filterSubject,
    // The redelivery delay after an ack timeout, i.e. after the worker holding the message
    // died; with a backoff list only where the server applies it per message.
    ack_wait: msToNanos(options.ackWaitMs),
    ...(backoffIsSafe(nc.info?.version) ? { backoff: options.backoffMs.map(msToNanos) } : {}),
    // No limit: the loop decides. A transient failure is tried again however long the outage
    // lasts, and only a permanent one is dead-lettered, so the server never drops a message.
    max_deliver: -1,
    max_ack_pending: 1_000,
  };
  try {
    await jsm.consumers.add(options.stream, config);
  } catch (error) {
    const existing = await jsm.consumers.info(options.stream, options.durable).catch(() => undefined);
    if (!existing) throw error;
    await jsm.consumers.update(options.stream, options.durable, config);
  }
}

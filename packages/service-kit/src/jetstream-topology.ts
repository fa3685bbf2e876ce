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

export const paymentCompletedSubject = (orderId: string) => `payments.completed.${orderId}`;
export const invoiceGeneratedSubject = (invoiceId: string) => `invoices.generated.${invoiceId}`;
export const deadLetterSubject = (stream: string, consumer: string) =>
  `deadletter.${stream}.${consumer}`;

const DUPLICATE_WINDOW_MS = 10 * 60_000;

const streamConfigs: Record<string, Partial<StreamConfig>> = {
  [PAYMENTS_STREAM]: { subjects: ["payments.>"] },
  [INVOICES_STREAM]: { subjects: ["invoices.>"] },
  [DEAD_LETTER_STREAM]: { subjects: ["deadletter.>"] },
};

export async function ensureStreams(nc: NatsConnection, names: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of names) {
    const config = streamConfigs[name];
    if (!config) throw new Error(`unknown stream ${name}`);
    await ensureStream(jsm, {
      name,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: msToNanos(DUPLICATE_WINDOW_MS),
      ...config,
    });
  }
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }) {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // Already there (another service, or an earlier start, made it): bring its config in line.
    const existing = await jsm.streams.info(config.name).catch(() => undefined);
    if (!existing) throw error;
    await jsm.streams.update(config.name, { ...existing.config, ...config });
  }
}

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubject: string;
  /** How long the server waits for an ack (or `working()`) before redelivering. */
  ackWaitMs: number;
  /** Attempts the consumer loop makes before it dead-letters (see durable-consumer.ts). */
  maxDeliver: number;
  /** Redelivery delays after an ack timeout, one per attempt; the last repeats. */
  backoffMs: readonly number[];
}

const SPARE_DELIVERIES = 5;

export async function ensureDurableConsumer(nc: NatsConnection, options: DurableConsumerOptions) {
  const jsm = await jetstreamManager(nc);
  const config: Partial<ConsumerConfig> = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: options.filterSubject,
    ack_wait: msToNanos(options.ackWaitMs),
    // Above the loop's own limit: the loop counts attempts and dead-letters, and the spare
    // deliveries let it record a message whose last attempt died with its process, rather
    // than the server dropping it. (2.9 refuses unlimited deliveries with a backoff list.)
    max_deliver: options.maxDeliver + SPARE_DELIVERIES,
    backoff: options.backoffMs.map(msToNanos),
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

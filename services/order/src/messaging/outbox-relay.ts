import { contextFromTraceparent, publishTraced } from "@invoicing/service-kit/messaging";
import type { EventSigner } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { OrderStore } from "../payments/order-store.js";

const BATCH = 100;
const IDLE_POLL_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes outbox rows to JetStream, oldest first, and marks them published only after the
 * server's ack. A crash between ack and mark republishes the row; Nats-Msg-Id = payment id
 * makes JetStream drop that copy, and the invoice consumer is idempotent beyond the window.
 * While NATS is unreachable rows simply wait: payments keep succeeding.
 */
export class OutboxRelay {
  #wake: (() => void) | undefined;
  /** Set by notify(); a notice that arrives mid-batch must not wait for the next poll. */
  #notified = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** Called when the connection drops: fails the batch in flight (see #publishBatch). */
  readonly #onDisconnect = new Set<() => void>();

  constructor(
    private readonly store: OrderStore,
    private readonly js: JetStreamClient,
    private readonly signer: EventSigner,
    private readonly logger: Logger,
    private readonly connection?: Pick<NatsConnection, "status">,
    /** Creates PAYMENTS again: a stream lost with the broker's store would refuse every publish. */
    private readonly ensureStream?: () => Promise<void>,
  ) {}

  start(): void {
    this.#loop = this.#run();
    if (this.connection) void this.#watch(this.connection);
  }

  async #watch(connection: Pick<NatsConnection, "status">): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === "disconnect") for (const fail of this.#onDisconnect) fail();
      // Back: publish what waited rather than sleep out the retry backoff.
      if (status.type === "reconnect") this.notify();
    }
  }

  /** A row was written: publish now rather than at the next poll. */
  notify(): void {
    this.#notified = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.notify();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let published = 0;
      try {
        published = await this.#publishBatch();
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({ err: error, failures }, "outbox publish failed; will retry");
        await this.ensureStream?.().catch(() => undefined);
      }
      if (published === BATCH) continue;
      const wait = failures > 0 ? Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures) : IDLE_POLL_MS;
      await this.#sleep(wait);
    }
  }

  async #publishBatch(): Promise<number> {
    const entries = await this.store.pendingOutbox(BATCH);
    if (entries.length === 0) return 0;
    const done: string[] = [];
    // nats.js drops what it had buffered when the connection breaks, and a publish waiting for
    // its ack then waits out its whole timeout. Give up at the disconnect instead: the row stays
    // pending, and its Nats-Msg-Id makes the republish harmless if the first one landed.
    let fail = () => {};
    const lost = new Promise<never>((_, reject) => {
      fail = () => reject(new Error("NATS connection lost during publish"));
    });
    lost.catch(() => undefined);
    this.#onDisconnect.add(fail);
    try {
      // In order, one at a time per relay: publishes to one subject keep their order.
      for (const entry of entries) {
        const published = publishTraced(this.js, entry.subject, entry.payload, {
          msgID: entry.msgId,
          signer: this.signer,
          parent: contextFromTraceparent(entry.traceparent),
        });
        published.catch(() => undefined);
        await Promise.race([published, lost]);
        done.push(entry.msgId);
      }
    } finally {
      this.#onDisconnect.delete(fail);
      if (done.length > 0) await this.store.markPublished(done);
    }
    return entries.length;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#notified = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.#notified || this.#stopped) done();
      else this.#wake = done;
    });
  }
}

import type { Logger } from "@invoicing/service-kit/observability";
import type { Counter } from "prom-client";
import type { OrderStore } from "./order-store.js";

const BATCH = 500;

/**
 * Closes the loop with no operator: every so often, payment and refund events published long
 * enough ago whose document was never reported delivered are put back in the outbox, and the
 * relay publishes them again under their own Nats-Msg-Id. A broker that lost its store (or
 * its consumers) gets them back; one that still has them drops the copy or redelivers it to
 * idempotent consumers, which find the document, announce it again, and the notifier's
 * DocumentDelivered ends it. So every recorded payment and refund ends with its document
 * delivered, however messages were lost between here and the mail.
 */
export class Reconciler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      store: OrderStore;
      /** Wakes the relay: requeued events go out now, not at its next poll. */
      wakeRelay: () => void;
      afterMs: number;
      intervalMs: number;
      logger: Logger;
      requeued?: Counter;
    },
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, "reconciliation sweep failed"))
        .finally(() => (this.#running = undefined));
    }, this.deps.intervalMs);
    this.#timer.unref();
  }

  /** One pass; returns how many events were put back. */
  async sweep(): Promise<number> {
    const ids = await this.deps.store.requeueUndelivered(new Date(Date.now() - this.deps.afterMs), BATCH);
    if (ids.length > 0) {
      this.deps.requeued?.inc(ids.length);
      this.deps.logger.warn({ count: ids.length, first: ids[0] }, "events without a delivered document published again");
      this.deps.wakeRelay();
    }
    return ids.length;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}

import { documentDeliveredSubject, invoiceGeneratedSubject } from "@invoicing/service-kit/messaging";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Invoices READY whose mail the notifier has not yet announced delivered (DocumentDelivered).
 * The closed loop counts a payment done at READY, so under load the notifier can fall behind:
 * its CPU for the window's invoices then lands after the window, understating (d)'s CPU per
 * invoice, and in whatever runs next. Rounds wait for it to drain and report how far behind
 * it was when each window closed.
 */
export class DeliveryBacklog {
  /** READY and not yet delivered. */
  readonly #owed = new Set<string>();
  /** Every invoice delivered, to count a redelivery once and a delivery seen before its READY. */
  readonly #delivered = new Set<string>();
  #subscriptions: Subscription[] = [];

  static watch(nc: NatsConnection): DeliveryBacklog {
    const backlog = new DeliveryBacklog();
    const follow = (subject: string, seen: (invoiceId: string) => void) => {
      const prefix = subject.slice(0, -1);
      const subscription = nc.subscribe(subject);
      void (async () => {
        for await (const msg of subscription) seen(msg.subject.slice(prefix.length));
      })();
      return subscription;
    };
    backlog.#subscriptions = [
      follow(invoiceGeneratedSubject("*"), (id) => backlog.ready(id)),
      follow(documentDeliveredSubject("*"), (id) => backlog.delivered(id)),
    ];
    return backlog;
  }

  ready(invoiceId: string): void {
    // The two subscriptions are not ordered with each other: its delivery may have come first.
    if (!this.#delivered.has(invoiceId)) this.#owed.add(invoiceId);
  }

  delivered(invoiceId: string): void {
    this.#delivered.add(invoiceId);
    this.#owed.delete(invoiceId);
  }

  /** Mails owed: invoices READY and not yet delivered. */
  get size(): number {
    return this.#owed.size;
  }

  /** Mails delivered so far, each invoice once. */
  get deliveries(): number {
    return this.#delivered.size;
  }

  /** Waits until every READY invoice is delivered, or `timeoutMs`; says whether it drained. */
  async drained(timeoutMs: number): Promise<boolean> {
    for (const deadline = performance.now() + timeoutMs; this.size > 0; await sleep(100)) {
      if (performance.now() > deadline) return false;
    }
    return true;
  }

  close(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
  }
}

/** How long the notifier may take to catch up after a run before the next one starts anyway. */
const CATCH_UP_MS = 60_000;

/** Waits for the notifier to deliver every READY invoice, and says so when it gives up waiting. */
export async function awaitDeliveries(backlog: DeliveryBacklog, log: (line: string) => void): Promise<void> {
  if (!(await backlog.drained(CATCH_UP_MS))) log(`the notifier still owes ${backlog.size} mails after ${CATCH_UP_MS / 1000} s; going on`);
}

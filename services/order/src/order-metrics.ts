import { Counter, Gauge, type Registry } from "prom-client";
import type { OrderStore } from "./payments/order-store.js";

export interface OrderMetrics {
  /** Events published again by the reconciler. */
  requeued: Counter;
  /** Documents a service gave up on, by reporter: what an operator alerts on. */
  givenUp: Counter<"reporter">;
}

/** The order service's metrics; the outbox gauge reads the store at each scrape. */
export function orderMetrics(registry: Registry, store: OrderStore): OrderMetrics {
  new Gauge({
    name: "order_outbox_pending",
    help: "Payment and refund events written but not yet published to JetStream.",
    registers: [registry],
    async collect() {
      this.set(await store.countPendingOutbox());
    },
  });
  return {
    requeued: new Counter({
      name: "order_events_republished_total",
      help: "Payment and refund events published again because their document was not reported delivered in time (reconciliation).",
      registers: [registry],
    }),
    givenUp: new Counter({
      name: "order_documents_given_up_total",
      help: "Payments and refunds whose document a service gave up on for a permanent cause (DocumentFailed): no longer republished; each has a dead letter for an operator.",
      labelNames: ["reporter"] as const,
      registers: [registry],
    }),
  };
}

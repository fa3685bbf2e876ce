import { DocumentDeliveredSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { startConsumerLoop, type DurableConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { decodeVerifiedEvent } from "@invoicing/service-kit/event-decoding";
import type { EventVerifier } from "@invoicing/service-kit/event-signature";
import { INVOICES_STREAM, RECONCILER_CONSUMER } from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import type { NatsConnection } from "@nats-io/transport-node";
import type { OrderStore } from "./order-store.js";

/** The outbox msg id of the payment or refund event a delivered document answers (see order-service.ts). */
export const outboxIdOf = (delivered: { paymentId: string; refundId: string }) =>
  delivered.refundId ? `refund:${delivered.refundId}` : delivered.paymentId;

/**
 * Consumes the notifier's DocumentDelivered and marks the payment's or refund's event
 * delivered in the outbox: reconciliation is done with it. A report for an event this store
 * does not hold (another order service's, a forgery that got past the signature check
 * somehow) changes nothing.
 */
export function startDeliveryReports(
  nc: NatsConnection,
  options: { store: OrderStore; notifierEvents: EventVerifier; jetstreamReplicas: number; logger: Logger },
): Promise<DurableConsumerLoop> {
  const { store, logger } = options;
  return startConsumerLoop({
    nc,
    stream: INVOICES_STREAM,
    durable: RECONCILER_CONSUMER,
    filterSubject: "invoices.delivered.>",
    backoffMs: [30_000],
    maxInFlight: 16,
    ackWaitMs: 30_000,
    logger,
    replicas: options.jetstreamReplicas,
    // INVOICES is the invoice service's and the notifier's: the reconciler only reads it.
    producesStream: false,
    retryDelayMs: (attempt) => Math.min(30_000, 250 * 2 ** Math.min(attempt - 1, 20)),
    handle: async (msg) => {
      const delivered = decodeVerifiedEvent(DocumentDeliveredSchema, msg, options.notifierEvents);
      const known = await store.markDelivered(outboxIdOf(delivered));
      if (!known) logger.warn({ invoice_id: delivered.invoiceId, payment_id: delivered.paymentId }, "delivery report for no event of this store");
    },
  });
}

import { DocumentDeliveredSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { startConsumerLoop, type DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { decodeVerifiedEvent } from "@invoicing/service-kit/messaging";
import type { EventVerifier } from "@invoicing/service-kit/messaging";
import { documentSourceOf, RECONCILER_CONSUMER } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { NatsConnection } from "@nats-io/transport-node";
import { REPORT_CONSUMER } from "../messaging/invoices-stream-link.js";
import type { OrderStore } from "../payments/order-store.js";

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
    ...REPORT_CONSUMER,
    durable: RECONCILER_CONSUMER,
    filterSubject: "invoices.delivered.>",
    logger,
    replicas: options.jetstreamReplicas,
    handle: async (msg) => {
      const delivered = decodeVerifiedEvent(DocumentDeliveredSchema, msg, options.notifierEvents);
      const known = await store.markDelivered(documentSourceOf(delivered));
      if (!known)
        logger.warn({ invoice_id: delivered.invoiceId, payment_id: delivered.paymentId }, "delivery report for no event of this store");
    },
  });
}

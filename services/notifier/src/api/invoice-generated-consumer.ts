import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { consumerHealth } from "@invoicing/service-kit/messaging";
import { startConsumerLoop, type DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { decodeVerifiedEvent } from "@invoicing/service-kit/messaging";
import type { EventVerifier } from "@invoicing/service-kit/messaging";
import type { GivenUpDocument } from "@invoicing/service-kit/messaging";
import type { HealthState } from "@invoicing/service-kit/rpc";
import { INVOICES_STREAM, NOTIFIER_CONSUMER } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { NatsConnection } from "@nats-io/transport-node";
import type { NotifierConfig } from "../config.js";
import type { InvoiceNotifier } from "../delivery/invoice-notifier.js";
import type { NotifierMetrics } from "../notifier-metrics.js";
import { asConsumerFailure, undeliverableBehind } from "./delivery-failures.js";

export interface InvoiceGeneratedConsumerOptions {
  config: Pick<NotifierConfig, "ackWaitMs" | "maxInFlight" | "retryMaxDelayMs" | "jetstreamReplicas">;
  /** The invoice service's public keys: an InvoiceGenerated it did not sign mails nothing. */
  invoiceEvents: EventVerifier;
  notifier: InvoiceNotifier;
  metrics: NotifierMetrics;
  health: HealthState;
  logger: Logger;
  /** Tells the order service a document was given up on (DocumentFailed). */
  reportFailed: (document: GivenUpDocument) => Promise<void>;
}

/** The durable consumer "notifier" of InvoiceGenerated: each event is one delivery. */
export function consumeInvoiceGenerated(nc: NatsConnection, options: InvoiceGeneratedConsumerOptions): Promise<DurableConsumerLoop> {
  const { config, notifier, metrics } = options;
  return startConsumerLoop({
    nc,
    stream: INVOICES_STREAM,
    durable: NOTIFIER_CONSUMER,
    filterSubject: "invoices.generated.>",
    // It publishes DocumentDelivered there, so it may create INVOICES again when it is lost.
    producesStream: true,
    backoffMs: [config.ackWaitMs],
    maxInFlight: config.maxInFlight,
    ackWaitMs: config.ackWaitMs,
    logger: options.logger,
    replicas: config.jetstreamReplicas,
    onConsuming: consumerHealth(options.health)(NOTIFIER_CONSUMER),
    retryDelayMs: (attempt) => Math.min(config.retryMaxDelayMs, 500 * 2 ** Math.min(attempt - 1, 20)),
    handle: async (msg) => {
      // Signed by the invoice service, or nothing is done for it (it goes to the dead letters).
      const event = decodeVerifiedEvent(InvoiceGeneratedSchema, msg, options.invoiceEvents);
      try {
        metrics.handled(event, await notifier.deliver(event));
      } catch (error) {
        metrics.handled(event, "failed");
        throw asConsumerFailure(error);
      }
    },
    onDeadLetter: async (_msg, reason, failure) => {
      // Only a document this notifier cannot deliver: an unverifiable event names nothing to stop.
      const undeliverable = undeliverableBehind(failure);
      if (!undeliverable) return;
      const { invoice } = undeliverable;
      const creditNote = invoice.kind === DocumentKind.CREDIT_NOTE;
      await options.reportFailed({
        invoiceId: invoice.invoiceId,
        kind: invoice.kind,
        paymentId: creditNote ? "" : invoice.paymentId,
        refundId: creditNote ? invoice.refundId : "",
        traceId: invoice.traceId,
        reason,
      });
    },
  });
}

import { DocumentFailedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { PermanentFailure, startConsumerLoop, type DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { decodeVerifiedEvent } from "@invoicing/service-kit/messaging";
import type { EventVerifier } from "@invoicing/service-kit/messaging";
import { documentSourceOf, FAILURE_REPORTERS, FAILURE_REPORTS_CONSUMER, type FailureReporter } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Counter } from "prom-client";
import { REPORT_CONSUMER } from "../messaging/invoices-stream-link.js";
import type { OrderStore } from "../payments/order-store.js";

export interface FailureReportOptions {
  store: OrderStore;
  /** Each reporter's public keys: a report is believed only under its own reporter's signature. */
  reporters: Record<FailureReporter, EventVerifier>;
  jetstreamReplicas: number;
  logger: Logger;
  /** Counts documents given up on, by reporter: what an operator alerts on. */
  givenUp: Counter<"reporter">;
}

/** "invoices.failed.<reporter>.<source>": the reporter is the third token, the one its key must match. */
const reporterOf = (subject: string): FailureReporter | undefined =>
  FAILURE_REPORTERS.find((reporter) => subject.split(".")[2] === reporter);

/**
 * Consumes DocumentFailed and records the payment's or refund's event as given up on: the
 * reconciler stops republishing it, which would only have it refused and dead-lettered
 * again. The dead letter stays with the operator; if a replay later delivers the document,
 * the notifier's DocumentDelivered is recorded as for any other.
 */
export function startFailureReports(nc: NatsConnection, options: FailureReportOptions): Promise<DurableConsumerLoop> {
  const { store, logger } = options;
  return startConsumerLoop({
    nc,
    ...REPORT_CONSUMER,
    durable: FAILURE_REPORTS_CONSUMER,
    filterSubject: "invoices.failed.>",
    logger,
    replicas: options.jetstreamReplicas,
    handle: async (msg) => {
      const reporter = reporterOf(msg.subject);
      if (!reporter) throw new PermanentFailure(`${msg.subject}: no service reports failures on this subject`);
      const failed = decodeVerifiedEvent(DocumentFailedSchema, msg, options.reporters[reporter]);
      const source = documentSourceOf(failed);
      if (!(await store.markGivenUp(source, failed.reason))) {
        logger.warn({ reporter, source }, "failure report for no event of this store");
        return;
      }
      options.givenUp.inc({ reporter });
      logger.warn(
        { reporter, source, invoice_id: failed.invoiceId || undefined, reason: failed.reason },
        "document given up on: its event is no longer republished; the dead letter awaits an operator",
      );
    },
  });
}

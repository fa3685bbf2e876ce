import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { PaymentCompletedSchema, PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { startConsumerLoop, type DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { decodeVerifiedEvent, signatureProblem } from "@invoicing/service-kit/messaging";
import type { EventVerifier } from "@invoicing/service-kit/messaging";
import type { GivenUpDocument } from "@invoicing/service-kit/messaging";
import { CREDIT_NOTE_CONSUMER, INVOICE_CONSUMER, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { NatsConnection } from "@nats-io/transport-node";
import type { CreditNoteIssuer } from "../issuing/credit-note-issuer.js";
import type { InvoiceIssuer } from "../issuing/invoice-issuer.js";
import { toConsumerFailure } from "./consumer-failures.js";

// The invoice service's two durable, competing-workers consumers on the PAYMENTS stream:
// payments.completed.* issues invoices, payments.refunded.* credit notes. Separate durables,
// so a refund waiting for its invoice never holds up the invoices behind it.

export interface DocumentConsumerOptions {
  maxInFlight: number;
  retryMaxDelayMs: number;
  ackWaitMs: number;
  /** The order service's signature on every payment and refund event: nothing unsigned is issued. */
  orderEvents: EventVerifier;
  jetstreamReplicas: number;
  /** Told when the durable is lost and found again (consumer-health.ts). */
  onConsuming?: (durable: string) => (consuming: boolean) => void;
  /**
   * Tells the order service a document is given up on (DocumentFailed), so its reconciler
   * stops republishing the event: each republish would be refused and dead-lettered again.
   */
  reportFailed: (document: GivenUpDocument) => Promise<void>;
}

export function startInvoiceConsumer(
  nc: NatsConnection,
  issuer: InvoiceIssuer,
  options: DocumentConsumerOptions,
  logger: Logger,
): Promise<DurableConsumerLoop> {
  return startDocumentConsumer(nc, options, logger, {
    durable: INVOICE_CONSUMER,
    filterSubject: "payments.completed.>",
    schema: PaymentCompletedSchema,
    issue: (event) => issuer.issue(event),
    fail: async (event, reason) => ({
      document: await issuer.fail(event.paymentId, reason),
      given: { kind: DocumentKind.INVOICE, paymentId: event.paymentId, refundId: "", traceId: event.traceId, reason },
    }),
  });
}

export function startCreditNoteConsumer(
  nc: NatsConnection,
  issuer: CreditNoteIssuer,
  options: DocumentConsumerOptions,
  logger: Logger,
): Promise<DurableConsumerLoop> {
  return startDocumentConsumer(nc, options, logger, {
    durable: CREDIT_NOTE_CONSUMER,
    filterSubject: "payments.refunded.>",
    schema: PaymentRefundedSchema,
    issue: (event) => issuer.issue(event),
    fail: async (event, reason) => ({
      document: await issuer.fail(event.refundId, reason),
      given: { kind: DocumentKind.CREDIT_NOTE, paymentId: "", refundId: event.refundId, traceId: event.traceId, reason },
    }),
  });
}

interface DocumentEvents<Desc extends DescMessage> {
  durable: string;
  filterSubject: string;
  schema: Desc;
  issue: (event: MessageShape<Desc>) => Promise<unknown>;
  /** Marks the event's document FAILED once the event is dead-lettered; says what to report. */
  fail: (
    event: MessageShape<Desc>,
    reason: string,
  ) => Promise<{ document: Invoice | undefined; given: Omit<GivenUpDocument, "invoiceId"> }>;
}

function startDocumentConsumer<Desc extends DescMessage>(
  nc: NatsConnection,
  options: DocumentConsumerOptions,
  logger: Logger,
  events: DocumentEvents<Desc>,
): Promise<DurableConsumerLoop> {
  return startConsumerLoop({
    nc,
    stream: PAYMENTS_STREAM,
    durable: events.durable,
    filterSubject: events.filterSubject,
    backoffMs: [options.ackWaitMs, options.ackWaitMs * 2, options.ackWaitMs * 4],
    maxInFlight: options.maxInFlight,
    ackWaitMs: options.ackWaitMs,
    logger,
    replicas: options.jetstreamReplicas,
    producesStream: false,
    onConsuming: options.onConsuming?.(events.durable),
    retryDelayMs: (attempt) => Math.min(options.retryMaxDelayMs, 250 * 2 ** Math.min(attempt - 1, 20)),
    handle: async (msg) => {
      // Verified before anything is read from it: a forged or altered event numbers nothing.
      const event = decodeVerifiedEvent(events.schema, msg, options.orderEvents);
      try {
        await events.issue(event);
      } catch (error) {
        throw toConsumerFailure(error);
      }
    },
    onDeadLetter: async (msg, reason) => {
      // A forgery may name a real payment: its document is not the forger's to mark FAILED.
      if (signatureProblem(options.orderEvents, msg)) return;
      let event: MessageShape<Desc>;
      try {
        event = fromBinary(events.schema, msg.data);
      } catch {
        return; // undecodable: no document can exist for it
      }
      const { document, given } = await events.fail(event, reason);
      // A READY document needs no reconciliation stopped: it is delivered as any other.
      if (document?.status === InvoiceStatus.READY) return;
      await options.reportFailed({ ...given, invoiceId: document?.invoiceId ?? "" });
    },
  });
}

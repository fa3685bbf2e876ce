import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { DocumentFailedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import type { DocumentKind } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { EventSigner } from "./event-signature.js";
import { documentFailedSubject, documentSourceOf, type FailureReporter } from "./jetstream-topology.js";
import { publishTraced } from "./message-tracing.js";

export interface GivenUpDocument {
  /** Empty when no document was numbered for the event. */
  invoiceId: string;
  kind: DocumentKind;
  paymentId: string;
  refundId: string;
  traceId: string;
  reason: string;
}

/** A reason is a dead letter's, which may quote a document's content: the report carries a bounded prefix. */
const MAX_REASON_CHARS = 1_000;

/**
 * Tells the order service that `reporter` gave up on a document for good (DocumentFailed),
 * so its reconciler stops republishing the payment or refund behind it. Called after the
 * dead letter is written and before the message is terminated: if this publish fails, the
 * message comes back and both are tried again (the dead letter and this report each keep
 * one id, so the retry adds neither twice).
 */
export async function reportDocumentFailed(
  js: JetStreamClient,
  signer: EventSigner,
  reporter: FailureReporter,
  document: GivenUpDocument,
): Promise<void> {
  const source = documentSourceOf(document);
  const event = create(DocumentFailedSchema, {
    eventId: `document-failed:${reporter}:${source}`,
    occurredAt: timestampNow(),
    traceId: document.traceId,
    invoiceId: document.invoiceId,
    kind: document.kind,
    paymentId: document.paymentId,
    refundId: document.refundId,
    reason: document.reason.slice(0, MAX_REASON_CHARS),
  });
  await publishTraced(js, documentFailedSubject(reporter, source), toBinary(DocumentFailedSchema, event), {
    msgID: `failed:${reporter}:${source}`,
    signer,
  });
}

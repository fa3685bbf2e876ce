import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { DocumentDeliveredSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { EventSigner } from "@invoicing/service-kit/messaging";
import { documentDeliveredSubject } from "@invoicing/service-kit/messaging";
import { publishTraced } from "@invoicing/service-kit/messaging";
import type { JetStreamClient } from "@nats-io/jetstream";

/**
 * Publishes DocumentDelivered for a delivered document, signed by the notifier: the order
 * service's reconciler stops republishing the payment or refund behind it. The same id each
 * time, so a repeat inside the duplicate window is dropped.
 */
export function deliveryAnnouncer(js: JetStreamClient, signer: EventSigner) {
  return async (invoice: Invoice, channel: string): Promise<void> => {
    const creditNote = invoice.kind === DocumentKind.CREDIT_NOTE;
    const event = create(DocumentDeliveredSchema, {
      eventId: `document-delivered:${invoice.invoiceId}`,
      occurredAt: timestampNow(),
      traceId: invoice.traceId,
      invoiceId: invoice.invoiceId,
      kind: invoice.kind,
      paymentId: creditNote ? "" : invoice.paymentId,
      refundId: creditNote ? invoice.refundId : "",
      channel,
    });
    await publishTraced(js, documentDeliveredSubject(invoice.invoiceId), toBinary(DocumentDeliveredSchema, event), {
      msgID: `delivered:${invoice.invoiceId}`,
      signer,
    });
  };
}

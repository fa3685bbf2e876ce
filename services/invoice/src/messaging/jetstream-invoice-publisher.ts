import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { invoiceGeneratedSubject } from "@invoicing/service-kit/messaging";
import type { EventSigner } from "@invoicing/service-kit/messaging";
import { publishTraced } from "@invoicing/service-kit/messaging";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { InvoiceGeneratedPublisher } from "../issuing/invoice-generated-publisher.js";

/** InvoiceGenerated on INVOICES, signed, traced, and deduplicated by the invoice id. */
export class JetStreamInvoicePublisher implements InvoiceGeneratedPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly signer: EventSigner,
    /** Creates INVOICES again after a failed publish: it may have been lost with the broker's store. */
    private readonly ensureStream?: () => Promise<void>,
  ) {}

  async publish(invoice: Invoice): Promise<void> {
    const event = create(InvoiceGeneratedSchema, {
      // Derived from the invoice, so a republish after a crash is the same event.
      eventId: `invoice-generated:${invoice.invoiceId}`,
      occurredAt: invoice.readyAt ?? timestampNow(),
      traceId: invoice.traceId,
      invoiceId: invoice.invoiceId,
      invoiceNumber: invoice.number,
      paymentId: invoice.paymentId,
      orderId: invoice.orderId,
      customer: invoice.customer,
      total: invoice.totals?.gross ?? 0n,
      currency: invoice.currency,
      locale: invoice.locale,
      pdfSize: invoice.pdfSize,
      pdfSha256: invoice.pdfSha256,
      kind: invoice.kind,
    });
    try {
      await publishTraced(this.js, invoiceGeneratedSubject(invoice.invoiceId), toBinary(InvoiceGeneratedSchema, event), {
        msgID: invoice.invoiceId,
        signer: this.signer,
      });
    } catch (error) {
      await this.ensureStream?.().catch(() => undefined);
      throw error;
    }
  }
}

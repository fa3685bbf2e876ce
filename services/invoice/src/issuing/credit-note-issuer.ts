import { create } from "@bufbuild/protobuf";
import type { PaymentRefunded } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { DocumentFinisher } from "./document-finisher.js";
import { newDocumentId } from "./document-id.js";
import { documentSource, type InvoiceStore } from "./invoice-store.js";
import { InvalidDocumentEvent, InvoiceNotYetIssued } from "./issuing-errors.js";
import { validatePaymentRefunded } from "./refund-event-validation.js";

/** Turns one PaymentRefunded into one READY credit note that references the payment's invoice. */
export class CreditNoteIssuer {
  constructor(
    private readonly finisher: DocumentFinisher,
    private readonly store: InvoiceStore,
    private readonly series: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async issue(event: PaymentRefunded): Promise<Invoice> {
    const problem = validatePaymentRefunded(event);
    if (problem) throw new InvalidDocumentEvent(`invalid PaymentRefunded: ${problem}`);
    // The invoice's number, not its PDF, is what the credit note needs: it may still be
    // rendering. Nothing is numbered until it exists, so the credit note always comes after.
    const invoice = await this.store.getBySource(documentSource.invoice(event.paymentId));
    if (!invoice) {
      throw new InvoiceNotYetIssued(`refund ${event.refundId}: payment ${event.paymentId} has no invoice yet`);
    }
    if (invoice.currency !== event.currency) {
      throw new InvalidDocumentEvent(
        `invalid PaymentRefunded: currency ${event.currency} differs from invoice ${invoice.number}'s ${invoice.currency}`,
      );
    }
    return this.finisher.finish({
      series: this.series,
      clock: this.clock,
      invoice: create(InvoiceSchema, {
        invoiceId: newDocumentId(),
        kind: DocumentKind.CREDIT_NOTE,
        status: InvoiceStatus.PENDING,
        paymentId: event.paymentId,
        orderId: event.orderId,
        customer: invoice.customer,
        items: event.items,
        currency: invoice.currency,
        locale: invoice.locale,
        // As the order service priced the refund, so every credit note of an invoice adds up.
        totals: event.totals,
        traceId: event.traceId,
        refundId: event.refundId,
        refundReason: event.reason,
        creditedInvoiceId: invoice.invoiceId,
        creditedInvoiceNumber: invoice.number,
      }),
    });
  }

  /** Marks the refund's credit note FAILED (when its event is dead-lettered). */
  async fail(refundId: string, reason: string): Promise<Invoice | undefined> {
    return this.finisher.fail(documentSource.creditNote(refundId), reason);
  }
}

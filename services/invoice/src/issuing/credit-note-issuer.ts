import { create } from "@bufbuild/protobuf";
import type { PaymentRefunded } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  DocumentKind,
  InvoiceSchema,
  InvoiceStatus,
  TotalsSchema,
  type Invoice,
  type Totals,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { customerProblem, describeProblem } from "@invoicing/contract-rules";
import { computeTotals } from "@invoicing/money";
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
    // The rules a payment's customer met when its invoice was issued may have grown since (the
    // e-invoice code lists): a credit note no e-invoice could describe is refused here, before
    // it spends a number, rather than numbered and then refused.
    const customer = customerProblem(invoice.customer, "customer");
    if (customer) {
      throw new InvalidDocumentEvent(`invalid PaymentRefunded: invoice ${invoice.number}'s ${describeProblem(customer)}`);
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
        totals: categorisedTotals(event),
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

/**
 * The refund's totals as the order service priced them, so every credit note of an invoice
 * adds up; each breakdown line's category and reason taken from the refunded lines (checked
 * to match by validatePaymentRefunded), which an order service older than categories omits.
 */
function categorisedTotals(event: PaymentRefunded): Totals {
  const totals = event.totals!;
  const breakdown = computeTotals(event.items).taxLines;
  // Field by field: create() returns a spread message as it was, overrides and all ignored.
  return create(TotalsSchema, {
    net: totals.net,
    tax: totals.tax,
    gross: totals.gross,
    taxLines: totals.taxLines.map((line, i) => ({
      rateBps: line.rateBps,
      net: line.net,
      tax: line.tax,
      category: breakdown[i]!.category,
      exemptionReason: breakdown[i]!.exemptionReason,
    })),
  });
}

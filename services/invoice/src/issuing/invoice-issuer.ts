import { create } from "@bufbuild/protobuf";
import type { PaymentCompleted } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import type { DocumentFinisher } from "./document-finisher.js";
import { newDocumentId } from "./document-id.js";
import { documentSource, type NewInvoice } from "./invoice-store.js";
import { InvalidDocumentEvent } from "./issuing-errors.js";
import { validatePaymentCompleted } from "./payment-event-validation.js";

/** Turns one PaymentCompleted into one READY invoice (see DocumentFinisher for why it is safe to repeat). */
export class InvoiceIssuer {
  constructor(
    private readonly finisher: DocumentFinisher,
    private readonly series: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async issue(event: PaymentCompleted): Promise<Invoice> {
    const problem = validatePaymentCompleted(event);
    if (problem) throw new InvalidDocumentEvent(`invalid PaymentCompleted: ${problem}`);
    return this.finisher.finish(this.#newInvoice(event));
  }

  /** Marks the payment's invoice FAILED (when its event is dead-lettered). */
  async fail(paymentId: string, reason: string): Promise<Invoice | undefined> {
    return this.finisher.fail(documentSource.invoice(paymentId), reason);
  }

  #newInvoice(event: PaymentCompleted): NewInvoice {
    const order = event.order!;
    const totals = computeTotals(order.items);
    // The issue date and the number's year are the invoice service's, read when the number is
    // assigned: a timestamp inside an event (which anyone could have written) never opens a
    // series, and numbers and issue dates rise together. The payment's date is on the order.
    return {
      series: this.series,
      clock: this.clock,
      invoice: create(InvoiceSchema, {
        invoiceId: newDocumentId(),
        kind: DocumentKind.INVOICE,
        status: InvoiceStatus.PENDING,
        paymentId: event.paymentId,
        orderId: order.orderId,
        customer: order.customer,
        items: order.items,
        currency: order.currency,
        locale: order.locale || "en-US",
        totals: { net: totals.net, tax: totals.tax, gross: totals.gross, taxLines: totals.taxLines },
        traceId: event.traceId,
      }),
    };
  }
}

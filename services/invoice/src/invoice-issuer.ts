import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { PaymentCompleted } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  DocumentKind,
  InvoiceSchema,
  InvoiceStatus,
  type Invoice,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import { PermanentFailure } from "@invoicing/service-kit/durable-consumer";
import { randomUUID } from "node:crypto";
import type { DocumentFinisher } from "./document-finisher.js";
import { documentSource, type NewInvoice } from "./invoice-store.js";
import { validatePaymentCompleted } from "./payment-event-validation.js";

export const newDocumentId = () => `inv_${randomUUID().replaceAll("-", "")}`;

/** Turns one PaymentCompleted into one READY invoice (see DocumentFinisher for why it is safe to repeat). */
export class InvoiceIssuer {
  constructor(
    private readonly finisher: DocumentFinisher,
    private readonly series: string,
  ) {}

  async issue(event: PaymentCompleted): Promise<Invoice> {
    const problem = validatePaymentCompleted(event);
    if (problem) throw new PermanentFailure(`invalid PaymentCompleted: ${problem}`);
    return this.finisher.finish(this.#newInvoice(event));
  }

  /** Marks the payment's invoice FAILED (when its event is dead-lettered). */
  async fail(paymentId: string, reason: string): Promise<void> {
    await this.finisher.fail(documentSource.invoice(paymentId), reason);
  }

  #newInvoice(event: PaymentCompleted): NewInvoice {
    const order = event.order!;
    const totals = computeTotals(order.items);
    // The issue date is the payment's, not the processing time: a redelivery next January
    // still numbers the invoice in the year it was paid. Validation made sure it is set.
    const issuedAt = timestampDate(event.occurredAt!);
    return {
      series: this.series,
      year: issuedAt.getUTCFullYear(),
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
        issuedAt: timestampFromDate(issuedAt),
      }),
    };
  }
}

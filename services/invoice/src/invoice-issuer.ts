import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import type { PaymentCompleted } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  InvoiceSchema,
  InvoiceStatus,
  type Invoice,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import { PermanentFailure } from "@invoicing/service-kit/durable-consumer";
import type { Logger } from "@invoicing/service-kit/logger";
import { createHash, randomUUID } from "node:crypto";
import type { InvoiceChanges } from "./invoice-changes.js";
import type { InvoiceStore } from "./invoice-store.js";
import { renderInvoiceHtml, type Seller } from "./invoice-template.js";
import { pdfKey, type PdfStore } from "./pdf-store.js";
import { validatePaymentCompleted } from "./payment-event-validation.js";
import type { PdfRenderer } from "./render-client.js";

export interface InvoiceGeneratedPublisher {
  /** Publishes InvoiceGenerated for a READY invoice; safe to repeat (deduplicated by id). */
  publish(invoice: Invoice): Promise<void>;
}

export interface IssuerDeps {
  store: InvoiceStore;
  pdfs: PdfStore;
  renderer: PdfRenderer;
  publisher: InvoiceGeneratedPublisher;
  changes: InvoiceChanges;
  seller: Seller;
  series: string;
  logger: Logger;
}

/**
 * Turns one PaymentCompleted into one READY invoice. Every step is idempotent, so the whole
 * handler can run again after a crash at any point, or for a duplicate event, and end in the
 * same state: the number comes from the store's create-or-get, the PDF is overwritten whole,
 * READY is set again with the same hash, and the InvoiceGenerated republish is deduplicated.
 */
export class InvoiceIssuer {
  constructor(private readonly deps: IssuerDeps) {}

  async issue(event: PaymentCompleted): Promise<Invoice> {
    const problem = validatePaymentCompleted(event);
    if (problem) throw new PermanentFailure(`invalid PaymentCompleted: ${problem}`);
    const { store, logger } = this.deps;

    const { invoice, created } = await store.createForPayment(this.#newInvoice(event));
    if (created) this.deps.changes.publish(invoice);
    logger.info(
      { invoice_id: invoice.invoiceId, number: invoice.number, payment_id: event.paymentId, created },
      created ? "invoice numbered" : "invoice already exists for payment",
    );
    if (invoice.status === InvoiceStatus.READY) {
      // Done before; make sure the downstream event went out (a crash may have come between).
      await this.deps.publisher.publish(invoice);
      return invoice;
    }

    const html = renderInvoiceHtml(invoice, this.deps.seller);
    const rendered = await this.deps.renderer.renderPdf(html);
    const sha256 = createHash("sha256").update(rendered.pdf).digest("hex");
    await this.deps.pdfs.put(pdfKey(invoice.invoiceId, sha256), rendered.pdf);
    // If another worker finished this invoice meanwhile, its PDF stands and ours is unused.
    const ready = await store.markReady(invoice.invoiceId, {
      size: BigInt(rendered.pdf.byteLength),
      sha256,
      readyAt: new Date(),
    });
    this.deps.changes.publish(ready);
    logger.info(
      { invoice_id: ready.invoiceId, number: ready.number, pdf_size: rendered.pdf.byteLength, render_ms: rendered.renderMillis },
      "invoice ready",
    );
    await this.deps.publisher.publish(ready);
    return ready;
  }

  /** Marks the payment's invoice FAILED (when its event is dead-lettered). */
  async fail(paymentId: string, reason: string): Promise<void> {
    const invoice = await this.deps.store.getByPayment(paymentId);
    if (!invoice) return;
    const failed = await this.deps.store.markFailed(invoice.invoiceId, reason);
    if (failed) this.deps.changes.publish(failed);
  }

  #newInvoice(event: PaymentCompleted) {
    const order = event.order!;
    const totals = computeTotals(order.items);
    // The issue date is the payment's, not the processing time: a redelivery next January
    // still numbers the invoice in the year it was paid.
    const issuedAt = event.occurredAt ? timestampDate(event.occurredAt) : new Date();
    return {
      series: this.deps.series,
      year: issuedAt.getUTCFullYear(),
      invoice: create(InvoiceSchema, {
        invoiceId: `inv_${randomUUID().replaceAll("-", "")}`,
        status: InvoiceStatus.PENDING,
        paymentId: event.paymentId,
        orderId: order.orderId,
        customer: order.customer,
        items: order.items,
        currency: order.currency,
        locale: order.locale || "en-US",
        totals: { net: totals.net, tax: totals.tax, gross: totals.gross, taxLines: totals.taxLines },
        traceId: event.traceId,
        issuedAt: event.occurredAt ? timestampFromDate(issuedAt) : timestampNow(),
      }),
    };
  }
}

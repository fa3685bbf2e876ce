import { timestampDate } from "@bufbuild/protobuf/wkt";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { Logger } from "@invoicing/service-kit/observability";
import { createHash } from "node:crypto";
import type { InvoiceChanges } from "./invoice-changes.js";
import type { InvoiceStore, NewInvoice } from "./invoice-store.js";
import { facturXHybrid } from "../e-invoice/e-invoice-files.js";
import { EInvoiceRefusal } from "../e-invoice/e-invoice-refusal.js";
import { documentSeller, sellerRecord, type SellerDetails } from "./document-seller.js";
import { renderInvoiceHtml } from "./invoice-template.js";
import { pdfKey, type PdfStore } from "./pdf-store.js";
import { RenderFailed, type PdfRenderer, type RenderedPdf } from "./pdf-renderer.js";
import type { InvoiceGeneratedPublisher } from "./invoice-generated-publisher.js";
import { DocumentRefused } from "./issuing-errors.js";

export interface FinisherDeps {
  store: InvoiceStore;
  pdfs: PdfStore;
  renderer: PdfRenderer;
  publisher: InvoiceGeneratedPublisher;
  changes: InvoiceChanges;
  /** The configured seller, recorded on each document when it is numbered. */
  seller: SellerDetails;
  logger: Logger;
  /** Told of every status this process moves a document to (InvoiceMetrics counts them). */
  metrics: { moved(document: Invoice): void };
}

/**
 * Takes a new invoice or credit note from its event to READY: number it, render it, make
 * the PDF its Factur-X hybrid, store that, mark it READY, announce it. Every step is idempotent, so the whole run can repeat
 * after a crash at any point, or for a duplicate event, and end in the same state: the number
 * comes from the store's create-or-get, the PDF is stored whole under its hash, READY is
 * final, and the InvoiceGenerated republish is deduplicated.
 */
export class DocumentFinisher {
  constructor(private readonly deps: FinisherDeps) {}

  async finish(input: NewInvoice): Promise<Invoice> {
    const { store, logger } = this.deps;
    const seller = sellerRecord(this.deps.seller);
    const { invoice, created } = await store.createNumbered({ ...input, invoice: { ...input.invoice, seller } });
    if (created) this.#moved(invoice);
    logger.info(
      { invoice_id: invoice.invoiceId, number: invoice.number, payment_id: invoice.paymentId, created },
      created ? "document numbered" : "document already exists for its source",
    );
    if (invoice.status === InvoiceStatus.READY) {
      // Done before; make sure the downstream event went out (a crash may have come between).
      await this.deps.publisher.publish(invoice);
      return invoice;
    }

    const recorded = documentSeller(invoice, this.deps.seller);
    const rendered = await this.#render(renderInvoiceHtml(invoice, recorded));
    const pdf = await this.#facturX(invoice, recorded, rendered.pdf);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await this.deps.pdfs.put(pdfKey(invoice.invoiceId, sha256), pdf);
    // If another worker finished this document meanwhile, its PDF stands and ours is unused.
    const readyAt = new Date();
    const ready = await store.markReady(invoice.invoiceId, { size: BigInt(pdf.byteLength), sha256, readyAt });
    if (ready.readyAt && timestampDate(ready.readyAt).getTime() === readyAt.getTime()) this.#moved(ready);
    logger.info(
      { invoice_id: ready.invoiceId, number: ready.number, pdf_size: pdf.byteLength, render_ms: rendered.renderMillis },
      "document ready",
    );
    await this.deps.publisher.publish(ready);
    return ready;
  }

  /**
   * Marks the source's document FAILED (its event was dead-lettered); READY stays READY.
   * Returns the document as it now stands, or undefined when none was numbered.
   */
  async fail(source: string, reason: string): Promise<Invoice | undefined> {
    const document = await this.deps.store.getBySource(source);
    if (!document) return undefined;
    const failed = await this.deps.store.markFailed(document.invoiceId, reason);
    // Counted once: a document refused again (a replay, a redelivery) was FAILED already.
    if (failed?.status === InvoiceStatus.FAILED && document.status !== InvoiceStatus.FAILED) this.#moved(failed);
    return failed ?? document;
  }

  async #render(html: string): Promise<RenderedPdf> {
    try {
      return await this.deps.renderer.renderPdf(html);
    } catch (error) {
      // A refusal is the document's own fault and ends its issuing; an outage only delays it.
      if (error instanceof RenderFailed && error.permanent) throw new DocumentRefused(error.message, { cause: error });
      throw error;
    }
  }

  async #facturX(document: Invoice, seller: SellerDetails, printed: Uint8Array): Promise<Uint8Array> {
    try {
      return await facturXHybrid(document, seller, printed);
    } catch (error) {
      // A record no e-invoice can describe fails the same way every time: the document is
      // refused (FAILED, reported) with the reason. Any other failure is retried.
      if (error instanceof EInvoiceRefusal) {
        throw new DocumentRefused(`no Factur-X e-invoice could be made: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  #moved(document: Invoice): void {
    this.deps.changes.publish(document);
    this.deps.metrics.moved(document);
  }
}

// Issuing's ports stood in for by small fakes, so the domain is tested without Chromium or
// nats-server: a renderer that answers as told and a publisher that remembers. The stores
// are the real embedded ones in a temp folder: fast, and their guarantees are the domain's.
import { PDFDocument } from "@cantoo/pdf-lib";
import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { createLogger } from "@invoicing/service-kit/observability";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentFinisher, type FinisherDeps } from "../issuing/document-finisher.js";
import type { SellerDetails } from "../issuing/document-seller.js";
import { InvoiceChanges } from "../issuing/invoice-changes.js";
import type { InvoiceGeneratedPublisher } from "../issuing/invoice-generated-publisher.js";
import type { PdfRenderer, RenderedPdf } from "../issuing/pdf-renderer.js";
import { pdfKey } from "../issuing/pdf-store.js";
import { FilePdfStore } from "../store/file-pdf-store.js";
import { SqliteInvoiceStore } from "../store/sqlite-invoice-store.js";

/**
 * Renders each HTML to a distinct one-page PDF (blank, the call's number in its subject: the
 * Factur-X step needs a PDF to work on), unless a failure is queued: then throws it instead.
 */
export class FakeRenderer implements PdfRenderer {
  /** The HTML of every call, in order. */
  readonly calls: string[] = [];
  /** Thrown by the next calls, one each, before rendering resumes. */
  readonly failures: Error[] = [];
  /** Returned by the next calls instead of a PDF, one each (bytes no PDF reader takes, say). */
  readonly outputs: Uint8Array[] = [];

  async renderPdf(html: string): Promise<RenderedPdf> {
    this.calls.push(html);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const output = this.outputs.shift();
    if (output) return { pdf: output, renderMillis: 1 };
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.addPage();
    pdf.setSubject(`fake render ${this.calls.length} of ${html.length} characters`);
    return { pdf: await pdf.save(), renderMillis: 1 };
  }

  close(): void {}
}

/** Remembers what it announced, unless a failure is queued. */
export class FakePublisher implements InvoiceGeneratedPublisher {
  readonly published: Invoice[] = [];
  readonly failures: Error[] = [];

  async publish(invoice: Invoice): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.published.push(invoice);
  }
}

export const testSeller: SellerDetails = {
  name: "Example Seller GmbH",
  addressLines: ["Musterstraße 1", "10115 Berlin", "DE"],
  vatId: "DE000000000",
  legalRegistrationId: "HRB 111111 B",
  electronicAddress: "invoices@seller.example",
  contactName: "Accounts",
  contactPhone: "+49 30 1234567",
  contactEmail: "accounts@seller.example",
};

/** A DocumentFinisher on fresh embedded stores with fake renderer and publisher, and what it touched. */
export function finisherOnFakePorts() {
  const dir = mkdtempSync(join(tmpdir(), "invoice-issuing-"));
  const store = new SqliteInvoiceStore(join(dir, "invoice.sqlite"));
  const pdfs = new FilePdfStore(join(dir, "pdfs"));
  const renderer = new FakeRenderer();
  const publisher = new FakePublisher();
  const changes = new InvoiceChanges();
  /** Every document as the finisher moved it to a status, in order. */
  const moved: Invoice[] = [];
  const deps: FinisherDeps = {
    store,
    pdfs,
    renderer,
    publisher,
    changes,
    seller: testSeller,
    logger: createLogger("invoice-test", "silent"),
    metrics: { moved: (document) => moved.push(document) },
  };
  const finisher = new DocumentFinisher(deps);
  /** The stored PDF of a READY document, whole, or undefined. */
  const storedPdf = async (document: Invoice): Promise<Buffer | undefined> => {
    const chunks = await pdfs.read(pdfKey(document.invoiceId, document.pdfSha256), 64 * 1024);
    if (!chunks) return undefined;
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  };
  return { finisher, deps, store, pdfs, renderer, publisher, changes, moved, storedPdf, close: () => store.close() };
}

import { Code, ConnectError } from "@connectrpc/connect";
import { DocumentFormat, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { eInvoiceXmlFile, type EInvoiceFile } from "../e-invoice/e-invoice-files.js";
import { EInvoiceRefusal } from "../e-invoice/e-invoice-refusal.js";
import { attachedFacturXXml } from "../e-invoice/factur-x-pdf.js";
import type { InvoiceStore } from "../issuing/invoice-store.js";
import { pdfKey, type PdfStore } from "../issuing/pdf-store.js";
import { invalidArgument, notFound } from "./request-errors.js";
import { readVerified } from "./verified-pdf.js";

/** The most a streamed response carries in one message. */
export const DOCUMENT_CHUNK_BYTES = 64 * 1024;

export interface ReadyDocumentDeps {
  store: InvoiceStore;
  pdfs: PdfStore;
  /** A stored PDF whose bytes no longer hash to the invoice's SHA-256 was asked for. */
  onDamagedPdf?: (invoice: Invoice) => void;
}

/** What GetInvoicePdf and GetInvoiceDocument serve of a READY document, and their refusals. */
export function readyDocuments(deps: ReadyDocumentDeps) {
  return {
    async ready(invoiceId: string): Promise<Invoice> {
      if (!invoiceId) throw invalidArgument("invoice_id: must be set");
      const invoice = await deps.store.get(invoiceId);
      if (!invoice) throw notFound({ invoiceId });
      if (invoice.status !== InvoiceStatus.READY) {
        throw new ConnectError(
          `invoice ${invoice.invoiceId} is ${InvoiceStatus[invoice.status]}, its PDF is not ready`,
          Code.FailedPrecondition,
        );
      }
      return invoice;
    },

    /**
     * The stored PDF (the Factur-X hybrid), read whole and checked before the first byte goes
     * out: a damaged or truncated file is never streamed, nor mailed (the notifier fetches it here).
     */
    async pdfChunks(invoice: Invoice): Promise<Uint8Array[]> {
      const chunks = await deps.pdfs.read(pdfKey(invoice.invoiceId, invoice.pdfSha256), DOCUMENT_CHUNK_BYTES);
      if (!chunks) throw new ConnectError(`PDF of ${invoice.invoiceId} is missing`, Code.DataLoss);
      const verified = await readVerified(chunks, invoice.pdfSha256);
      if (!verified) {
        deps.onDamagedPdf?.(invoice);
        throw new ConnectError(`PDF of ${invoice.invoiceId} is damaged: its bytes do not hash to ${invoice.pdfSha256}`, Code.DataLoss);
      }
      return verified;
    },

    /**
     * The stored Factur-X PDF and the CII attached to it, exactly as issued (the CII is read out
     * of the verified PDF, not written again). A document issued as a plain PDF before
     * e-invoices has neither.
     */
    async facturX(invoice: Invoice): Promise<{ pdf: Uint8Array[]; cii: Uint8Array }> {
      const pdf = await this.pdfChunks(invoice);
      const cii = await attachedFacturXXml(Buffer.concat(pdf));
      if (!cii) {
        throw new ConnectError(
          `invoice ${invoice.invoiceId} was issued as a plain PDF, before e-invoices: it has no Factur-X`,
          Code.FailedPrecondition,
        );
      }
      return { pdf, cii };
    },

    /**
     * XRechnung written now from the stored record and the seller recorded on it, from the model
     * the CII inside the PDF was written from. A document numbered before sellers were recorded is
     * refused: its seller is the configuration of its day, which is no longer known.
     */
    async xrechnungFile(invoice: Invoice, format: DocumentFormat): Promise<EInvoiceFile> {
      if (!invoice.seller) {
        throw new ConnectError(
          `invoice ${invoice.invoiceId} was numbered before its seller was recorded: it has no ${DocumentFormat[format]}`,
          Code.FailedPrecondition,
        );
      }
      let file: EInvoiceFile | undefined;
      try {
        file = await eInvoiceXmlFile(invoice, invoice.seller, format);
      } catch (error) {
        if (!(error instanceof EInvoiceRefusal)) throw error;
        throw new ConnectError(`invoice ${invoice.invoiceId} has no ${DocumentFormat[format]}: ${error.message}`, Code.FailedPrecondition);
      }
      if (!file) throw invalidArgument(`format: ${DocumentFormat[format] ?? format} is not an XRechnung format`);
      return file;
    },
  };
}

/** Bytes as the chunks of a stream, none larger than DOCUMENT_CHUNK_BYTES. */
export function* chunked(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += DOCUMENT_CHUNK_BYTES) yield bytes.subarray(at, at + DOCUMENT_CHUNK_BYTES);
}

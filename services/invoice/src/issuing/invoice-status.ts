import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

// The status rules every store adapter applies: SQLite calls these inside its read-change-write
// transaction; MongoDB states the same rules as the filters of its single-document updates
// (mongo-invoice-store.ts), so a change here must be made there too. READY is final: once a PDF is recorded, a later READY (a worker that lost a race) or
// FAILED (a late dead letter) changes nothing.

export interface StoredPdf {
  size: bigint;
  sha256: string;
  readyAt: Date;
}

export function applyReady(invoice: Invoice, pdf: StoredPdf): void {
  if (invoice.status === InvoiceStatus.READY) return;
  invoice.status = InvoiceStatus.READY;
  invoice.pdfSize = pdf.size;
  invoice.pdfSha256 = pdf.sha256;
  invoice.readyAt = timestampFromDate(pdf.readyAt);
  invoice.failureReason = "";
}

export function applyFailed(invoice: Invoice, reason: string): void {
  if (invoice.status === InvoiceStatus.READY) return;
  invoice.status = InvoiceStatus.FAILED;
  invoice.failureReason = reason;
}

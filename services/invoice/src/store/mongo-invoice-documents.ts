import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { InvoiceSchema, type InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { toInt64 } from "@invoicing/service-kit/storage";
import { Binary, type Long } from "mongodb";

// How the MongoDB adapter keeps a document: the protobuf record whole, plus copies of the
// fields it queries by and that people read the data by.

export interface InvoiceDoc {
  invoice_id: string;
  /** Unique: "payment:<id>" for an invoice, "refund:<id>" for a credit note (see sourceOf). */
  source_key: string;
  payment_id: string;
  order_id: string;
  customer_id: string;
  number: string;
  status: InvoiceStatus;
  issued_at: Date;
  trace_id: string;
  pdf_sha256: string;
  pdf_size: Long;
  failure_reason: string;
  /** The record itself; the fields above are copies for queries and for people reading the data. */
  invoice_pb: Binary;
}

/** One counter per series and year, e.g. { _id: "INV-2026", last: 42 }. */
export interface SeriesDoc {
  _id: string;
  last: number;
}

export const decode = (doc: InvoiceDoc | null): Invoice | undefined =>
  doc ? fromBinary(InvoiceSchema, doc.invoice_pb.value()) : undefined;

// Milliseconds, as the SQLite adapter and the page token keep them.
const issuedAt = (invoice: Invoice): Date => new Date(invoice.issuedAt ? Number(timestampMs(invoice.issuedAt)) : Date.now());

export const invoiceFields = (invoice: Invoice) => ({
  status: invoice.status,
  pdf_sha256: invoice.pdfSha256,
  pdf_size: toInt64(invoice.pdfSize),
  failure_reason: invoice.failureReason,
  invoice_pb: new Binary(toBinary(InvoiceSchema, invoice)),
});

/** The document a newly numbered invoice is inserted as. */
export const newInvoiceDoc = (numbered: Invoice, source: string): InvoiceDoc => ({
  invoice_id: numbered.invoiceId,
  source_key: source,
  payment_id: numbered.paymentId,
  order_id: numbered.orderId,
  customer_id: numbered.customer?.customerId ?? "",
  number: numbered.number,
  issued_at: issuedAt(numbered),
  trace_id: numbered.traceId,
  ...invoiceFields(numbered),
});

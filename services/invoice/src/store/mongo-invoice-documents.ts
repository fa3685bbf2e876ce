import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate, timestampMs } from "@bufbuild/protobuf/wkt";
import { InvoiceSchema, type InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { fromInt64, toInt64 } from "@invoicing/service-kit/storage";
import { Binary, type Long } from "mongodb";

// How the MongoDB adapter keeps a document: the protobuf record as it was numbered, plus the
// fields it queries by and the status fields, which are the truth for the status. Keeping the
// status outside the record is what lets a status change be one update with a filter, with no
// read of the record first (see markReady in mongo-invoice-store.ts).

export interface InvoiceDoc {
  invoice_id: string;
  /** Unique: "payment:<id>" for an invoice, "refund:<id>" for a credit note (see sourceOf). */
  source_key: string;
  payment_id: string;
  order_id: string;
  customer_id: string;
  /**
   * The number's parts, unique together: the insert of (series, year, counter) is what
   * assigns a number. Documents written before issue 13 lack them until open() backfills
   * them from `number` (see mongo-invoice-migrations.ts).
   */
  series: string;
  year: number;
  counter: number;
  /** The number as printed, also unique: the only number field of documents written before issue 13. */
  number: string;
  status: InvoiceStatus;
  issued_at: Date;
  trace_id: string;
  pdf_sha256: string;
  pdf_size: Long | number;
  failure_reason: string;
  /** Absent on documents made READY before issue 13: their record holds readyAt. */
  ready_at?: Date;
  /**
   * The record. Before issue 13 it was rewritten with every status change; since then it stays
   * as numbered (PENDING) and the status fields above are laid over it when read. Both shapes
   * decode the same, since the old adapter kept the status fields in step with the record.
   */
  invoice_pb: Binary;
}

export function decode(doc: InvoiceDoc | null): Invoice | undefined {
  if (!doc) return undefined;
  const invoice = fromBinary(InvoiceSchema, doc.invoice_pb.value());
  invoice.status = doc.status;
  invoice.pdfSha256 = doc.pdf_sha256;
  invoice.pdfSize = fromInt64(doc.pdf_size);
  invoice.failureReason = doc.failure_reason;
  if (doc.ready_at) invoice.readyAt = timestampFromDate(doc.ready_at);
  return invoice;
}

// Milliseconds, as the SQLite adapter and the page token keep them.
const issuedAt = (invoice: Invoice): Date => new Date(invoice.issuedAt ? Number(timestampMs(invoice.issuedAt)) : Date.now());

/** The document a newly numbered invoice is inserted as; its number's parts are passed apart, not parsed back. */
export const newInvoiceDoc = (
  numbered: Invoice,
  source: string,
  number: { series: string; year: number; counter: number },
): InvoiceDoc => ({
  invoice_id: numbered.invoiceId,
  source_key: source,
  payment_id: numbered.paymentId,
  order_id: numbered.orderId,
  customer_id: numbered.customer?.customerId ?? "",
  ...number,
  number: numbered.number,
  status: numbered.status,
  issued_at: issuedAt(numbered),
  trace_id: numbered.traceId,
  pdf_sha256: numbered.pdfSha256,
  pdf_size: toInt64(numbered.pdfSize),
  failure_reason: numbered.failureReason,
  invoice_pb: new Binary(toBinary(InvoiceSchema, numbered)),
});

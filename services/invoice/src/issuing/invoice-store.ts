import { DocumentKind, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { StoredPdf } from "./invoice-status.js";

// Invoices, credit notes and their number series, behind a port: SQLite embedded, MongoDB in
// production. The proto Invoice is the record of both kinds; adapters index the fields they
// query by. Each document has one source, unique: the payment an invoice is issued for, or
// the refund a credit note is issued for.

/** The unique key of the event a document answers: one invoice per payment, one credit note per refund. */
export const documentSource = {
  invoice: (paymentId: string) => `payment:${paymentId}`,
  creditNote: (refundId: string) => `refund:${refundId}`,
};

export function sourceOf(document: Invoice): string {
  return document.kind === DocumentKind.CREDIT_NOTE
    ? documentSource.creditNote(document.refundId)
    : documentSource.invoice(document.paymentId);
}

export interface NewInvoice {
  /** Everything but the number and the issue date, which the store assigns. Status must be PENDING. */
  invoice: Invoice;
  /** The series prefix the number is drawn from: "INV" -> INV-2026-000042; "CN" for credit notes. */
  series: string;
  /**
   * The invoice service's clock, read by the store when it assigns the number (under its
   * numbering lock where it has one): the issue date and the number's year come from it,
   * never from a timestamp inside an event, so numbers and issue dates rise together.
   */
  clock: () => Date;
}

export interface CreateResult {
  invoice: Invoice;
  /** False when the source already had its document: nothing was written, no number used. */
  created: boolean;
}

export interface InvoicePage {
  invoices: Invoice[];
  /** Opaque; undefined on the last page. */
  nextPageToken: string | undefined;
}

/** listByCustomer was given a page token this service did not issue, or one altered since. */
export class InvalidPageTokenError extends Error {
  override name = "InvalidPageTokenError";
}

export interface InvoiceStore {
  /**
   * The one place a number is assigned, in one atomic write: if the document's source (see
   * sourceOf) already has a document, return it; otherwise insert the document with the next
   * counter of (series, year). The source is unique, so of two racing calls for one payment
   * (or refund) exactly one creates it and the other gets it back using no number. No number
   * is skipped or repeated: SQLite takes the counter and inserts in one transaction under its
   * write lock; MongoDB inserts max+1 under a unique (series, year, counter) index and tries
   * again on a duplicate key.
   */
  createNumbered(input: NewInvoice): Promise<CreateResult>;
  get(invoiceId: string): Promise<Invoice | undefined>;
  /** By a key from `documentSource`. */
  getBySource(source: string): Promise<Invoice | undefined>;
  /** Newest first. A token that is not one of its own is an InvalidPageTokenError. */
  listByCustomer(customerId: string, pageSize: number, pageToken: string | undefined): Promise<InvoicePage>;
  /** Sets READY with the PDF's size and hash, unless already READY: then the first PDF stands. */
  markReady(invoiceId: string, pdf: StoredPdf): Promise<Invoice>;
  markFailed(invoiceId: string, reason: string): Promise<Invoice | undefined>;
  close(): Promise<void>;
}

export function formatInvoiceNumber(series: string, year: number, counter: number): string {
  return `${series}-${year}-${String(counter).padStart(6, "0")}`;
}

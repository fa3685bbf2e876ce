import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { StoredPdf } from "./invoice-status.js";

// Invoices and their number series, behind a port: SQLite embedded, MongoDB in production.
// The proto Invoice is the record; adapters index the fields they query by.

export interface NewInvoice {
  /** Everything but the number, which the store assigns. Status must be PENDING. */
  invoice: Invoice;
  /** The series prefix and year the number is drawn from: "INV", 2026 -> INV-2026-000042. */
  series: string;
  year: number;
}

export interface CreateResult {
  invoice: Invoice;
  /** False when the payment already had an invoice: nothing was written, no number used. */
  created: boolean;
}

export interface InvoicePage {
  invoices: Invoice[];
  /** Opaque; undefined on the last page. */
  nextPageToken: string | undefined;
}

export interface InvoiceStore {
  /**
   * The one place a number is assigned. In a single transaction: if the payment already has
   * an invoice, return it; otherwise take the next counter of (series, year) and insert the
   * invoice with that number. The payment id is unique, so of two racing calls for one payment
   * exactly one commits; the loser's counter increment rolls back with it. No number is
   * skipped (the increment and the insert commit together) or repeated (the counter row is
   * written under the transaction's lock, and numbers are unique too).
   */
  createForPayment(input: NewInvoice): Promise<CreateResult>;
  get(invoiceId: string): Promise<Invoice | undefined>;
  getByPayment(paymentId: string): Promise<Invoice | undefined>;
  /** Newest first. */
  listByCustomer(customerId: string, pageSize: number, pageToken: string | undefined): Promise<InvoicePage>;
  /** Sets READY with the PDF's size and hash, unless already READY: then the first PDF stands. */
  markReady(invoiceId: string, pdf: StoredPdf): Promise<Invoice>;
  markFailed(invoiceId: string, reason: string): Promise<Invoice | undefined>;
  close(): Promise<void>;
}

export function formatInvoiceNumber(series: string, year: number, counter: number): string {
  return `${series}-${year}-${String(counter).padStart(6, "0")}`;
}

import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

/**
 * The invoice service as a delivery sees it: the record it holds, and the PDF. Each call ends
 * within `timeoutMs`, or rejects (transient, tried again).
 */
export interface InvoiceDocuments {
  /** The invoice service's record; undefined when it knows no such invoice. */
  invoice(invoiceId: string, timeoutMs: number): Promise<Invoice | undefined>;
  pdf(invoiceId: string, timeoutMs: number): Promise<Uint8Array>;
}

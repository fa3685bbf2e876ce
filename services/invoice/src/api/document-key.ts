import { documentSource } from "../issuing/invoice-store.js";
import { invalidArgument } from "./request-errors.js";

/** A document is asked for by its id, by the payment of its invoice, or by the refund of its credit note. */
export interface DocumentKey {
  invoiceId: string;
  paymentId: string;
  refundId: string;
}

export const sourceFor = (key: DocumentKey) =>
  key.paymentId ? documentSource.invoice(key.paymentId) : documentSource.creditNote(key.refundId);

export function requireOneKey(req: DocumentKey): void {
  const set = [req.invoiceId, req.paymentId, req.refundId].filter(Boolean).length;
  if (set === 0) throw invalidArgument("invoice_id: one of invoice_id, payment_id or refund_id must be set");
  if (set > 1) throw invalidArgument("invoice_id: set only one of invoice_id, payment_id or refund_id");
}

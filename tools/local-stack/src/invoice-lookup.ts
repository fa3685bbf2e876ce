import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { InvoiceStatus, type Invoice, type InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { eventually } from "./eventually.js";

/** A payment's invoice, or undefined while it has none yet (GetInvoice answers NOT_FOUND). */
export async function invoiceOfPayment(invoices: Client<typeof InvoiceService>, paymentId: string): Promise<Invoice | undefined> {
  try {
    return (await invoices.getInvoice({ paymentId })).invoice;
  } catch (error) {
    if (ConnectError.from(error).code === Code.NotFound) return undefined;
    throw error;
  }
}

/** Waits until every payment's invoice is READY; the invoices, in the payments' order. */
export async function everyInvoiceReady(
  invoices: Client<typeof InvoiceService>,
  paymentIds: string[],
  timeoutMs: number,
): Promise<Invoice[]> {
  return eventually(
    "every invoice READY",
    async () => {
      const all = await Promise.all(paymentIds.map((id) => invoiceOfPayment(invoices, id)));
      return all.every((i) => i?.status === InvoiceStatus.READY) ? (all as Invoice[]) : undefined;
    },
    timeoutMs,
  );
}

import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { Invoice, InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

/** A payment's invoice, or undefined while it has none yet (GetInvoice answers NOT_FOUND). */
export async function invoiceOfPayment(invoices: Client<typeof InvoiceService>, paymentId: string): Promise<Invoice | undefined> {
  try {
    return (await invoices.getInvoice({ paymentId })).invoice;
  } catch (error) {
    if (ConnectError.from(error).code === Code.NotFound) return undefined;
    throw error;
  }
}

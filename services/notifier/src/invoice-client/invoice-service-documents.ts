import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { Invoice, InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { InvoiceDocuments } from "../delivery/invoice-documents.js";

/** The delivery's view of the invoice service, over its gRPC client: GetInvoice and the streamed GetInvoicePdf. */
export function invoiceServiceDocuments(invoices: Client<typeof InvoiceService>): InvoiceDocuments {
  return {
    async invoice(invoiceId: string, timeoutMs: number): Promise<Invoice | undefined> {
      let answer;
      try {
        answer = await invoices.getInvoice({ invoiceId }, { timeoutMs });
      } catch (error) {
        if (ConnectError.from(error).code === Code.NotFound) return undefined;
        throw error;
      }
      if (!answer.invoice) throw new Error(`invoice ${invoiceId}: empty answer from the invoice service`);
      return answer.invoice;
    },
    async pdf(invoiceId: string, timeoutMs: number): Promise<Uint8Array> {
      const chunks: Uint8Array[] = [];
      for await (const part of invoices.getInvoicePdf({ invoiceId }, { timeoutMs })) chunks.push(part.chunk);
      return Buffer.concat(chunks);
    },
  };
}

import { DocumentKind, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { formatMoney } from "@invoicing/money";
import { mailWords } from "./mail-text.js";
import type { InvoiceMail } from "./mailer.js";

/** The mail of a document, to the recipient the invoice service holds, with its PDF attached. */
export function invoiceMail(invoice: Invoice, address: string, pdf: Uint8Array): InvoiceMail {
  const total = formatMoney(invoice.totals?.gross ?? 0n, invoice.currency, invoice.locale || "en-US");
  return {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number,
    to: { name: invoice.customer?.name ?? "", address },
    ...mailText(invoice, total),
    pdf,
    traceId: invoice.traceId,
  };
}

/** A credit note is announced as one: the customer sees money coming back, not a bill. */
function mailText(invoice: Invoice, total: string): { subject: string; text: string } {
  const words = mailWords(invoice.locale);
  const name = invoice.customer?.name ?? "";
  return invoice.kind === DocumentKind.CREDIT_NOTE
    ? { subject: words.creditNoteSubject(invoice.number), text: words.creditNoteText(name, invoice.number, total) }
    : { subject: words.invoiceSubject(invoice.number), text: words.invoiceText(name, invoice.number, total) };
}

import type { InvoiceMail } from "../delivery/mailer.js";

/** The nodemailer message of an invoice mail, the same whichever way it leaves. */
export function mailMessage(from: string, mail: InvoiceMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    // Stable per invoice, so a receiving system can drop a copy sent after a crash.
    messageId: `<${mail.invoiceId}@invoicing.local>`,
    headers: { "X-Invoice-Id": mail.invoiceId, "X-Trace-Id": mail.traceId },
    attachments: [{ filename: `${mail.invoiceNumber}.pdf`, content: Buffer.from(mail.pdf), contentType: "application/pdf" }],
  };
}

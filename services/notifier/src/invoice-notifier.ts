import type { InvoiceGenerated } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, type InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { Client } from "@connectrpc/connect";
import { formatMoney } from "@invoicing/money";
import { PermanentFailure } from "@invoicing/service-kit/durable-consumer";
import type { Logger } from "@invoicing/service-kit/logger";
import { SpanKind, trace } from "@opentelemetry/api";
import { createHash } from "node:crypto";
import type { DeliveryLog } from "./delivery-log.js";
import type { Mailer } from "./mailer.js";

const tracer = trace.getTracer("invoicing.notifier");

/**
 * Delivers one InvoiceGenerated: fetches the PDF, checks it against the hash in the event,
 * mails it, records the delivery. A redelivered event finds the record and sends nothing.
 * The guarantee: one mail per invoice, except when the process dies between the SMTP server's
 * acceptance and the record, where the retry sends a second copy with the same Message-ID
 * (at-least-once; no protocol lets SMTP and a database commit together).
 */
export class InvoiceNotifier {
  constructor(
    private readonly deps: {
      invoices: Client<typeof InvoiceService>;
      mailer: Mailer;
      log: DeliveryLog;
      logger: Logger;
    },
  ) {}

  /** Mails the document once; "already_delivered" when an earlier delivery was recorded. */
  async deliver(event: InvoiceGenerated): Promise<"sent" | "already_delivered"> {
    if (!event.invoiceId || !event.invoiceNumber) throw new PermanentFailure("invalid InvoiceGenerated: invoice_id and invoice_number must be set");
    const email = event.customer?.email;
    if (!email) throw new PermanentFailure(`invalid InvoiceGenerated: invoice ${event.invoiceId} has no customer email`);
    const { log, logger } = this.deps;
    const earlier = await log.get(event.invoiceId);
    if (earlier) {
      logger.info({ invoice_id: event.invoiceId, reference: earlier.reference }, "already delivered");
      return "already_delivered";
    }
    const pdf = await this.#fetchPdf(event.invoiceId);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    if (event.pdfSha256 && sha256 !== event.pdfSha256) {
      throw new Error(`PDF of ${event.invoiceId} has SHA-256 ${sha256}, the event says ${event.pdfSha256}`);
    }
    const total = formatMoney(event.total, event.currency, event.locale || "en-US");
    const reference = await tracer.startActiveSpan(
      `${this.deps.mailer.channel} send`,
      { kind: SpanKind.CLIENT, attributes: { "invoice.id": event.invoiceId } },
      async (span) => {
        try {
          return await this.deps.mailer.send({
            invoiceId: event.invoiceId,
            invoiceNumber: event.invoiceNumber,
            to: { name: event.customer?.name ?? "", address: email },
            ...mailText(event, total),
            pdf,
            traceId: event.traceId,
          });
        } finally {
          span.end();
        }
      },
    );
    await log.record({ invoiceId: event.invoiceId, channel: this.deps.mailer.channel, reference, deliveredAt: new Date() });
    logger.info({ invoice_id: event.invoiceId, number: event.invoiceNumber, reference }, "invoice delivered");
    return "sent";
  }

  async #fetchPdf(invoiceId: string): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const part of this.deps.invoices.getInvoicePdf({ invoiceId })) chunks.push(part.chunk);
    return Buffer.concat(chunks);
  }
}

/** A credit note is announced as one: the customer sees money coming back, not a bill. */
function mailText(event: InvoiceGenerated, total: string): { subject: string; text: string } {
  const hello = `Hello ${event.customer?.name ?? ""},\n\n`;
  if (event.kind === DocumentKind.CREDIT_NOTE) {
    return {
      subject: `Credit note ${event.invoiceNumber}`,
      text: `${hello}please find attached credit note ${event.invoiceNumber}: ${total} will be refunded to you.\n`,
    };
  }
  return {
    subject: `Invoice ${event.invoiceNumber}`,
    text: `${hello}please find attached invoice ${event.invoiceNumber} over ${total}.\n`,
  };
}

import type { InvoiceGenerated } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  DocumentKind,
  InvoiceStatus,
  type Invoice,
  type InvoiceService,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { formatMoney } from "@invoicing/money";
import { PermanentFailure } from "@invoicing/service-kit/durable-consumer";
import type { Logger } from "@invoicing/service-kit/logger";
import { SpanKind, trace } from "@opentelemetry/api";
import { createHash } from "node:crypto";
import type { DeliveryLog } from "./delivery-log.js";
import type { Mailer } from "./mailer.js";

const tracer = trace.getTracer("invoicing.notifier");

/**
 * Delivers one InvoiceGenerated: reads the document from the invoice service, fetches its PDF,
 * checks it against the hash the invoice service holds, mails it to the recipient the invoice
 * service holds, records the delivery. The event is a signed notice that a document is ready,
 * and only its invoice id is used: an address, a number or a hash written into an event never
 * decides where a document goes or what is attached. A redelivered event finds the record and
 * sends nothing.
 * The guarantee: one mail per invoice, except when the process dies between the SMTP server's
 * acceptance and the record, where the retry sends a second copy with the same Message-ID
 * (at-least-once; no protocol lets SMTP and a database commit together).
 */
export class InvoiceNotifier {
  /**
   * Deliveries running in this process, by invoice: two events for one invoice handled at once
   * (a redelivery beside the original, a replay) would both find no record and both send. The
   * second waits for the first and then finds its record. Across replicas the delivery log's
   * claim has to do this (see the README's mail guarantee).
   */
  readonly #running = new Map<string, Promise<unknown>>();

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
    if (!event.invoiceId) throw new PermanentFailure("invalid InvoiceGenerated: invoice_id must be set");
    const invoiceId = event.invoiceId;
    for (let running = this.#running.get(invoiceId); running; running = this.#running.get(invoiceId)) {
      await running.catch(() => undefined);
    }
    const delivery = this.#deliver(invoiceId);
    this.#running.set(invoiceId, delivery);
    try {
      return await delivery;
    } finally {
      this.#running.delete(invoiceId);
    }
  }

  async #deliver(invoiceId: string): Promise<"sent" | "already_delivered"> {
    const event = { invoiceId };
    const { log, logger } = this.deps;
    const earlier = await log.get(event.invoiceId);
    if (earlier) {
      logger.info({ invoice_id: event.invoiceId, reference: earlier.reference }, "already delivered");
      return "already_delivered";
    }
    const invoice = await this.#readyInvoice(event.invoiceId);
    const email = invoice.customer?.email;
    if (!email) throw new PermanentFailure(`invoice ${invoice.invoiceId} has no customer email`);
    const pdf = await this.#fetchPdf(invoice.invoiceId);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    if (sha256 !== invoice.pdfSha256) {
      throw new Error(`PDF of ${invoice.invoiceId} has SHA-256 ${sha256}, the invoice says ${invoice.pdfSha256}`);
    }
    const total = formatMoney(invoice.totals?.gross ?? 0n, invoice.currency, invoice.locale || "en-US");
    const reference = await tracer.startActiveSpan(
      `${this.deps.mailer.channel} send`,
      { kind: SpanKind.CLIENT, attributes: { "invoice.id": invoice.invoiceId } },
      async (span) => {
        try {
          return await this.deps.mailer.send({
            invoiceId: invoice.invoiceId,
            invoiceNumber: invoice.number,
            to: { name: invoice.customer?.name ?? "", address: email },
            ...mailText(invoice, total),
            pdf,
            traceId: invoice.traceId,
          });
        } finally {
          span.end();
        }
      },
    );
    await log.record({ invoiceId: invoice.invoiceId, channel: this.deps.mailer.channel, reference, deliveredAt: new Date() });
    logger.info({ invoice_id: invoice.invoiceId, number: invoice.number, reference }, "invoice delivered");
    return "sent";
  }

  /** The invoice service's record; an id it does not know, or a document not READY, is no delivery. */
  async #readyInvoice(invoiceId: string): Promise<Invoice> {
    let invoice: Invoice | undefined;
    try {
      invoice = (await this.deps.invoices.getInvoice({ invoiceId })).invoice;
    } catch (error) {
      if (ConnectError.from(error).code === Code.NotFound) {
        throw new PermanentFailure(`invoice ${invoiceId} does not exist at the invoice service`);
      }
      throw error;
    }
    if (!invoice) throw new Error(`invoice ${invoiceId}: empty answer from the invoice service`);
    if (invoice.status !== InvoiceStatus.READY) {
      throw new PermanentFailure(`invoice ${invoiceId} is ${InvoiceStatus[invoice.status]}, not READY`);
    }
    return invoice;
  }

  async #fetchPdf(invoiceId: string): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const part of this.deps.invoices.getInvoicePdf({ invoiceId })) chunks.push(part.chunk);
    return Buffer.concat(chunks);
  }
}

/** A credit note is announced as one: the customer sees money coming back, not a bill. */
function mailText(invoice: Invoice, total: string): { subject: string; text: string } {
  const hello = `Hello ${invoice.customer?.name ?? ""},\n\n`;
  if (invoice.kind === DocumentKind.CREDIT_NOTE) {
    return {
      subject: `Credit note ${invoice.number}`,
      text: `${hello}please find attached credit note ${invoice.number}: ${total} will be refunded to you.\n`,
    };
  }
  return {
    subject: `Invoice ${invoice.number}`,
    text: `${hello}please find attached invoice ${invoice.number} over ${total}.\n`,
  };
}

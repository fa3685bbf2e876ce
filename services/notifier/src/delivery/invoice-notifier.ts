import type { InvoiceGenerated } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { Logger } from "@invoicing/service-kit/observability";
import { SpanKind, trace } from "@opentelemetry/api";
import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { renewClaim } from "./claim-renewal.js";
import { DeliveryInProgress, NothingToDeliver } from "./delivery-errors.js";
import type { Delivery, DeliveryLog } from "./delivery-log.js";
import type { InvoiceDocuments } from "./invoice-documents.js";
import { invoiceMail } from "./invoice-mail.js";
import { RecipientRefused, type InvoiceMail, type Mailer } from "./mailer.js";
import { UndeliverableDocument } from "./undeliverable-document.js";

const tracer = trace.getTracer("invoicing.notifier");

const RECORD_RETRY_MAX_MS = 2_000;

/**
 * Delivers one InvoiceGenerated: reads the document from the invoice service, fetches its PDF,
 * checks it against the hash the invoice service holds, mails it to the recipient the invoice
 * service holds, records the delivery. The event is a signed notice that a document is ready,
 * and only its invoice id is used: an address, a number or a hash written into an event never
 * decides where a document goes or what is attached.
 *
 * The mail guarantee: at most one mail per document, except across one window. The notifier
 * claims the document in the delivery log before sending (a lease, DeliveryLog.claim), sends
 * with a Message-ID stable per document, and records the delivery after; a send that fails
 * lets go of the claim and is retried with backoff. A record that fails after a send (a locked
 * or slow store) is retried in place and never leads to a second send. The one window: the
 * process dies after the SMTP server accepted the mail and before the record is written; once
 * the claim's lease runs out another attempt sends a second copy, with the same Message-ID.
 * No protocol lets an SMTP acceptance and a database commit happen together.
 */
export class InvoiceNotifier {
  /**
   * Deliveries running in this process, by invoice: a redelivery beside the original waits for
   * it and then finds its record, rather than waiting out its own claim's lease.
   */
  readonly #running = new Map<string, Promise<unknown>>();
  /** This process's name in the delivery log's claims: unique per start. */
  readonly #holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly deps: {
      invoices: InvoiceDocuments;
      mailer: Mailer;
      log: DeliveryLog;
      logger: Logger;
      /**
       * How long a claim lasts unless renewed: past it, it is taken to belong to a process that
       * died. A running delivery renews it every third of this (claim-renewal.ts).
       */
      claimLeaseMs: number;
      /**
       * Tells the order service's reconciler the document is delivered (DocumentDelivered),
       * after the record and again for a document found delivered before, so a report lost
       * with the broker is sent again. Unset in tests of the mail guarantee alone.
       */
      announceDelivered?: (invoice: Invoice, channel: string) => Promise<void>;
    },
  ) {}

  /** Mails the document once; "already_delivered" when an earlier delivery was recorded. */
  async deliver(event: InvoiceGenerated): Promise<"sent" | "already_delivered"> {
    if (!event.invoiceId) throw new NothingToDeliver("invalid InvoiceGenerated: invoice_id must be set");
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
    const { log, logger, mailer } = this.deps;
    const claim = await log.claim(invoiceId, this.#holder, new Date(), this.deps.claimLeaseMs);
    if (claim.state === "delivered") {
      logger.info({ invoice_id: invoiceId, reference: claim.delivery.reference }, "already delivered");
      if (this.deps.announceDelivered) await this.deps.announceDelivered(await this.#readyInvoice(invoiceId), claim.delivery.channel);
      return "already_delivered";
    }
    if (claim.state === "held") {
      // Another notifier may be sending it right now: try again once its claim is decided.
      throw new DeliveryInProgress(
        `invoice ${invoiceId} is being delivered by ${claim.holder} until ${claim.until.toISOString()}`,
        claim.until.getTime() - Date.now() + 1_000,
      );
    }
    // What the claim guarantees: while this process lives and its store answers, no other
    // notifier sends this document. The claim is renewed every third of the lease for as long
    // as the delivery runs (reads, send, record), so a slow SMTP server or a store that makes
    // the record wait does not let it lapse; the reads from the invoice service end within
    // half a lease (deadlineMs). Another notifier can claim it only after renewals failed for
    // a whole NOTIFIER_CLAIM_LEASE_MS: this process died, or the store was unreachable that
    // long, and then a send that was in flight may be followed by a second (same Message-ID).
    const renewal = renewClaim(log, invoiceId, this.#holder, this.deps.claimLeaseMs, logger);
    const deadlineMs = Date.now() + this.deps.claimLeaseMs / 2;
    let reference: string;
    let invoice: Invoice;
    try {
      invoice = await this.#readyInvoice(invoiceId, deadlineMs);
      reference = await this.#send(invoice, deadlineMs);
    } catch (error) {
      // Nothing was sent: the retry may claim again at once.
      await renewal.stop();
      await log.release(invoiceId, this.#holder).catch(() => undefined);
      throw error;
    }
    try {
      await this.#recordSent({ invoiceId, channel: mailer.channel, reference, deliveredAt: new Date() });
    } finally {
      await renewal.stop();
    }
    logger.info({ invoice_id: invoice.invoiceId, number: invoice.number, reference }, "invoice delivered");
    await this.deps.announceDelivered?.(invoice, mailer.channel);
    return "sent";
  }

  async #send(invoice: Invoice, deadlineMs: number): Promise<string> {
    const email = invoice.customer?.email;
    if (!email) throw new UndeliverableDocument(invoice, `invoice ${invoice.invoiceId} has no customer email`);
    const pdf = await this.deps.invoices.pdf(invoice.invoiceId, remainingMs(deadlineMs));
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    if (sha256 !== invoice.pdfSha256) {
      throw new Error(`PDF of ${invoice.invoiceId} has SHA-256 ${sha256}, the invoice says ${invoice.pdfSha256}`);
    }
    return tracer.startActiveSpan(
      `${this.deps.mailer.channel} send`,
      { kind: SpanKind.CLIENT, attributes: { "invoice.id": invoice.invoiceId } },
      async (span) => {
        try {
          return await this.#mailOrRefuse(invoice, invoiceMail(invoice, email, pdf));
        } finally {
          span.end();
        }
      },
    );
  }

  /** Sends; a recipient the mail server refuses for good makes the document undeliverable, not retried. */
  async #mailOrRefuse(invoice: Invoice, mail: InvoiceMail): Promise<string> {
    try {
      return await this.deps.mailer.send(mail);
    } catch (error) {
      if (error instanceof RecipientRefused) {
        throw new UndeliverableDocument(invoice, `the mail server refused ${mail.to.address} for good: ${error.message}`);
      }
      throw error;
    }
  }

  /** After a send, the record is written however long the store makes it wait: sending again is not an option. */
  async #recordSent(delivery: Delivery): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.log.record(delivery);
        return;
      } catch (error) {
        const delay = Math.min(RECORD_RETRY_MAX_MS, 50 * 2 ** attempt);
        this.deps.logger.warn(
          { err: error, invoice_id: delivery.invoiceId, attempt, delay },
          "mail sent, recording it failed; retrying the record",
        );
        await sleep(delay);
      }
    }
  }

  /** The invoice service's record; an id it does not know, or a document not READY, is no delivery. */
  async #readyInvoice(invoiceId: string, deadlineMs = Date.now() + this.deps.claimLeaseMs / 2): Promise<Invoice> {
    const invoice = await this.deps.invoices.invoice(invoiceId, remainingMs(deadlineMs));
    if (!invoice) throw new NothingToDeliver(`invoice ${invoiceId} does not exist at the invoice service`);
    if (invoice.status !== InvoiceStatus.READY) {
      throw new NothingToDeliver(`invoice ${invoiceId} is ${InvoiceStatus[invoice.status]}, not READY`);
    }
    return invoice;
  }
}

/** What is left of a deadline, as a call timeout: at least 1 ms, since a gRPC timeout of 0 means none. */
const remainingMs = (deadlineMs: number) => Math.max(1, Math.floor(deadlineMs - Date.now()));

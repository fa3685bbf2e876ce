import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

/** Announces a READY document downstream (the notifier mails it). */
export interface InvoiceGeneratedPublisher {
  /** Publishes InvoiceGenerated for a READY document; safe to repeat (deduplicated by id). */
  publish(invoice: Invoice): Promise<void>;
}

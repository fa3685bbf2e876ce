import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

/**
 * A READY document this notifier can never deliver (no address, or its recipient refused for
 * good): not retried, and reported to the order service (DocumentFailed) so the payment
 * behind it is not republished only to be refused again.
 */
export class UndeliverableDocument extends Error {
  override name = "UndeliverableDocument";
  constructor(
    readonly invoice: Invoice,
    message: string,
  ) {
    super(message);
  }
}

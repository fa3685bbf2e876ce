import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { PermanentFailure } from "@invoicing/service-kit/durable-consumer";

/**
 * A READY document this notifier can never deliver (no address, or its recipient refused for
 * good): dead-lettered, and reported to the order service (DocumentFailed) so the payment
 * behind it is not republished only to be refused again.
 */
export class UndeliverableDocument extends PermanentFailure {
  override name = "UndeliverableDocument";
  constructor(
    readonly invoice: Invoice,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether an SMTP failure is the mail server refusing the recipient for good: a 5xx reply to
 * RCPT TO (RFC 5321 4.2.1: "do not repeat the exact request"), as nodemailer reports it. Only
 * that one is final. A 5xx anywhere else (AUTH, MAIL FROM, DATA) says the server or this
 * notifier's account is wrong, which an operator fixes for every document at once, so those
 * stay retried; 4xx is transient by definition.
 */
export function recipientRefusedForGood(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, command, responseCode } = error as { code?: unknown; command?: unknown; responseCode?: unknown };
  return code === "EENVELOPE" && command === "RCPT TO" && typeof responseCode === "number" && responseCode >= 500 && responseCode < 600;
}

import { PermanentFailure } from "@invoicing/service-kit/messaging";
import { DocumentRefused, InvalidDocumentEvent } from "../issuing/issuing-errors.js";

/**
 * What an issuing error means to the consumer loop. A document that can never be issued is
 * dead-lettered, with the domain's message as the reason its document is marked FAILED with.
 * Anything else (InvoiceNotYetIssued, a store or renderer outage) stays as it is, which the
 * loop treats as transient: nak with capped backoff, however often.
 */
export function toConsumerFailure(error: unknown): unknown {
  if (error instanceof InvalidDocumentEvent || error instanceof DocumentRefused) {
    return new PermanentFailure(error.message, { cause: error });
  }
  return error;
}

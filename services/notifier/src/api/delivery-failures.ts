import { PermanentFailure, RetryLater } from "@invoicing/service-kit/messaging";
import { DeliveryInProgress, NothingToDeliver } from "../delivery/delivery-errors.js";
import { UndeliverableDocument } from "../delivery/undeliverable-document.js";

/**
 * What the consumer loop does with a delivery's failure: a document that can never be
 * delivered is dead-lettered (the domain error kept as the cause, for the failure report);
 * a claim held elsewhere is tried again when it runs out; anything else is transient and
 * retried with backoff.
 */
export function asConsumerFailure(error: unknown): unknown {
  if (error instanceof DeliveryInProgress) return new RetryLater(error.message, error.afterMs);
  if (error instanceof UndeliverableDocument || error instanceof NothingToDeliver) {
    return new PermanentFailure(error.message, { cause: error });
  }
  return error;
}

/** The undeliverable document behind a dead letter, if that is what sent it there. */
export function undeliverableBehind(failure: PermanentFailure): UndeliverableDocument | undefined {
  return failure.cause instanceof UndeliverableDocument ? failure.cause : undefined;
}

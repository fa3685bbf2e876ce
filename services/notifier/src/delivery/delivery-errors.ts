// What the notifier's domain raises when a delivery cannot go ahead; api/ decides what the
// consumer loop does with each (dead-letter it, or try again when).

/** Nothing here can ever be delivered (no invoice id, an invoice the invoice service does not know or not READY): not retried. */
export class NothingToDeliver extends Error {
  override name = "NothingToDeliver";
}

/** Another holder's claim on the document is live: tried again once it has run out. */
export class DeliveryInProgress extends Error {
  override name = "DeliveryInProgress";
  constructor(
    message: string,
    /** When the claim runs out, from now. */
    readonly afterMs: number,
  ) {
    super(message);
  }
}

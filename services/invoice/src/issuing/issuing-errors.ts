// Why a document could not be issued, in the domain's words. api/ decides what each means to
// the consumer loop: the first two are dead-lettered, the last is tried again later.

/** The event can never give a document (a field missing or not adding up): the same bytes stay invalid. */
export class InvalidDocumentEvent extends Error {
  override name = "InvalidDocumentEvent";
}

/** The renderer refused the document itself: every replica answers the same, so no retry helps. */
export class DocumentRefused extends Error {
  override name = "DocumentRefused";
}

/**
 * The refund arrived before the invoice it corrects exists (events of one order are not
 * ordered across subjects). Transient: it is tried again once the invoice may be there.
 */
export class InvoiceNotYetIssued extends Error {
  override name = "InvoiceNotYetIssued";
}

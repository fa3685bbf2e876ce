// A refund the payment rules refuse. Each names the request field at fault, as the caller
// wrote it, so api/ can answer with a code and a message the caller can act on.

/** A refund line that names no item of the order: the request itself is wrong. */
export class RefundLineInvalid extends Error {
  override name = "RefundLineInvalid";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** A refund of more than is left of the payment: right in form, refused by its state. */
export class RefundRefused extends Error {
  override name = "RefundRefused";
}

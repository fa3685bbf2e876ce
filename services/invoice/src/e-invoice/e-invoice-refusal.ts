/**
 * A document no e-invoice can describe: something on its record (a missing field, a value the
 * EN 16931 model refuses) that will be the same on every attempt. Any other error of the
 * e-invoice step (a bug, memory, the library) is not this, and is retried.
 */
export class EInvoiceRefusal extends Error {
  override readonly name = "EInvoiceRefusal";
}

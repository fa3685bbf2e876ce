import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { EventEmitter } from "node:events";

/**
 * In-process notice of invoice changes, so WatchInvoice answers at once when this process made
 * the change. Changes made by another replica reach watchers through their periodic re-read.
 */
export class InvoiceChanges {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  publish(invoice: Invoice): void {
    this.#emitter.emit(invoice.invoiceId, invoice);
    this.#emitter.emit(`payment:${invoice.paymentId}`, invoice);
  }

  /** Resolves at the next change of the invoice (or of the payment's invoice), or after `ms`. */
  next(key: { invoiceId?: string; paymentId?: string }, ms: number, signal: AbortSignal): Promise<void> {
    const event = key.invoiceId ? key.invoiceId : `payment:${key.paymentId}`;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#emitter.off(event, done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#emitter.on(event, done);
      signal.addEventListener("abort", done);
    });
  }
}

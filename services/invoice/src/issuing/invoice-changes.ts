import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { EventEmitter } from "node:events";
import { sourceOf } from "./invoice-store.js";

/**
 * In-process notice of invoice changes, so WatchInvoice answers at once when this process made
 * the change. Changes made by another replica reach watchers through their periodic re-read.
 */
export class InvoiceChanges {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  publish(invoice: Invoice): void {
    this.#emitter.emit(invoice.invoiceId, invoice);
    this.#emitter.emit(sourceOf(invoice), invoice);
  }

  /**
   * Resolves at the next change of the document with this id (or of the document of this
   * source, from `documentSource`), or after `ms`.
   */
  next(event: string, ms: number, signal: AbortSignal): Promise<void> {
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

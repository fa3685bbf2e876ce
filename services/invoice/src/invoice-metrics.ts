import { timestampDate } from "@bufbuild/protobuf/wkt";
import { DocumentKind, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { Counter, Histogram, type Registry } from "prom-client";

const kindOf = (invoice: Invoice) => (invoice.kind === DocumentKind.CREDIT_NOTE ? "credit_note" : "invoice");

/**
 * Documents by the status this process moved them to, and how long a payment waited for its
 * PDF. Counters per replica: Prometheus sums them across replicas, and FAILED rising is the
 * alert (dead letters waiting for an operator).
 */
export class InvoiceMetrics {
  readonly #transitions: Counter<"kind" | "status">;
  readonly #paymentToReady: Histogram<"kind">;
  readonly #damagedPdfs: Counter<"kind">;

  constructor(registry: Registry) {
    this.#transitions = new Counter({
      name: "invoicing_documents_total",
      help: "Invoices and credit notes moved to a status (PENDING when numbered, then READY or FAILED).",
      labelNames: ["kind", "status"],
      registers: [registry],
    });
    this.#paymentToReady = new Histogram({
      name: "invoicing_payment_to_ready_seconds",
      // Measured from the issue date, which the invoice service's clock sets when it numbers the
      // document (an event's own timestamp is not used for anything): rendering and storing.
      help: "From a document's numbering (its issue date) to READY: render and store.",
      labelNames: ["kind"],
      buckets: [0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.#damagedPdfs = new Counter({
      name: "invoicing_damaged_pdfs_total",
      help: "Stored PDFs asked for whose bytes no longer hash to the invoice's SHA-256 (answered DATA_LOSS, never served). Any is an alert.",
      labelNames: ["kind"],
      registers: [registry],
    });
  }

  /** A stored PDF failed its hash check and was not served. */
  damagedPdf(invoice: Invoice): void {
    this.#damagedPdfs.inc({ kind: kindOf(invoice) });
  }

  /** `invoice` has just been moved to its status by this process. */
  moved(invoice: Invoice): void {
    this.#transitions.inc({ kind: kindOf(invoice), status: InvoiceStatus[invoice.status] });
    if (invoice.status === InvoiceStatus.READY && invoice.issuedAt && invoice.readyAt) {
      const seconds = (timestampDate(invoice.readyAt).getTime() - timestampDate(invoice.issuedAt).getTime()) / 1000;
      this.#paymentToReady.observe({ kind: kindOf(invoice) }, Math.max(0, seconds));
    }
  }
}

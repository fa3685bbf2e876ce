import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { InvoiceGenerated } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { Counter, Histogram, type Registry } from "prom-client";

export type DeliveryOutcome = "sent" | "already_delivered" | "failed";

/**
 * Deliveries by outcome, and how long a customer waited for the mail after the document was
 * READY. `failed` counts attempts (the message is retried); a rising rate with nothing `sent`
 * means the mail server or the invoice service is down.
 */
export class NotifierMetrics {
  readonly #deliveries: Counter<"channel" | "outcome">;
  readonly #readyToMail: Histogram;

  constructor(
    registry: Registry,
    readonly channel: string,
  ) {
    this.#deliveries = new Counter({
      name: "notifier_deliveries_total",
      help: "InvoiceGenerated events handled: sent, already_delivered (a redelivery, nothing sent) or failed (retried).",
      labelNames: ["channel", "outcome"],
      registers: [registry],
    });
    this.#readyToMail = new Histogram({
      name: "notifier_ready_to_mail_seconds",
      help: "From InvoiceGenerated (the document READY) to its mail accepted by the mail server.",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    for (const outcome of ["sent", "already_delivered", "failed"] as const) this.#deliveries.inc({ channel, outcome }, 0);
  }

  handled(event: InvoiceGenerated, outcome: DeliveryOutcome): void {
    this.#deliveries.inc({ channel: this.channel, outcome });
    if (outcome === "sent" && event.occurredAt) {
      this.#readyToMail.observe(Math.max(0, (Date.now() - timestampDate(event.occurredAt).getTime()) / 1000));
    }
  }
}

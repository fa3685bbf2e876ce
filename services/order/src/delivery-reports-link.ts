import type { DurableConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { awaitStreams, INVOICES_STREAM } from "@invoicing/service-kit/jetstream-topology";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { startDeliveryReports } from "./delivery-reports.js";

type ReportOptions = Parameters<typeof startDeliveryReports>[1];

/**
 * Starts the delivery-report consumer once INVOICES exists, trying again with capped backoff
 * until then. INVOICES belongs to the invoice service and the notifier, so the order service
 * may not create it; and it must not wait for it either: the outbox relay (payments going
 * out) starts beside this, not after it, so a pipeline whose invoice service is not up yet
 * still gets its payment events.
 */
export function startDeliveryReportsWhenReady(nc: NatsConnection, options: ReportOptions): DurableConsumerLoop {
  let stopping = false;
  let loop: DurableConsumerLoop | undefined;
  const started = (async () => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await awaitStreams(nc, [INVOICES_STREAM]);
        const running = await startDeliveryReports(nc, options);
        if (stopping) return void (await running.stop());
        loop = running;
        return;
      } catch (error) {
        options.logger.warn({ err: error, attempt }, "delivery reports not consumed yet; trying again");
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      await started;
      await loop?.stop();
    },
  };
}

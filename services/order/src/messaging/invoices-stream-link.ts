import type { DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { awaitStreams, INVOICES_STREAM } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * How the order service consumes the reports on INVOICES: a few at a time, and a report that
 * cannot be recorded now (the store is locked) is simply tried again. INVOICES is the invoice
 * service's and the notifier's: the order service only reads it.
 */
export const REPORT_CONSUMER = {
  stream: INVOICES_STREAM,
  backoffMs: [30_000],
  maxInFlight: 16,
  ackWaitMs: 30_000,
  producesStream: false,
  retryDelayMs: (attempt: number) => Math.min(30_000, 250 * 2 ** Math.min(attempt - 1, 20)),
} as const;

/**
 * Starts a consumer of the reports on INVOICES (deliveries, failures) once that stream
 * exists, trying again with capped backoff until then. INVOICES belongs to the invoice
 * service and the notifier, so the order service may not create it; and it must not wait for
 * it either: the outbox relay (payments going out) starts beside this, not after it, so a
 * pipeline whose invoice service is not up yet still gets its payment events.
 */
export function consumeInvoicesStreamWhenReady(
  nc: NatsConnection,
  what: string,
  logger: Logger,
  start: () => Promise<DurableConsumerLoop>,
): DurableConsumerLoop {
  let stopping = false;
  let loop: DurableConsumerLoop | undefined;
  const started = (async () => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await awaitStreams(nc, [INVOICES_STREAM]);
        const running = await start();
        if (stopping) return void (await running.stop());
        loop = running;
        return;
      } catch (error) {
        logger.warn({ err: error, attempt }, `${what} not consumed yet; trying again`);
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

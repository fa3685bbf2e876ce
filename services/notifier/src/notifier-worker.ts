import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { startConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { decodeEvent } from "@invoicing/service-kit/event-decoding";
import {
  DEAD_LETTER_STREAM,
  ensureStreams,
  INVOICES_STREAM,
} from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import { startGrpcServer } from "@invoicing/service-kit/grpc-server";
import { startMetricsServer } from "@invoicing/service-kit/metrics-server";
import { ServingStatus } from "@invoicing/service-kit/health";
import { connectNats } from "@invoicing/service-kit/nats-connection";
import { clientTracing } from "@invoicing/service-kit/rpc-tracing";
import type { NotifierConfig } from "./config.js";
import { openDeliveryLog } from "./delivery-logs.js";
import { InvoiceNotifier } from "./invoice-notifier.js";
import { OutboxFolderMailer, SmtpMailer } from "./mailer.js";
import { NotifierMetrics } from "./notifier-metrics.js";
import { join } from "node:path";

export const NOTIFIER_CONSUMER = "notifier";

export interface NotifierWorker {
  stop(): Promise<void>;
}

/** Wires the notifier: delivery log, mailer, invoice client and the InvoiceGenerated consumer. */
export async function startNotifierWorker(config: NotifierConfig, logger: Logger): Promise<NotifierWorker> {
  const log = await openDeliveryLog(config);
  const mailer = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom)
    : new OutboxFolderMailer(join(config.dataDir, "outbox"), config.mailFrom);
  const invoices = createClient(
    InvoiceService,
    createGrpcTransport({ baseUrl: config.invoiceServiceUrl, interceptors: [clientTracing] }),
  );
  const notifier = new InvoiceNotifier({ invoices, mailer, log, logger });
  const metricsServer = await startMetricsServer({ service: "notifier", host: config.host, port: config.metricsPort });
  const metrics = new NotifierMetrics(metricsServer.registry, mailer.channel);
  const nc = await connectNats(config.natsUrl, "notifier", logger);
  await ensureStreams(nc, [INVOICES_STREAM, DEAD_LETTER_STREAM], { replicas: config.jetstreamReplicas });
  const loop = await startConsumerLoop({
    nc,
    stream: INVOICES_STREAM,
    durable: NOTIFIER_CONSUMER,
    filterSubject: "invoices.generated.>",
    backoffMs: [config.ackWaitMs],
    maxInFlight: config.maxInFlight,
    maxDeliver: config.maxDeliver,
    ackWaitMs: config.ackWaitMs,
    logger,
    retryDelayMs: (attempt) => Math.min(60_000, 500 * 2 ** (attempt - 1)),
    handle: async (msg) => {
      const event = decodeEvent(InvoiceGeneratedSchema, msg.data);
      try {
        metrics.handled(event, await notifier.deliver(event));
      } catch (error) {
        metrics.handled(event, "failed");
        throw error;
      }
    },
  });
  // grpc.health only, for kubelet probes: tiny requests and a handful of callers. Inside the
  // 256 Mi pod limit that leaves the defaults' worst case (16 connections × 2 MB) far below it.
  const health = await startGrpcServer({
    routes: () => {},
    host: config.host,
    port: config.port,
    limits: { maxRequestBytes: 16 * 1024, maxConnections: 16, maxUnfinishedRequests: 8, ...config.grpcTimeouts },
  });
  logger.info({ channel: mailer.channel, port: health.port, metrics_port: metricsServer.port }, "notifier consuming");
  return {
    async stop() {
      health.health.set(ServingStatus.NOT_SERVING);
      await loop.stop();
      await health.close();
      await metricsServer.close();
      await nc.drain();
      mailer.close();
      await log.close();
    },
  };
}

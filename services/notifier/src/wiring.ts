import { createClient } from "@connectrpc/connect";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { reportDocumentFailed } from "@invoicing/service-kit/messaging";
import { HealthState, ServingStatus } from "@invoicing/service-kit/rpc";
import { DEAD_LETTER_STREAM, ensureStreams, INVOICES_STREAM } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import { startMetricsServer } from "@invoicing/service-kit/observability";
import { linkNats } from "@invoicing/service-kit/messaging";
import { startServiceGrpcServer } from "@invoicing/service-kit/rpc";
import { jetstream } from "@nats-io/jetstream";
import { join } from "node:path";
import { consumeInvoiceGenerated } from "./api/invoice-generated-consumer.js";
import type { NotifierConfig } from "./config.js";
import { InvoiceNotifier } from "./delivery/invoice-notifier.js";
import type { Mailer } from "./delivery/mailer.js";
import { invoiceServiceDocuments } from "./invoice-client/invoice-service-documents.js";
import { invoiceServiceTransport } from "./invoice-client/invoice-service-transport.js";
import { OutboxFolderMailer } from "./mail/outbox-folder-mailer.js";
import { SmtpMailer } from "./mail/smtp-mailer.js";
import { deliveryAnnouncer } from "./messaging/delivery-announcer.js";
import { NotifierMetrics } from "./notifier-metrics.js";
import { openDeliveryLog } from "./store/open-delivery-log.js";

export interface NotifierWorker {
  stop(): Promise<void>;
}

/** The notifier's composition root: health first, delivery log, mailer, invoice client, then the InvoiceGenerated consumer. */
export async function startNotifierWorker(config: NotifierConfig, logger: Logger): Promise<NotifierWorker> {
  // First, so the consumer wired below can report through it (the probes read it).
  const health = new HealthState();
  const log = await openDeliveryLog(config);
  const mailer: Mailer = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom)
    : new OutboxFolderMailer(join(config.dataDir, "outbox"), config.mailFrom);
  const invoiceService = invoiceServiceTransport(config.invoiceServiceUrl, config.tls.tls);
  const invoices = invoiceServiceDocuments(createClient(InvoiceService, invoiceService.transport));
  const metricsServer = await startMetricsServer({ service: "notifier", host: config.host, port: config.metricsPort });
  const metrics = new NotifierMetrics(metricsServer.registry, mailer.channel);
  // grpc.health only, for kubelet probes: tiny requests and a handful of callers. Inside the
  // 256 Mi pod limit that leaves the defaults' worst case (16 connections × 2 MB) far below it.
  const server = await startServiceGrpcServer({
    routes: () => {},
    health,
    host: config.host,
    port: config.port,
    tls: config.tls,
    limits: { maxRequestBytes: 16 * 1024, maxConnections: 16, maxUnfinishedRequests: 8, ...config.grpcTimeouts },
    cors: config.cors,
  });
  const nats = linkNats({
    servers: config.natsUrl,
    name: "notifier",
    logger,
    credentials: config.natsCredentials,
    registry: metricsServer.registry,
    async work(nc) {
      await ensureStreams(nc, [INVOICES_STREAM, DEAD_LETTER_STREAM], { replicas: config.jetstreamReplicas });
      const js = jetstream(nc);
      const announceDelivered = deliveryAnnouncer(js, config.eventSigner);
      const notifier = new InvoiceNotifier({ invoices, mailer, log, logger, claimLeaseMs: config.claimLeaseMs, announceDelivered });
      return consumeInvoiceGenerated(nc, {
        config,
        invoiceEvents: config.invoiceEvents,
        notifier,
        metrics,
        health,
        logger,
        reportFailed: (document) => reportDocumentFailed(js, config.eventSigner, "notifier", document),
      });
    },
  });
  logger.info(
    {
      channel: mailer.channel,
      port: server.port,
      metrics_port: metricsServer.port,
      health_port: server.healthPort,
      tls: config.tls.tls !== undefined,
    },
    "notifier listening",
  );
  return {
    async stop() {
      health.set(ServingStatus.NOT_SERVING);
      await nats.stop();
      await server.close();
      await metricsServer.close();
      mailer.close();
      invoiceService.close();
      await log.close();
    },
  };
}

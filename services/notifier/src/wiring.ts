import { createClient } from "@connectrpc/connect";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { startConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { decodeVerifiedEvent } from "@invoicing/service-kit/event-decoding";
import { reportDocumentFailed, type GivenUpDocument } from "@invoicing/service-kit/failure-report";
import {
  DEAD_LETTER_STREAM,
  ensureStreams,
  INVOICES_STREAM,
  NOTIFIER_CONSUMER,
} from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import { startServiceGrpcServer } from "@invoicing/service-kit/service-grpc-server";
import { startMetricsServer } from "@invoicing/service-kit/metrics-server";
import { ServingStatus } from "@invoicing/service-kit/health";
import { linkNats } from "@invoicing/service-kit/nats-link";
import { jetstream } from "@nats-io/jetstream";
import { deliveryAnnouncer } from "./messaging/delivery-announcer.js";
import { consumerHealth } from "@invoicing/service-kit/consumer-health";
import type { NatsConnection } from "@nats-io/transport-node";
import type { NotifierConfig } from "./config.js";
import { openDeliveryLog } from "./store/open-delivery-log.js";
import { InvoiceNotifier } from "./delivery/invoice-notifier.js";
import { invoiceServiceTransport } from "./invoice-client/invoice-service-transport.js";
import { OutboxFolderMailer, SmtpMailer } from "./mail/mailers.js";
import { NotifierMetrics } from "./notifier-metrics.js";
import { UndeliverableDocument } from "./delivery/undeliverable-document.js";
import { join } from "node:path";

export interface NotifierWorker {
  stop(): Promise<void>;
}

/** Wires the notifier: delivery log, mailer, invoice client and the InvoiceGenerated consumer. */
export async function startNotifierWorker(config: NotifierConfig, logger: Logger): Promise<NotifierWorker> {
  const log = await openDeliveryLog(config);
  const mailer = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom)
    : new OutboxFolderMailer(join(config.dataDir, "outbox"), config.mailFrom);
  const invoiceService = invoiceServiceTransport(config.invoiceServiceUrl, config.tls.tls);
  const invoices = createClient(InvoiceService, invoiceService.transport);
  const metricsServer = await startMetricsServer({ service: "notifier", host: config.host, port: config.metricsPort });
  const metrics = new NotifierMetrics(metricsServer.registry, mailer.channel);
  // grpc.health only, for kubelet probes: tiny requests and a handful of callers. Inside the
  // 256 Mi pod limit that leaves the defaults' worst case (16 connections × 2 MB) far below it.
  const health = await startServiceGrpcServer({
    routes: () => {},
    host: config.host,
    port: config.port,
    tls: config.tls,
    limits: { maxRequestBytes: 16 * 1024, maxConnections: 16, maxUnfinishedRequests: 8, ...config.grpcTimeouts },
  });
  const consume = (nc: NatsConnection, notifier: InvoiceNotifier, reportFailed: (document: GivenUpDocument) => Promise<void>) => startConsumerLoop({
    nc,
    stream: INVOICES_STREAM,
    durable: NOTIFIER_CONSUMER,
    filterSubject: "invoices.generated.>",
    // It publishes DocumentDelivered there, so it may create INVOICES again when it is lost.
    producesStream: true,
    backoffMs: [config.ackWaitMs],
    maxInFlight: config.maxInFlight,
    ackWaitMs: config.ackWaitMs,
    logger,
    replicas: config.jetstreamReplicas,
    onConsuming: consumerHealth(health.health)(NOTIFIER_CONSUMER),
    retryDelayMs: (attempt) => Math.min(config.retryMaxDelayMs, 500 * 2 ** Math.min(attempt - 1, 20)),
    handle: async (msg) => {
      // Signed by the invoice service, or nothing is done for it (it goes to the dead letters).
      const event = decodeVerifiedEvent(InvoiceGeneratedSchema, msg, config.invoiceEvents);
      try {
        metrics.handled(event, await notifier.deliver(event));
      } catch (error) {
        metrics.handled(event, "failed");
        throw error;
      }
    },
    onDeadLetter: async (_msg, reason, failure) => {
      // Only a document this notifier cannot deliver: an unverifiable event names nothing to stop.
      if (!(failure instanceof UndeliverableDocument)) return;
      const { invoice } = failure;
      const creditNote = invoice.kind === DocumentKind.CREDIT_NOTE;
      await reportFailed({
        invoiceId: invoice.invoiceId,
        kind: invoice.kind,
        paymentId: creditNote ? "" : invoice.paymentId,
        refundId: creditNote ? invoice.refundId : "",
        traceId: invoice.traceId,
        reason,
      });
    },
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
      return consume(nc, notifier, (document) => reportDocumentFailed(js, config.eventSigner, "notifier", document));
    },
  });
  logger.info(
    {
      channel: mailer.channel,
      port: health.port,
      metrics_port: metricsServer.port,
      health_port: health.healthPort,
      tls: config.tls.tls !== undefined,
    },
    "notifier listening",
  );
  return {
    async stop() {
      health.health.set(ServingStatus.NOT_SERVING);
      await nats.stop();
      await health.close();
      await metricsServer.close();
      mailer.close();
      invoiceService.close();
      await log.close();
    },
  };
}

import type { DurableConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { startGrpcServer, type GrpcServer } from "@invoicing/service-kit/grpc-server";
import { ServingStatus } from "@invoicing/service-kit/health";
import { startMetricsServer, type MetricsServer } from "@invoicing/service-kit/metrics-server";
import {
  DEAD_LETTER_STREAM,
  ensureStreams,
  INVOICES_STREAM,
  PAYMENTS_STREAM,
} from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import { connectNats } from "@invoicing/service-kit/nats-connection";
import { jetstream } from "@nats-io/jetstream";
import type { InvoiceConfig } from "./config.js";
import { JetStreamInvoicePublisher } from "./invoice-generated-publisher.js";
import { InvoiceChanges } from "./invoice-changes.js";
import { CreditNoteIssuer } from "./credit-note-issuer.js";
import { startCreditNoteConsumer, startInvoiceConsumer } from "./document-consumers.js";
import { DocumentFinisher } from "./document-finisher.js";
import { InvoiceIssuer } from "./invoice-issuer.js";
import { InvoiceMetrics } from "./invoice-metrics.js";
import { INVOICE_SERVER_LIMITS } from "./invoice-server-limits.js";
import { invoiceRoutes } from "./invoice-service.js";
import { openInvoiceStores } from "./invoice-stores.js";
import { GrpcPdfRenderer } from "./render-client.js";

export interface InvoiceWorker {
  server: GrpcServer;
  metrics: MetricsServer;
  stop(): Promise<void>;
}

/** Wires the invoice service: stores, NATS, the payment consumer and the gRPC server. */
export async function startInvoiceWorker(config: InvoiceConfig, logger: Logger): Promise<InvoiceWorker> {
  const stores = await openInvoiceStores(config);
  const nc = await connectNats(config.natsUrl, "invoice", logger);
  await ensureStreams(nc, [PAYMENTS_STREAM, INVOICES_STREAM, DEAD_LETTER_STREAM], { replicas: config.jetstreamReplicas });
  const renderer = new GrpcPdfRenderer(config.rendererTarget, config.renderDeadlineMs);
  const changes = new InvoiceChanges();
  const metricsServer = await startMetricsServer({ service: "invoice", host: config.host, port: config.metricsPort });
  const finisher = new DocumentFinisher({
    store: stores.invoices,
    pdfs: stores.pdfs,
    renderer,
    publisher: new JetStreamInvoicePublisher(jetstream(nc)),
    changes,
    seller: config.seller,
    logger,
    metrics: new InvoiceMetrics(metricsServer.registry),
  });
  const server = await startGrpcServer({
    routes: invoiceRoutes({ store: stores.invoices, pdfs: stores.pdfs, changes, watches: config.watches }),
    host: config.host,
    port: config.port,
    limits: { ...INVOICE_SERVER_LIMITS, ...config.grpcTimeouts },
  });
  let consumers: DurableConsumerLoop[] = [
    await startInvoiceConsumer(nc, new InvoiceIssuer(finisher, config.series), config, logger),
    await startCreditNoteConsumer(
      nc,
      new CreditNoteIssuer(finisher, stores.invoices, config.creditNoteSeries),
      { ...config, maxDeliver: config.creditNoteMaxDeliver },
      logger,
    ),
  ];
  logger.info(
    { port: server.port, metrics_port: metricsServer.port, renderer: config.rendererTarget },
    "invoice service listening",
  );
  return {
    server,
    metrics: metricsServer,
    async stop() {
      server.health.set(ServingStatus.NOT_SERVING);
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      consumers = [];
      await server.close();
      await metricsServer.close();
      renderer.close();
      await nc.drain();
      await stores.close();
    },
  };
}

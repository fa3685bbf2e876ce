import type { DurableConsumerLoop } from "@invoicing/service-kit/messaging";
import { HealthState, ServingStatus } from "@invoicing/service-kit/rpc";
import { startMetricsServer, type MetricsServer } from "@invoicing/service-kit/observability";
import { DEAD_LETTER_STREAM, awaitStreams, ensureStreams, INVOICES_STREAM, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import type { Logger } from "@invoicing/service-kit/observability";
import { linkNats } from "@invoicing/service-kit/messaging";
import { consumerHealth } from "@invoicing/service-kit/messaging";
import { startServiceGrpcServer, type ServiceGrpcServer } from "@invoicing/service-kit/rpc";
import { jetstream } from "@nats-io/jetstream";
import type { InvoiceConfig } from "./config.js";
import { JetStreamInvoicePublisher } from "./messaging/jetstream-invoice-publisher.js";
import { InvoiceChanges } from "./issuing/invoice-changes.js";
import { CreditNoteIssuer } from "./issuing/credit-note-issuer.js";
import { reportDocumentFailed, type GivenUpDocument } from "@invoicing/service-kit/messaging";
import { startCreditNoteConsumer, startInvoiceConsumer } from "./api/document-consumers.js";
import { DocumentFinisher } from "./issuing/document-finisher.js";
import { InvoiceIssuer } from "./issuing/invoice-issuer.js";
import { InvoiceMetrics } from "./invoice-metrics.js";
import { INVOICE_SERVER_LIMITS } from "./api/invoice-server-limits.js";
import { invoiceRoutes } from "./api/invoice-routes.js";
import { openInvoiceStores } from "./store/invoice-stores.js";
import { GrpcPdfRenderer } from "./render-client/grpc-pdf-renderer.js";
import { prepareEInvoices } from "./e-invoice/e-invoice-start.js";

export interface RunningInvoiceService {
  server: ServiceGrpcServer;
  metrics: MetricsServer;
  stop(): Promise<void>;
}

/** Wires the invoice service: stores, NATS, the payment consumer and the gRPC server. */
export async function startInvoiceService(config: InvoiceConfig, logger: Logger): Promise<RunningInvoiceService> {
  // First, so every part wired below reports into the one state the probes read.
  const health = new HealthState();
  prepareEInvoices();
  const stores = await openInvoiceStores(config);
  const renderer = new GrpcPdfRenderer(config.rendererTarget, config.renderDeadlineMs, config.tls.tls);
  const changes = new InvoiceChanges();
  const metricsServer = await startMetricsServer({ service: "invoice", host: config.host, port: config.metricsPort });
  const metrics = new InvoiceMetrics(metricsServer.registry);
  const server = await startServiceGrpcServer({
    routes: invoiceRoutes({
      store: stores.invoices,
      pdfs: stores.pdfs,
      changes,
      watches: config.watches,
      onDamagedPdf: (invoice) => metrics.damagedPdf(invoice),
    }),
    host: config.host,
    port: config.port,
    health,
    tls: config.tls,
    limits: { ...INVOICE_SERVER_LIMITS, ...config.grpcTimeouts },
    cors: config.cors,
  });
  logger.info(
    {
      port: server.port,
      metrics_port: metricsServer.port,
      health_port: server.healthPort,
      tls: config.tls.tls !== undefined,
      renderer: config.rendererTarget,
    },
    "invoice service listening",
  );
  // The API reads the store and serves while NATS is down; issuing starts once it is there.
  const nats = linkNats({
    servers: config.natsUrl,
    name: "invoice",
    logger,
    credentials: config.natsCredentials,
    registry: metricsServer.registry,
    async work(nc) {
      await ensureStreams(nc, [INVOICES_STREAM, DEAD_LETTER_STREAM], { replicas: config.jetstreamReplicas });
      // The order service's stream: until it exists this work fails and linkNats tries again.
      await awaitStreams(nc, [PAYMENTS_STREAM]);
      const finisher = new DocumentFinisher({
        store: stores.invoices,
        pdfs: stores.pdfs,
        renderer,
        publisher: new JetStreamInvoicePublisher(jetstream(nc), config.eventSigner, () =>
          ensureStreams(nc, [INVOICES_STREAM], { replicas: config.jetstreamReplicas }),
        ),
        changes,
        seller: config.seller,
        logger,
        metrics,
      });
      const consumers: DurableConsumerLoop[] = [];
      const js = jetstream(nc);
      const consuming = {
        onConsuming: consumerHealth(health),
        reportFailed: (document: GivenUpDocument) => reportDocumentFailed(js, config.eventSigner, "invoice", document),
      };
      try {
        consumers.push(await startInvoiceConsumer(nc, new InvoiceIssuer(finisher, config.series), { ...config, ...consuming }, logger));
        consumers.push(
          await startCreditNoteConsumer(
            nc,
            new CreditNoteIssuer(finisher, stores.invoices, config.creditNoteSeries),
            { ...config, ...consuming },
            logger,
          ),
        );
      } catch (error) {
        await Promise.all(consumers.map((consumer) => consumer.stop()));
        throw error;
      }
      return { stop: async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))) };
    },
  });
  return {
    server,
    metrics: metricsServer,
    async stop() {
      health.set(ServingStatus.NOT_SERVING);
      await nats.stop();
      await server.close();
      await metricsServer.close();
      renderer.close();
      await stores.close();
    },
  };
}

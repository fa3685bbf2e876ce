import type { DurableConsumerLoop } from "@invoicing/service-kit/durable-consumer";
import { startGrpcServer, type GrpcServer } from "@invoicing/service-kit/grpc-server";
import { ServingStatus } from "@invoicing/service-kit/health";
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
import { InvoiceIssuer } from "./invoice-issuer.js";
import { invoiceRoutes } from "./invoice-service.js";
import { openInvoiceStores } from "./invoice-stores.js";
import { startPaymentConsumer } from "./payment-consumer.js";
import { GrpcPdfRenderer } from "./render-client.js";

export interface InvoiceWorker {
  server: GrpcServer;
  stop(): Promise<void>;
}

/** Wires the invoice service: stores, NATS, the payment consumer and the gRPC server. */
export async function startInvoiceWorker(config: InvoiceConfig, logger: Logger): Promise<InvoiceWorker> {
  const stores = await openInvoiceStores(config);
  const nc = await connectNats(config.natsUrl, "invoice", logger);
  await ensureStreams(nc, [PAYMENTS_STREAM, INVOICES_STREAM, DEAD_LETTER_STREAM]);
  const renderer = new GrpcPdfRenderer(config.rendererTarget, config.renderDeadlineMs);
  const changes = new InvoiceChanges();
  const issuer = new InvoiceIssuer({
    store: stores.invoices,
    pdfs: stores.pdfs,
    renderer,
    publisher: new JetStreamInvoicePublisher(jetstream(nc)),
    changes,
    seller: config.seller,
    series: config.series,
    logger,
  });
  const server = await startGrpcServer({
    routes: invoiceRoutes({ store: stores.invoices, pdfs: stores.pdfs, changes }),
    host: config.host,
    port: config.port,
  });
  let consumer: DurableConsumerLoop | undefined = await startPaymentConsumer(nc, issuer, config, logger);
  logger.info({ port: server.port, renderer: config.rendererTarget }, "invoice service listening");
  return {
    server,
    async stop() {
      server.health.set(ServingStatus.NOT_SERVING);
      await consumer?.stop();
      consumer = undefined;
      await server.close();
      renderer.close();
      await nc.drain();
      await stores.close();
    },
  };
}

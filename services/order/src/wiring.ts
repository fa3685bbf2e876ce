import { startServiceGrpcServer, type ServiceGrpcServer } from "@invoicing/service-kit/rpc";
import { HealthState, ServingStatus } from "@invoicing/service-kit/rpc";
import { startMetricsServer } from "@invoicing/service-kit/observability";
import { ensureStreams, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import { startDeliveryReports } from "./api/delivery-reports.js";
import { startFailureReports } from "./api/failure-reports.js";
import { consumeInvoicesStreamWhenReady } from "./messaging/invoices-stream-link.js";
import { Reconciler } from "./payments/reconciler.js";
import type { Logger } from "@invoicing/service-kit/observability";
import { linkNats } from "@invoicing/service-kit/messaging";
import { jetstream } from "@nats-io/jetstream";
import type { OrderConfig } from "./config.js";
import { ORDER_SERVER_LIMITS } from "./api/order-server-limits.js";
import { OutboxRelay } from "./messaging/outbox-relay.js";
import { orderRoutes } from "./api/order-routes.js";
import { orderMetrics } from "./order-metrics.js";
import { openOrderStore } from "./store/open-order-store.js";

export interface OrderServer {
  server: ServiceGrpcServer;
  stop(): Promise<void>;
}

/** The order service's composition root: health, store, metrics, reconciler, gRPC server, then NATS (relay and report consumers). */
export async function startOrderServer(config: OrderConfig, logger: Logger): Promise<OrderServer> {
  // First, so every part wired below can report through it (the probes read it).
  const health = new HealthState();
  const store = await openOrderStore(config);
  let relay: OutboxRelay | undefined;
  const metricsServer = await startMetricsServer({ service: "order", host: config.host, port: config.metricsPort });
  const metrics = orderMetrics(metricsServer.registry, store);
  const reconciler = new Reconciler({
    store,
    wakeRelay: () => relay?.notify(),
    afterMs: config.reconcileAfterMs,
    intervalMs: config.reconcileIntervalMs,
    logger,
    requeued: metrics.requeued,
  });
  reconciler.start();
  const server = await startServiceGrpcServer({
    // Payments are taken whether or not NATS is there: their events wait in the outbox.
    routes: orderRoutes({ store, onOutboxWrite: () => relay?.notify() }),
    health,
    host: config.host,
    port: config.port,
    tls: config.tls,
    limits: { ...ORDER_SERVER_LIMITS, ...config.grpcTimeouts },
    cors: config.cors,
  });
  logger.info(
    { port: server.port, metrics_port: metricsServer.port, health_port: server.healthPort, tls: config.tls.tls !== undefined },
    "order service listening",
  );
  const nats = linkNats({
    servers: config.natsUrl,
    name: "order",
    logger,
    credentials: config.natsCredentials,
    registry: metricsServer.registry,
    async work(nc) {
      await ensureStreams(nc, [PAYMENTS_STREAM], { replicas: config.jetstreamReplicas });
      const replicas = config.jetstreamReplicas;
      const reports = [
        consumeInvoicesStreamWhenReady(nc, "delivery reports", logger, () =>
          startDeliveryReports(nc, { store, notifierEvents: config.notifierEvents, jetstreamReplicas: replicas, logger }),
        ),
        consumeInvoicesStreamWhenReady(nc, "failure reports", logger, () =>
          startFailureReports(nc, {
            store,
            reporters: { invoice: config.invoiceEvents, notifier: config.notifierEvents },
            jetstreamReplicas: replicas,
            logger,
            givenUp: metrics.givenUp,
          }),
        ),
      ];
      relay = new OutboxRelay(store, jetstream(nc), config.eventSigner, logger, nc, () =>
        ensureStreams(nc, [PAYMENTS_STREAM], { replicas: config.jetstreamReplicas }),
      );
      relay.start();
      const started = relay;
      return {
        async stop() {
          await Promise.all(reports.map((loop) => loop.stop()));
          await started.stop();
        },
      };
    },
  });
  return {
    server,
    async stop() {
      health.set(ServingStatus.NOT_SERVING);
      await server.close();
      await metricsServer.close();
      await reconciler.stop();
      await nats.stop();
      await store.close();
    },
  };
}

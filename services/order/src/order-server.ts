import { startGrpcServer, type GrpcServer } from "@invoicing/service-kit/grpc-server";
import { ServingStatus } from "@invoicing/service-kit/health";
import { startMetricsServer } from "@invoicing/service-kit/metrics-server";
import { Gauge } from "prom-client";
import { ensureStreams, PAYMENTS_STREAM } from "@invoicing/service-kit/jetstream-topology";
import type { Logger } from "@invoicing/service-kit/logger";
import { connectNats } from "@invoicing/service-kit/nats-connection";
import { jetstream } from "@nats-io/jetstream";
import type { OrderConfig } from "./config.js";
import { ORDER_SERVER_LIMITS } from "./order-server-limits.js";
import { OutboxRelay } from "./outbox-relay.js";
import { orderRoutes } from "./order-service.js";
import { openOrderStore } from "./order-stores.js";

export interface OrderServer {
  server: GrpcServer;
  stop(): Promise<void>;
}

/** Wires the order service: its store, the outbox relay to JetStream and the gRPC server. */
export async function startOrderServer(config: OrderConfig, logger: Logger): Promise<OrderServer> {
  const store = await openOrderStore(config);
  const nc = await connectNats(config.natsUrl, "order", logger);
  await ensureStreams(nc, [PAYMENTS_STREAM], { replicas: config.jetstreamReplicas });
  const relay = new OutboxRelay(store, jetstream(nc), logger, nc);
  relay.start();
  const metrics = await startMetricsServer({ service: "order", host: config.host, port: config.metricsPort });
  new Gauge({
    name: "order_outbox_pending",
    help: "Payment and refund events written but not yet published to JetStream.",
    registers: [metrics.registry],
    async collect() {
      this.set(await store.countPendingOutbox());
    },
  });
  const server = await startGrpcServer({
    routes: orderRoutes({ store, onOutboxWrite: () => relay.notify() }),
    host: config.host,
    port: config.port,
    limits: { ...ORDER_SERVER_LIMITS, ...config.grpcTimeouts },
  });
  logger.info({ port: server.port, metrics_port: metrics.port }, "order service listening");
  return {
    server,
    async stop() {
      server.health.set(ServingStatus.NOT_SERVING);
      await server.close();
      await metrics.close();
      await relay.stop();
      await nc.drain();
      await store.close();
    },
  };
}

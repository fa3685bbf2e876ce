import { ServingStatus } from "@invoicing/service-kit/health";
import { startMetricsServer, type MetricsServer } from "@invoicing/service-kit/metrics-server";
import type { Logger } from "@invoicing/service-kit/logger";
import { startServiceGrpcServer, type ServiceGrpcServer } from "@invoicing/service-kit/service-grpc-server";
import { findChromium, launchChromium } from "./pool/browser-launcher.js";
import type { RendererConfig } from "./config.js";
import { PagePool } from "./pool/page-pool.js";
import { renderRoutes } from "./api/render-routes.js";
import { RendererMetrics } from "./renderer-metrics.js";
import { RENDERER_SERVER_LIMITS, requestBytesFor } from "./api/server-limits.js";

export interface RendererServer {
  server: ServiceGrpcServer;
  pool: PagePool;
  metrics: MetricsServer;
  /**
   * Drain for a rolling update: NOT_SERVING; GOAWAY on every connection, so clients send new
   * calls to the other pods while the ones already here (in flight and queued) finish; then
   * the browser closes.
   */
  stop(): Promise<void>;
}

/** Builds the renderer (browser, page pool, gRPC server) on the configured port; 0 picks one. */
export async function startRendererServer(config: RendererConfig, logger: Logger): Promise<RendererServer> {
  const executablePath = findChromium(config.chromiumPath);
  let server: ServiceGrpcServer | undefined;
  const metricsServer = await startMetricsServer({ service: "renderer", host: config.host, port: config.metricsPort });
  let pool: PagePool | undefined;
  const metrics = new RendererMetrics(metricsServer.registry, () => pool);
  pool = new PagePool({
    launch: () => launchChromium(executablePath),
    size: config.pages,
    queueLimit: config.queueLimit,
    timeoutMs: config.renderTimeoutMs,
    recycle: {
      afterRenders: config.recycleAfterRenders,
      maxBrowserBytes: config.recycleAboveBytes,
      memoryCheckEvery: 50,
    },
    limits: {
      maxPages: config.maxPages,
      memory: { perRenderBytes: config.renderMemoryBytes, totalBytes: config.memoryLimitBytes },
    },
    events: {
      onRecycled: (reason) => {
        metrics.browserRestarts.inc({ reason: "recycle" });
        logger.info({ reason }, "browser recycled");
      },
      onBrowserDown: () => {
        metrics.browserRestarts.inc({ reason: "crash" });
        logger.error("browser disconnected, restarting");
        server?.health.set(ServingStatus.NOT_SERVING);
      },
      onBrowserUp: () => {
        logger.info("browser restarted");
        server?.health.set(ServingStatus.SERVING);
      },
      onError: (error) => logger.error({ err: error }, "page pool error"),
      onPageNotReused: (fate) => {
        metrics.pagesNotReused.inc({ fate });
        logger.info({ fate }, "page left unclean by its document");
      },
      onMemoryStop: (stopped) => {
        metrics.memoryStops.inc();
        logger.warn({ pid: stopped.pid, reason: stopped.reason }, "render stopped for its memory");
      },
    },
  });
  await pool.start();
  const ready = pool;
  server = await startServiceGrpcServer({
    routes: renderRoutes(ready, metrics, { maxHtmlBytes: config.maxHtmlBytes }),
    host: config.host,
    port: config.port,
    maxConnectionAgeMs: config.maxConnectionAgeMs || undefined,
    tls: config.tls,
    limits: { ...RENDERER_SERVER_LIMITS, maxRequestBytes: requestBytesFor(config.maxHtmlBytes), ...config.grpcTimeouts },
  });
  logger.info(
    {
      port: server.port,
      metrics_port: metricsServer.port,
      health_port: server.healthPort,
      tls: config.tls.tls !== undefined,
      executablePath,
      pages: config.pages,
    },
    "renderer listening",
  );
  return {
    server,
    pool: ready,
    metrics: metricsServer,
    async stop() {
      server.health.set(ServingStatus.NOT_SERVING);
      // Renders still running a render timeout (and a second) later are cut; a full queue
      // drains in a fraction of that at tens of milliseconds a render.
      await server.close(config.renderTimeoutMs + 1_000);
      await ready.close();
      await metricsServer.close();
    },
  };
}

import { HealthState, ServingStatus } from "@invoicing/service-kit/rpc";
import type { Logger } from "@invoicing/service-kit/observability";
import { startMetricsServer, type MetricsServer } from "@invoicing/service-kit/observability";
import { startServiceGrpcServer, type ServiceGrpcServer } from "@invoicing/service-kit/rpc";
import { renderRoutes } from "./api/render-routes.js";
import { RENDERER_SERVER_LIMITS, requestBytesFor } from "./api/server-limits.js";
import type { RendererConfig } from "./config.js";
import { findChromium, launchChromium } from "./pool/browser-launcher.js";
import { PagePool, type PoolEvents } from "./pool/page-pool.js";
import { RendererMetrics } from "./renderer-metrics.js";

export interface RunningRenderer {
  server: ServiceGrpcServer;
  health: HealthState;
  pool: PagePool;
  metrics: MetricsServer;
  /**
   * Drain for a rolling update: NOT_SERVING; GOAWAY on every connection, so clients send new
   * calls to the other pods while the ones already here (in flight and queued) finish; then
   * the browser closes.
   */
  stop(): Promise<void>;
}

const BROWSER_MEMORY_CHECK_EVERY = 250;

/**
 * The renderer's composition root: health state, metrics, the page pool (browser, pages), then
 * the gRPC server on the configured port (0 picks one). Health comes first, so a browser that
 * dies while the pool starts is already reported NOT_SERVING when the server opens.
 */
export async function startRenderer(config: RendererConfig, logger: Logger): Promise<RunningRenderer> {
  const executablePath = findChromium(config.chromiumPath);
  const health = new HealthState();
  const metricsServer = await startMetricsServer({ service: "renderer", host: config.host, port: config.metricsPort });
  // The gauges read the pool only when scraped, which cannot happen before it exists: no await between.
  const metrics = new RendererMetrics(metricsServer.registry, () => pool);
  const pool = new PagePool({
    launch: () => launchChromium(executablePath),
    size: config.pages,
    queueLimit: config.queueLimit,
    timeoutMs: config.renderTimeoutMs,
    // A browser's memory is read every 250 renders, not 50: the read walks every Chromium
    // process's page tables (smaps_rollup) and cost 0.6 sampled ms per render at 50. A runaway
    // render is bounded by the memory watch meanwhile; this bound is for slow growth.
    recycle: {
      afterRenders: config.recycleAfterRenders,
      maxBrowserBytes: config.recycleAboveBytes,
      memoryCheckEvery: BROWSER_MEMORY_CHECK_EVERY,
    },
    limits: {
      maxPages: config.maxPages,
      memory: { perRenderBytes: config.renderMemoryBytes, totalBytes: config.memoryLimitBytes },
    },
    events: poolEvents(health, metrics, logger),
  });
  await pool.start();
  const server = await startServiceGrpcServer({
    routes: renderRoutes(pool, metrics, { maxHtmlBytes: config.maxHtmlBytes }),
    host: config.host,
    port: config.port,
    health,
    maxConnectionAgeMs: config.maxConnectionAgeMs || undefined,
    tls: config.tls,
    limits: { ...RENDERER_SERVER_LIMITS, maxRequestBytes: requestBytesFor(config.maxHtmlBytes), ...config.grpcTimeouts },
    cors: config.cors,
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
    health,
    pool,
    metrics: metricsServer,
    async stop() {
      health.set(ServingStatus.NOT_SERVING);
      // Renders still running a render timeout (and a second) later are cut; a full queue
      // drains in a fraction of that at tens of milliseconds a render.
      await server.close(config.renderTimeoutMs + 1_000);
      await pool.close();
      await metricsServer.close();
    },
  };
}

/** What the pool reports becomes health, metrics and log lines. */
function poolEvents(health: HealthState, metrics: RendererMetrics, logger: Logger): PoolEvents {
  return {
    onRecycled: (reason) => {
      metrics.browserRestarts.inc({ reason: "recycle" });
      logger.info({ reason }, "browser recycled");
    },
    onBrowserDown: () => {
      metrics.browserRestarts.inc({ reason: "crash" });
      logger.error("browser disconnected, restarting");
      health.set(ServingStatus.NOT_SERVING);
    },
    onBrowserUp: () => {
      logger.info("browser restarted");
      health.set(ServingStatus.SERVING);
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
  };
}

import { startGrpcServer, type GrpcServer } from "@invoicing/service-kit/grpc-server";
import { ServingStatus } from "@invoicing/service-kit/health";
import type { Logger } from "@invoicing/service-kit/logger";
import { findChromium, launchChromium } from "./browser-launcher.js";
import type { RendererConfig } from "./config.js";
import { PagePool } from "./page-pool.js";
import { renderRoutes } from "./render-service.js";

export interface RendererServer {
  server: GrpcServer;
  pool: PagePool;
  /** Drain: NOT_SERVING, finish renders in flight, close the browser and the listener. */
  stop(): Promise<void>;
}

/** Builds the renderer (browser, page pool, gRPC server) on the configured port; 0 picks one. */
export async function startRendererServer(config: RendererConfig, logger: Logger): Promise<RendererServer> {
  const executablePath = findChromium(config.chromiumPath);
  let server: GrpcServer | undefined;
  const pool = new PagePool({
    launch: () => launchChromium(executablePath),
    size: config.pages,
    queueLimit: config.queueLimit,
    timeoutMs: config.renderTimeoutMs,
    events: {
      onBrowserDown: () => {
        logger.error("browser disconnected, restarting");
        server?.health.set(ServingStatus.NOT_SERVING);
      },
      onBrowserUp: () => {
        logger.info("browser restarted");
        server?.health.set(ServingStatus.SERVING);
      },
      onError: (error) => logger.error({ err: error }, "page pool error"),
    },
  });
  await pool.start();
  server = await startGrpcServer({ routes: renderRoutes(pool), host: config.host, port: config.port });
  logger.info({ port: server.port, executablePath, pages: config.pages }, "renderer listening");
  return {
    server,
    pool,
    async stop() {
      server.health.set(ServingStatus.NOT_SERVING);
      await pool.close();
      await server.close();
    },
  };
}

import {
  envInt,
  envOptional,
  envPort,
  envString,
  type Env,
} from "@invoicing/service-kit/env-config";
import { readServerTimeouts, type ServerTimeouts } from "@invoicing/service-kit/server-limits";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/tracing";
import { availableParallelism } from "node:os";

export interface RendererConfig {
  host: string;
  port: number;
  /** Prometheus metrics, plain HTTP on the same host. */
  metricsPort: number;
  /** Chromium pages rendering at once in this process. */
  pages: number;
  /** Requests that may wait for a page; past it, RESOURCE_EXHAUSTED. */
  queueLimit: number;
  renderTimeoutMs: number;
  /** A healthy browser is swapped for a fresh one after this many renders (0: never)... */
  recycleAfterRenders: number;
  /** ...or once its processes hold more than this much memory (0: never). */
  recycleAboveBytes: number;
  /** Connections are recycled after this long (0: never) so clients re-resolve and find new pods. */
  maxConnectionAgeMs: number;
  /** Explicit browser binary; otherwise Debian's chromium-headless-shell, then chromium. */
  chromiumPath: string | undefined;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  tracing: TracingConfig;
}

export function readConfig(env: Env = process.env): RendererConfig {
  return {
    host: envString(env, "RENDERER_HOST", "127.0.0.1"),
    port: envPort(env, "RENDERER_PORT", 50053),
    // 0: a free port, logged at start (several renderers share a machine in tests); set it in a cluster.
    metricsPort: envPort(env, "METRICS_PORT", 0),
    pages: envInt(env, "RENDER_PAGES", Math.max(2, availableParallelism()), { min: 1, max: 64 }),
    queueLimit: envInt(env, "RENDER_QUEUE_LIMIT", 64, { min: 0, max: 10_000 }),
    renderTimeoutMs: envInt(env, "RENDER_TIMEOUT_MS", 15_000, { min: 100, max: 300_000 }),
    recycleAfterRenders: envInt(env, "RENDER_RECYCLE_AFTER", 2_000, { min: 0, max: 10_000_000 }),
    recycleAboveBytes: envInt(env, "RENDER_RECYCLE_MEMORY_MB", 1_024, { min: 0, max: 65_536 }) * 2 ** 20,
    maxConnectionAgeMs: envInt(env, "RENDER_MAX_CONNECTION_AGE_MS", 60_000, { min: 0, max: 86_400_000 }),
    chromiumPath: envOptional(env, "CHROMIUM_PATH"),
    grpcTimeouts: readServerTimeouts(env),
    tracing: readTracingConfig(env),
  };
}

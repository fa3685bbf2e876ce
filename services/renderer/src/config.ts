import { ConfigError, envInt, envOptional, envPort, envString, type Env } from "@invoicing/service-kit/config";
import { readServerTlsConfig, type ServerTlsConfig } from "@invoicing/service-kit/config";
import { readCorsPolicy, readServerTimeouts, type CorsPolicy, type ServerTimeouts } from "@invoicing/service-kit/rpc";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/observability";
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
  /** Largest document accepted; larger ones are refused with INVALID_ARGUMENT before rendering. */
  maxHtmlBytes: number;
  /** A document that prints to more pages is refused with RESOURCE_EXHAUSTED. */
  maxPages: number;
  /** One render's Chromium process is killed above this (0: no bound)... */
  renderMemoryBytes: number;
  /** ...and the largest one whenever Node and the browser together hold more than this (0: no bound). */
  memoryLimitBytes: number;
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
  /** CORS_ALLOWED_ORIGINS: the browser origins that may call (none by default). */
  cors: CorsPolicy;
  tracing: TracingConfig;
  /**
   * Mutual TLS from TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, TLS_CLIENT_NAMES; plaintext when
   * unset. Only the invoice service renders, so unless TLS_CLIENT_NAMES says otherwise no
   * other identity is accepted.
   */
  tls: ServerTlsConfig;
}

const MiB = 2 ** 20;

export function readConfig(env: Env = process.env): RendererConfig {
  // Defaults for the 2 Gi pod (deploy/k8s/base/renderer.yaml): the whole service is held
  // under 1.5 GiB, leaving room for what one 100 ms sample can miss and for the kernel.
  const renderMemoryBytes = envInt(env, "RENDER_PAGE_MEMORY_MB", 512, { min: 0, max: 65_536 }) * MiB;
  const memoryLimitBytes = envInt(env, "RENDER_MEMORY_LIMIT_MB", 1_536, { min: 0, max: 262_144 }) * MiB;
  if (renderMemoryBytes > 0 && memoryLimitBytes > 0 && renderMemoryBytes >= memoryLimitBytes) {
    throw new ConfigError(
      "RENDER_PAGE_MEMORY_MB",
      `must be below RENDER_MEMORY_LIMIT_MB (${memoryLimitBytes / MiB}), got ${renderMemoryBytes / MiB}`,
    );
  }
  // 0 would turn a bound off, but below 64 MiB no page renders at all: a typo, refused.
  for (const [name, bytes] of [
    ["RENDER_PAGE_MEMORY_MB", renderMemoryBytes],
    ["RENDER_MEMORY_LIMIT_MB", memoryLimitBytes],
  ] as const) {
    if (bytes > 0 && bytes < 64 * MiB) throw new ConfigError(name, `must be 0 (no bound) or at least 64, got ${bytes / MiB}`);
  }
  return {
    host: envString(env, "RENDERER_HOST", "127.0.0.1"),
    port: envPort(env, "RENDERER_PORT", 50053),
    // 0: a free port, logged at start (several renderers share a machine in tests); set it in a cluster.
    metricsPort: envPort(env, "METRICS_PORT", 0),
    pages: envInt(env, "RENDER_PAGES", Math.max(2, availableParallelism()), { min: 1, max: 64 }),
    queueLimit: envInt(env, "RENDER_QUEUE_LIMIT", 64, { min: 0, max: 10_000 }),
    renderTimeoutMs: envInt(env, "RENDER_TIMEOUT_MS", 15_000, { min: 100, max: 300_000 }),
    // The sample invoice (ten lines) is 4 KiB of HTML; 2 MiB leaves room for data: fonts and
    // images. It bounds what is sent, not what it costs: the memory watch bounds that.
    maxHtmlBytes: envInt(env, "RENDER_MAX_HTML_KB", 2_048, { min: 1, max: 65_536 }) * 1024,
    maxPages: envInt(env, "RENDER_MAX_PAGES", 250, { min: 1, max: 100_000 }),
    renderMemoryBytes,
    memoryLimitBytes,
    recycleAfterRenders: envInt(env, "RENDER_RECYCLE_AFTER", 2_000, { min: 0, max: 10_000_000 }),
    recycleAboveBytes: envInt(env, "RENDER_RECYCLE_MEMORY_MB", 1_024, { min: 0, max: 65_536 }) * MiB,
    maxConnectionAgeMs: envInt(env, "RENDER_MAX_CONNECTION_AGE_MS", 60_000, { min: 0, max: 86_400_000 }),
    chromiumPath: envOptional(env, "CHROMIUM_PATH"),
    grpcTimeouts: readServerTimeouts(env),
    cors: readCorsPolicy(env),
    tracing: readTracingConfig(env),
    tls: readServerTlsConfig(env, { defaultClientNames: ["invoice"] }),
  };
}

import { envPort, envString, type Env } from "@invoicing/service-kit/env-config";
import { readPlatformConfig, type PlatformConfig } from "@invoicing/service-kit/platform-config";
import { readServerTimeouts, type ServerTimeouts } from "@invoicing/service-kit/server-limits";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/tracing";

export interface OrderConfig extends PlatformConfig {
  host: string;
  port: number;
  /** Prometheus metrics, plain HTTP; 0 picks a free port (logged). */
  metricsPort: number;
  /** GRPC_REQUEST_BODY_TIMEOUT_MS, GRPC_IDLE_CONNECTION_MS: see ServerLimits. */
  grpcTimeouts: ServerTimeouts;
  tracing: TracingConfig;
}

export function readConfig(env: Env = process.env): OrderConfig {
  return {
    ...readPlatformConfig(env),
    host: envString(env, "ORDER_HOST", "127.0.0.1"),
    port: envPort(env, "ORDER_PORT", 50051),
    metricsPort: envPort(env, "METRICS_PORT", 0),
    grpcTimeouts: readServerTimeouts(env),
    tracing: readTracingConfig(env),
  };
}

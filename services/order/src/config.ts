import { envOptional, envPort, envString, type Env } from "@invoicing/service-kit/env-config";
import { readTracingConfig, type TracingConfig } from "@invoicing/service-kit/tracing";
import { join } from "node:path";

export interface OrderConfig {
  host: string;
  port: number;
  natsUrl: string;
  /** Embedded store location when no MONGODB_URL is given. */
  dataDir: string;
  mongodbUrl: string | undefined;
  mongodbDatabase: string;
  tracing: TracingConfig;
}

export function readConfig(env: Env = process.env): OrderConfig {
  return {
    host: envString(env, "ORDER_HOST", "127.0.0.1"),
    port: envPort(env, "ORDER_PORT", 50051),
    natsUrl: envString(env, "NATS_URL", "nats://127.0.0.1:4222"),
    dataDir: envString(env, "DATA_DIR", join(process.cwd(), "data")),
    mongodbUrl: envOptional(env, "MONGODB_URL"),
    mongodbDatabase: envString(env, "MONGODB_DATABASE", "invoicing"),
    tracing: readTracingConfig(env),
  };
}

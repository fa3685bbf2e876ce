import { join } from "node:path";
import { ConfigError, envInt, envOptional, envString, type Env } from "./env-config.js";

/** The settings every stateful service shares, read the same way with the same defaults. */
export interface PlatformConfig {
  natsUrl: string;
  /**
   * This service's own NATS user (NATS_USER, NATS_PASSWORD): nats-server gives each service
   * only the subjects and JetStream calls it needs (nats-permissions.ts). Unset: connect
   * without credentials, which a server configured as deployed refuses.
   */
  natsCredentials: NatsCredentials | undefined;
  /** Embedded store location (SQLite files, PDFs, outbox mails) when no MONGODB_URL is given. */
  dataDir: string;
  mongodbUrl: string | undefined;
  mongodbDatabase: string;
  /**
   * Copies of each JetStream stream the services create (ensureStreams): 1 on a single
   * nats-server, 3 in a three-server cluster. JetStream allows at most 5, and no more than
   * the cluster has servers.
   */
  jetstreamReplicas: number;
}

export interface NatsCredentials {
  user: string;
  password: string;
}

export function readNatsCredentials(env: Env): NatsCredentials | undefined {
  const user = envOptional(env, "NATS_USER");
  const password = envOptional(env, "NATS_PASSWORD");
  if (user && !password) throw new ConfigError("NATS_PASSWORD", "must be set when NATS_USER is");
  if (password && !user) throw new ConfigError("NATS_USER", "must be set when NATS_PASSWORD is");
  return user && password ? { user, password } : undefined;
}

export function readPlatformConfig(env: Env): PlatformConfig {
  return {
    natsUrl: envString(env, "NATS_URL", "nats://127.0.0.1:4222"),
    natsCredentials: readNatsCredentials(env),
    dataDir: envString(env, "DATA_DIR", join(process.cwd(), "data")),
    mongodbUrl: envOptional(env, "MONGODB_URL"),
    mongodbDatabase: envString(env, "MONGODB_DATABASE", "invoicing"),
    jetstreamReplicas: envInt(env, "JETSTREAM_REPLICAS", 1, { min: 1, max: 5 }),
  };
}

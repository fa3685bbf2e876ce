import { join } from "node:path";
import { envInt, envOptional, envString, type Env } from "./env-config.js";

/** The settings every stateful service shares, read the same way with the same defaults. */
export interface PlatformConfig {
  natsUrl: string;
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

export function readPlatformConfig(env: Env): PlatformConfig {
  return {
    natsUrl: envString(env, "NATS_URL", "nats://127.0.0.1:4222"),
    dataDir: envString(env, "DATA_DIR", join(process.cwd(), "data")),
    mongodbUrl: envOptional(env, "MONGODB_URL"),
    mongodbDatabase: envString(env, "MONGODB_DATABASE", "invoicing"),
    jetstreamReplicas: envInt(env, "JETSTREAM_REPLICAS", 1, { min: 1, max: 5 }),
  };
}

import { ConfigError, envString, type Env } from "@invoicing/service-kit/config";
import { readNatsCredentials, type NatsCredentials } from "@invoicing/service-kit/config";

export interface CliConfig {
  /** One or more NATS server URLs, as the services take them (comma-separated). */
  natsServers: string[];
  /** The operator's own NATS user (NATS_USER, NATS_PASSWORD), as the services read theirs. */
  natsCredentials: NatsCredentials | undefined;
}

const NATS_PROTOCOLS = ["nats:", "tls:"];

/** Reads NATS_URL with the services' default; a bad value is a ConfigError naming it. */
export function readCliConfig(env: Env = process.env): CliConfig {
  const raw = envString(env, "NATS_URL", "nats://127.0.0.1:4222");
  const natsServers = raw.split(",").map((s) => s.trim());
  for (const server of natsServers) {
    let url: URL;
    try {
      url = new URL(server.includes("://") ? server : `nats://${server}`);
    } catch {
      throw new ConfigError("NATS_URL", `must be a nats:// URL (or a comma-separated list), got "${raw}"`);
    }
    if (!NATS_PROTOCOLS.includes(url.protocol) || !url.hostname) {
      throw new ConfigError("NATS_URL", `must be a nats:// or tls:// URL, got "${server}"`);
    }
  }
  return { natsServers, natsCredentials: readNatsCredentials(env) };
}

import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { NatsCredentials } from "../config/platform-config.js";

/**
 * The prefix of every reply subject a client asks for: its own, so nats-server can let each
 * service subscribe to its replies alone (`_INBOX_order.>`), not to everyone's `_INBOX.>`.
 */
export const inboxPrefixOf = (name: string) => `_INBOX_${name}`;

/** Connects and keeps reconnecting for ever: a NATS restart must not take a service down. */
export async function connectNats(servers: string, name: string, logger: Logger, credentials?: NatsCredentials): Promise<NatsConnection> {
  const nc = await connect({
    servers: servers.split(","),
    name,
    inboxPrefix: inboxPrefixOf(name),
    ...(credentials ? { user: credentials.user, pass: credentials.password } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect" || status.type === "error") {
        logger.warn({ nats: status.type, ...("error" in status ? { error: String(status.error) } : {}) }, "nats connection status");
      }
    }
  })();
  return nc;
}

import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";

/** Connects and keeps reconnecting for ever: a NATS restart must not take a service down. */
export async function connectNats(servers: string, name: string, logger: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: servers.split(","),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect" || status.type === "error") {
        logger.warn({ nats: status.type }, "nats connection status");
      }
    }
  })();
  return nc;
}

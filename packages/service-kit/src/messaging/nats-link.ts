import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { Gauge, type Registry } from "prom-client";
import { setTimeout as sleep } from "node:timers/promises";
import { connectNats } from "./nats-connection.js";
import type { NatsCredentials } from "../config/platform-config.js";

/** What a service does once NATS is there (streams, relays, consumers), and how it stops that. */
export type NatsWork = (nc: NatsConnection) => Promise<{ stop(): Promise<void> }>;

export interface NatsLink {
  /** True once connected and `work` has started. */
  readonly linked: boolean;
  /** Stops the work and drains the connection; safe while NATS has never been reached. */
  stop(): Promise<void>;
}

/**
 * NATS for a service that starts and serves without it: a restart during a NATS outage must
 * not refuse payments, nor take the invoice API down. Connects in the background for as long
 * as it takes, then starts `work`, trying it again with capped backoff when it fails (a
 * JetStream that is not ready yet, a stream update refused for the moment). The caller starts
 * its gRPC server first.
 */
export function linkNats(options: {
  servers: string;
  name: string;
  logger: Logger;
  credentials?: NatsCredentials;
  work: NatsWork;
  /** Where `nats_linked` (1 once the work started, 0 before) is registered, for an alert. */
  registry?: Registry;
  /** How often a warning says NATS has still not been reached; 30 s unless set. */
  warnEveryMs?: number;
}): NatsLink {
  const { logger } = options;
  let stopping = false;
  let linked = false;
  let running: { stop(): Promise<void> } | undefined;
  if (options.registry) {
    new Gauge({
      name: "nats_linked",
      help: "1 once NATS was reached and the service's streams, relay and consumers started; 0 while it serves without NATS",
      registers: [options.registry],
      collect() {
        this.set(linked ? 1 : 0);
      },
    });
  }
  // The connect retries without a word and the service keeps serving meanwhile, so without
  // this an outage that outlasts the first attempt would be silent in the logs.
  const since = Date.now();
  const unlinkedWarning = setInterval(() => {
    if (!linked && !stopping)
      logger.warn({ unlinked_ms: Date.now() - since, servers: options.servers }, "NATS not linked yet; serving without it");
  }, options.warnEveryMs ?? 30_000);
  unlinkedWarning.unref();
  const connected = connectNats(options.servers, options.name, logger, options.credentials);
  const started = (async () => {
    const nc = await connected;
    for (let attempt = 1; !stopping; attempt++) {
      try {
        running = await options.work(nc);
        linked = true;
        clearInterval(unlinkedWarning);
        logger.info({ attempt }, "nats linked");
        return;
      } catch (error) {
        const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        logger.warn({ err: error, attempt, delay }, "nats work did not start; trying again");
        await sleep(delay);
      }
    }
  })();
  started.catch((error: unknown) => logger.error({ err: error }, "nats link failed"));
  return {
    get linked() {
      return linked;
    },
    async stop() {
      stopping = true;
      clearInterval(unlinkedWarning);
      await running?.stop();
      // Never connected: nothing to drain, and the pending connect is left to the exit.
      if (!linked && !running) {
        void connected.then((nc) => nc.close()).catch(() => undefined);
        return;
      }
      await (await connected).drain();
    },
  };
}

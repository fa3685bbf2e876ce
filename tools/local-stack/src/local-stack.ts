import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureEventKeys, eventKeyEnv, type StackEventKeys } from "./event-keys.js";
import { startNatsServer, type NatsServerProcess } from "./nats-server-process.js";
import { startService, type ServiceName, type ServiceProcess } from "./service-process.js";
import { clientTlsFor, createStackTls, serviceTlsEnv, type StackTls } from "./stack-tls.js";

export interface LocalStackOptions {
  /** Everything the stack writes: stores, PDFs, outbox mails, NATS data, logs. */
  dataDir: string;
  /** Where mail goes; unset means .eml files under dataDir/outbox. */
  smtpUrl?: string;
  /** Extra environment for every service (tracing endpoints, tuning). */
  env?: Record<string, string>;
  /**
   * Mutual TLS between every service, as the prod overlay runs: a CA and certificates made
   * under dataDir/tls, https URLs, and `tls.clientOptions` for the caller's own clients.
   */
  tls?: boolean;
}

export interface LocalStack {
  /** The running nats-server; replaced by restartNats(). */
  nats: NatsServerProcess;
  /** The running service processes; an entry is replaced by restartService(). */
  services: Record<ServiceName, ServiceProcess>;
  orderUrl: string;
  invoiceUrl: string;
  rendererPort: number;
  logDir: string;
  /** The order and invoice services' event signing keys (PEM files under dataDir/keys). */
  eventKeys: StackEventKeys;
  /** The stack's CA and certificates when started with `tls`. */
  tls: StackTls | undefined;
  /** nats-server again on its port with its store (stopped first with SIGTERM if it runs). */
  restartNats(): Promise<NatsServerProcess>;
  /** A service again with its environment on its port (stopped first if it runs). */
  restartService(name: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

const portOf = (service: ServiceProcess) => service.port;

/**
 * What a service needs to run as deployed beside `nats`: NATS_URL with its own user, and its
 * event keys. For harnesses that start services themselves (several renderers, workers).
 */
export function serviceSecurityEnv(service: ServiceName, nats: NatsServerProcess, keys: StackEventKeys): Record<string, string> {
  const keyEnv = eventKeyEnv(keys);
  switch (service) {
    case "renderer":
      return {};
    case "order":
      return { ...nats.envFor("order"), ...keyEnv.order };
    case "invoice":
      return { ...nats.envFor("invoice"), ...keyEnv.invoice };
    case "notifier":
      return { ...nats.envFor("notifier"), ...keyEnv.notifier };
  }
}

/**
 * The whole system on one machine as separate processes: a private nats-server, then the
 * renderer, invoice, order and notifier services on free loopback ports. As deployed: each
 * service connects to NATS as its own least-privilege user and signs what it publishes.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const logDir = join(options.dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const tls = options.tls ? await createStackTls(join(options.dataDir, "tls")) : undefined;
  const scheme = tls ? "https" : "http";
  const nats = await startNatsServer(join(options.dataDir, "nats"));
  const eventKeys = ensureEventKeys(join(options.dataDir, "keys"));
  const started: ServiceProcess[] = [];
  const common = {
    DATA_DIR: options.dataDir,
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...options.env,
  };
  const start = async (service: ServiceName, env: Record<string, string>) => {
    const process = await startService({
      service,
      env: { ...common, ...serviceSecurityEnv(service, nats, eventKeys), ...(tls ? serviceTlsEnv(service, tls) : {}), ...env },
      logFile: join(logDir, `${service}.log`),
      ...(tls ? { healthClientTls: clientTlsFor(service, tls) } : {}),
    });
    started.push(process);
    return process;
  };
  try {
    const renderer = await start("renderer", {});
    const invoice = await start("invoice", {
      RENDERER_TARGET: `127.0.0.1:${portOf(renderer)}`,
    });
    const invoiceUrl = `${scheme}://127.0.0.1:${portOf(invoice)}`;
    const [order, notifier] = await Promise.all([
      start("order", {}),
      start("notifier", { INVOICE_SERVICE_URL: invoiceUrl }),
    ]);
    const stack: LocalStack = {
      nats,
      services: { renderer, invoice, order, notifier },
      orderUrl: `${scheme}://127.0.0.1:${portOf(order)}`,
      invoiceUrl,
      rendererPort: portOf(renderer),
      logDir,
      eventKeys,
      tls,
      async restartNats() {
        stack.nats = await stack.nats.restart();
        return stack.nats;
      },
      async restartService(name) {
        stack.services[name] = await stack.services[name].restart();
        return stack.services[name];
      },
      async stop() {
        await Promise.all(Object.values(stack.services).map((s) => s.stop()));
        await stack.nats.stop();
      },
    };
    return stack;
  } catch (error) {
    await Promise.all(started.map((s) => s.stop("SIGKILL")));
    await nats.stop("SIGKILL");
    throw error;
  }
}

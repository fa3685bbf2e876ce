import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureEventKeys, eventKeyEnv, type StackEventKeys } from "./event-keys.js";
import { startNatsServer, type NatsServerProcess } from "./nats-server-process.js";
import { startService, type ServiceName, type ServiceProcess } from "./service-process.js";
import { clientTlsFor, createStackTls, serviceTlsEnv, type StackTls } from "./stack-tls.js";
import { processNames, type StackTopology } from "./stack-topology.js";

export type { StackTopology };

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
  /** How many renderers and invoice workers, which services, and each one's own environment. */
  topology?: StackTopology;
  /** Options for Node in every service process (`--cpu-prof` to profile them). */
  nodeArgs?: readonly string[];
}

export interface LocalStack {
  /** The running nats-server; replaced by restartNats(). */
  nats: NatsServerProcess;
  /**
   * The first process of each service started (a service the topology leaves out is absent);
   * an entry is replaced by restartService().
   */
  services: Record<ServiceName, ServiceProcess>;
  /** Every process by name: its service's, or renderer-1, invoice-2... when scaled out. */
  processes: Map<string, ServiceProcess>;
  orderUrl: string;
  /** The first invoice worker's URL; all of them in invoiceUrls. */
  invoiceUrl: string;
  invoiceUrls: string[];
  /** The first renderer's port; all of them in rendererPorts. */
  rendererPort: number;
  rendererPorts: number[];
  /** One log file per process name. */
  logDir: string;
  /** The order and invoice services' event signing keys (PEM files under dataDir/keys). */
  eventKeys: StackEventKeys;
  /** The stack's CA and certificates when started with `tls`. */
  tls: StackTls | undefined;
  /** nats-server again on its port with its store (stopped first with SIGTERM if it runs). */
  restartNats(): Promise<NatsServerProcess>;
  /**
   * A process (a service's name, or a scaled-out process's) again with its environment, changed
   * by `envChanges` (undefined unsets), on its ports; stopped first if it runs.
   */
  restartService(name: string, envChanges?: Record<string, string | undefined>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * What a service needs to run as deployed beside `nats`: NATS_URL with its own user, and its
 * event keys. For harnesses that start services themselves.
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
 * renderers, the invoice workers, the order service and the notifier on free loopback ports,
 * each started once its grpc.health answers (service-process.ts). As deployed: each service
 * connects to NATS as its own least-privilege user and signs what it publishes.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const topology = options.topology ?? {};
  const logDir = join(options.dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const tls = options.tls ? await createStackTls(join(options.dataDir, "tls")) : undefined;
  const scheme = tls ? "https" : "http";
  const nats = await startNatsServer(join(options.dataDir, "nats"));
  const eventKeys = ensureEventKeys(join(options.dataDir, "keys"));
  const processes = new Map<string, ServiceProcess>();
  const common = {
    DATA_DIR: options.dataDir,
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...options.env,
  };
  const start = async (service: ServiceName, wiring: Record<string, string>) => {
    const started = await Promise.allSettled(
      processNames(service, topology).map(async (name) => {
        const process = await startService({
          service,
          name,
          env: {
            ...common,
            ...serviceSecurityEnv(service, nats, eventKeys),
            ...(tls ? serviceTlsEnv(service, tls) : {}),
            ...wiring,
            ...topology.env?.[service],
          },
          logFile: join(logDir, `${name}.log`),
          ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
          ...(tls ? { healthClientTls: clientTlsFor(service, tls) } : {}),
        });
        processes.set(name, process);
        return process;
      }),
    );
    // Settled, not raced: whatever did start is in `processes`, to be stopped when one fails.
    return started.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
  };
  try {
    const renderers = await start("renderer", {});
    const rendererPorts = renderers.map((r) => r.port);
    const invoices = await start(
      "invoice",
      rendererPorts.length ? { RENDERER_TARGET: rendererPorts.map((p) => `127.0.0.1:${p}`).join(",") } : {},
    );
    const invoiceUrls = invoices.map((w) => `${scheme}://127.0.0.1:${w.port}`);
    const [[order], notifier] = await Promise.all([
      start("order", {}),
      start("notifier", invoiceUrls.length ? { INVOICE_SERVICE_URL: invoiceUrls[0]! } : {}),
    ]);
    const services = {} as Record<ServiceName, ServiceProcess>;
    const firsts = { renderer: renderers[0], invoice: invoices[0], order, notifier: notifier[0] };
    for (const [service, first] of Object.entries(firsts)) if (first) services[service as ServiceName] = first;
    const stack: LocalStack = {
      nats,
      services,
      processes,
      orderUrl: order ? `${scheme}://127.0.0.1:${order.port}` : "",
      invoiceUrl: invoiceUrls[0] ?? "",
      invoiceUrls,
      rendererPort: rendererPorts[0] ?? 0,
      rendererPorts,
      logDir,
      eventKeys,
      tls,
      async restartNats() {
        stack.nats = await stack.nats.restart();
        return stack.nats;
      },
      async restartService(name, envChanges) {
        const current = processes.get(name);
        if (!current) throw new Error(`no process ${name} in this stack: ${[...processes.keys()].join(", ")}`);
        const next = await current.restart(envChanges);
        processes.set(name, next);
        const service = serviceOf(name);
        if (services[service] === current) services[service] = next;
        return next;
      },
      async stop() {
        await Promise.all([...processes.values()].map((s) => s.stop()));
        await stack.nats.stop();
      },
    };
    return stack;
  } catch (error) {
    await Promise.all([...processes.values()].map((s) => s.stop("SIGKILL")));
    await nats.stop("SIGKILL");
    throw error;
  }
}

/** renderer-2 → renderer. */
const serviceOf = (processName: string) => processName.replace(/-\d+$/, "") as ServiceName;

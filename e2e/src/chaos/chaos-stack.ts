import type { ConnectionOptions, NatsConnection } from "@nats-io/transport-node";
import { ensureEventKeys } from "@invoicing/local-stack/event-keys";
import { serviceSecurityEnv } from "@invoicing/local-stack/local-stack";
import { startNatsServer, type NatsServerProcess } from "@invoicing/local-stack/nats-server-process";
import { startService, type ServiceName, type ServiceProcess } from "@invoicing/local-stack/service-process";
import { createStackTls, serviceTlsEnv, type StackTls } from "@invoicing/local-stack/stack-tls";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startSmtpSink, type SmtpSink } from "../smtp-sink.js";
import { mountSmallDisk, unmountSmallDisk } from "./disk-full.js";

export type { SmtpSink };
export type StoreName = "order" | "invoice" | "notifier";

export const INVOICE_WORKERS = ["invoice-1", "invoice-2"] as const;
export const RENDERERS = ["renderer-1", "renderer-2"] as const;
export type ChaosProcessName = (typeof INVOICE_WORKERS)[number] | (typeof RENDERERS)[number] | "order" | "notifier";

export interface ChaosStackOptions {
  /** Stores, PDFs, NATS data and one log file per process name. */
  dataDir: string;
  /**
   * INVOICE_ACK_WAIT_MS and NOTIFIER_ACK_WAIT_MS. A killed worker's messages, and every ack
   * lost with a killed nats-server, come back only after the ack wait: at the default 30 s
   * most of a run would be spent waiting on them. The loop sends working() while a handler
   * runs, so a short wait does not redeliver slow renders.
   */
  ackWaitMs: number;
  /**
   * ORDER_RECONCILE_AFTER_MS: how old an undelivered payment must be before the order service
   * publishes it again. Deployed it is 10 minutes; a run cannot wait that long for the
   * payments the broker's lost store took with it.
   */
  reconcileAfterMs: number;
  /** NOTIFIER_CLAIM_LEASE_MS: how long a killed notifier's claim holds its document back. */
  claimLeaseMs: number;
  /** The invoice workers' data folder (their SQLite store and PDFs) on a tmpfs of this size. */
  invoiceDiskMiB: number;
}

/** A process that ended without the harness ending it: a crash, whatever its exit code. */
export interface UnexpectedExit {
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  atMs: number;
}

export interface ChaosStack {
  readonly dataDir: string;
  readonly logDir: string;
  readonly natsUrl: string;
  /** A connection as the harness user, which may inspect and inject anything (no service may). */
  connectNats(options?: Partial<ConnectionOptions>): Promise<NatsConnection>;
  readonly orderUrl: string;
  readonly invoiceUrls: readonly string[];
  /** Every process runs with mutual TLS, as deployed: the harness's own clients present this. */
  readonly clientTls: StackTls["clientOptions"];
  readonly smtp: SmtpSink;
  /** The invoice workers' DATA_DIR, a small tmpfs of its own (the disk-full fault fills it). */
  readonly invoiceDataDir: string;
  /** The SQLite file of a store. */
  storePath(store: StoreName): string;
  /** The metrics port `name` logged when it became ready. */
  metricsPort(name: ChaosProcessName): number;
  readonly unexpectedExits: readonly UnexpectedExit[];
  /** The pid running under `name` now. */
  pid(name: ChaosProcessName): number;
  /** SIGKILL: no shutdown hook runs, in-flight work and unacked messages are abandoned. */
  kill(name: ChaosProcessName): Promise<void>;
  /** Starts the killed process again with its environment on its port; resolves when ready. */
  restart(name: ChaosProcessName): Promise<void>;
  killNats(): Promise<void>;
  /** nats-server again on its port with its store dir, as a supervisor would. */
  restartNats(): Promise<void>;
  /** SIGKILL nats-server, delete its whole store (streams, consumers, messages), start it again. */
  deleteNatsStore(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The pipeline scaled out as in production, on one machine: one nats-server, two renderer
 * processes behind one RENDERER_TARGET list, two invoice workers competing on one durable
 * and sharing DATA_DIR (one SQLite store, one PDF folder), the order service, the notifier,
 * and an SMTP sink in this process so every mail can be counted.
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const logDir = join(options.dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const tls = await createStackTls(join(options.dataDir, "tls"));
  const invoiceDataDir = join(options.dataDir, "invoice-disk");
  mountSmallDisk(invoiceDataDir, options.invoiceDiskMiB);
  const smtp = await startSmtpSink();
  let nats = await startNatsServer(join(options.dataDir, "nats"));
  const processes = new Map<ChaosProcessName, ServiceProcess>();
  const killedPids = new Set<number>();
  const unexpectedExits: UnexpectedExit[] = [];
  let stopping = false;

  const watch = (name: string, child: ChildProcess) => {
    const pid = child.pid ?? -1;
    child.once("exit", (code, signal) => {
      if (!stopping && !killedPids.has(pid)) unexpectedExits.push({ name, pid, code, signal, atMs: Date.now() });
    });
  };
  const track = (name: ChaosProcessName, service: ServiceProcess) => {
    processes.set(name, service);
    watch(name, service.process);
    return service;
  };
  watch("nats-server", nats.process);

  const keys = ensureEventKeys(join(options.dataDir, "keys"));
  const common = {
    DATA_DIR: options.dataDir,
    SMTP_URL: smtp.url,
    INVOICE_ACK_WAIT_MS: String(options.ackWaitMs),
    NOTIFIER_ACK_WAIT_MS: String(options.ackWaitMs),
    ORDER_RECONCILE_AFTER_MS: String(options.reconcileAfterMs),
    ORDER_RECONCILE_INTERVAL_MS: "2000",
    NOTIFIER_CLAIM_LEASE_MS: String(options.claimLeaseMs),
  };
  const start = async (name: ChaosProcessName, service: ServiceName, env: Record<string, string>) =>
    track(
      name,
      await startService({
        service,
        name,
        env: { ...common, ...serviceSecurityEnv(service, nats, keys), ...serviceTlsEnv(service, tls), ...env },
        logFile: join(logDir, `${name}.log`),
      }),
    );

  try {
    const renderers = await Promise.all(RENDERERS.map((name) => start(name, "renderer", { RENDERER_PORT: "0" })));
    const rendererTarget = renderers.map((r) => `127.0.0.1:${r.port}`).join(",");
    const workers = await Promise.all(
      INVOICE_WORKERS.map((name) =>
        start(name, "invoice", { INVOICE_PORT: "0", RENDERER_TARGET: rendererTarget, DATA_DIR: invoiceDataDir }),
      ),
    );
    const invoiceUrls = workers.map((w) => `https://127.0.0.1:${w.port}`);
    const [order] = await Promise.all([
      start("order", "order", { ORDER_PORT: "0" }),
      start("notifier", "notifier", { NOTIFIER_PORT: "0", INVOICE_SERVICE_URL: invoiceUrls[0]! }),
    ]);
    const current = (name: ChaosProcessName) => {
      const service = processes.get(name);
      if (!service) throw new Error(`no process ${name}`);
      return service;
    };
    return {
      dataDir: options.dataDir,
      logDir,
      natsUrl: nats.url,
      connectNats: (connectOptions) => nats.connect("harness", connectOptions),
      orderUrl: `https://127.0.0.1:${order.port}`,
      invoiceUrls,
      clientTls: tls.clientOptions,
      smtp,
      invoiceDataDir,
      storePath: (store) => join(store === "invoice" ? invoiceDataDir : options.dataDir, `${store}.sqlite`),
      metricsPort: (name) => Number(current(name).metricsPort),
      unexpectedExits,
      pid: (name) => current(name).process.pid ?? -1,
      async kill(name) {
        const service = current(name);
        killedPids.add(service.process.pid ?? -1);
        await service.stop("SIGKILL");
      },
      async restart(name) {
        track(name, await current(name).restart());
      },
      async killNats() {
        killedPids.add(nats.process.pid ?? -1);
        await nats.stop("SIGKILL");
      },
      async restartNats() {
        nats = await nats.restart();
        watch("nats-server", nats.process);
      },
      async deleteNatsStore() {
        killedPids.add(nats.process.pid ?? -1);
        await nats.stop("SIGKILL");
        rmSync(nats.storeDir, { recursive: true, force: true });
        nats = await nats.restart();
        watch("nats-server", nats.process);
      },
      async stop() {
        stopping = true;
        await Promise.all([...processes.values()].map((s) => s.stop()));
        await nats.stop();
        await smtp.close();
        unmountSmallDisk(invoiceDataDir);
      },
    };
  } catch (error) {
    stopping = true;
    await Promise.all([...processes.values()].map((s) => s.stop("SIGKILL")));
    await nats.stop("SIGKILL");
    await smtp.close();
    unmountSmallDisk(invoiceDataDir);
    throw error;
  }
}

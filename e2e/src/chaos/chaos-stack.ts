import type { ConnectionOptions, NatsConnection } from "@nats-io/transport-node";
import { startFerretDb, type FerretDbProcess } from "@invoicing/local-stack/ferretdb-process";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import type { ServiceProcess } from "@invoicing/local-stack/service-process";
import type { StackTls } from "@invoicing/local-stack/stack-tls";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startSmtpSink, type SmtpSink } from "../smtp-sink.js";
import { mountSmallDisk, unmountSmallDisk } from "./disk-full.js";

export type { SmtpSink };
export type StoreName = "order" | "invoice" | "notifier";
/** Where the services keep their state: one SQLite file each, or one MongoDB-wire server for all. */
export type StoreBackend = "sqlite" | "mongodb";

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
  /** The folder the disk-full fault fills is a tmpfs of this size. */
  smallDiskMiB: number;
  /**
   * sqlite: each service's own file, the invoice workers' on the small disk. mongodb: every
   * service on one MongoDB-wire server (FerretDB, tools/ferretdb) of the stack's own, its data
   * on the small disk, so the harness can kill it and fill its disk as it does the files.
   */
  store: StoreBackend;
}

/** The database the stack's services share on MongoDB (their MONGODB_DATABASE). */
export const CHAOS_MONGODB_DATABASE = "invoicing";

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
  readonly store: StoreBackend;
  /** A small tmpfs of its own, which the disk-full fault fills, and what is kept on it. */
  readonly smallDisk: { dir: string; holds: string };
  /** The SQLite file of a store (sqlite only). */
  storePath(store: StoreName): string;
  /** The services' MONGODB_URL (mongodb only). */
  readonly mongodbUrl: string | undefined;
  /** SIGKILL the MongoDB-wire server (mongodb only). */
  killStoreServer(): Promise<void>;
  /** The MongoDB-wire server again on its port and its data, as a supervisor would. */
  restartStoreServer(): Promise<void>;
  /** The metrics port of `name`: picked by the harness, kept across restarts. */
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
 * and sharing one store (one SQLite file and PDF folder, or the MongoDB-wire server), the
 * order service, the notifier, and an SMTP sink in this process so every mail can be counted.
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const smallDisk =
    options.store === "sqlite"
      ? { dir: join(options.dataDir, "invoice-disk"), holds: "the invoice workers' SQLite store and PDFs" }
      : { dir: join(options.dataDir, "mongodb-disk"), holds: "the MongoDB-wire server's data" };
  mountSmallDisk(smallDisk.dir, options.smallDiskMiB);
  const killedPids = new Set<number>();
  const unexpectedExits: UnexpectedExit[] = [];
  let stopping = false;

  const watch = (name: string, child: ChildProcess) => {
    const pid = child.pid ?? -1;
    child.once("exit", (code, signal) => {
      if (!stopping && !killedPids.has(pid)) unexpectedExits.push({ name, pid, code, signal, atMs: Date.now() });
    });
  };

  let smtp: SmtpSink | undefined;
  let mongodb: FerretDbProcess | undefined;
  let stack: LocalStack;
  try {
    if (options.store === "mongodb") {
      mongodb = await startFerretDb(smallDisk.dir);
      watch("mongodb", mongodb.process);
    }
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: options.dataDir,
      smtpUrl: smtp.url,
      tls: true,
      env: {
        ...(mongodb ? { MONGODB_URL: mongodb.url, MONGODB_DATABASE: CHAOS_MONGODB_DATABASE } : {}),
        INVOICE_ACK_WAIT_MS: String(options.ackWaitMs),
        NOTIFIER_ACK_WAIT_MS: String(options.ackWaitMs),
        ORDER_RECONCILE_AFTER_MS: String(options.reconcileAfterMs),
        ORDER_RECONCILE_INTERVAL_MS: "2000",
        NOTIFIER_CLAIM_LEASE_MS: String(options.claimLeaseMs),
      },
      topology: {
        renderers: RENDERERS.length,
        invoiceWorkers: INVOICE_WORKERS.length,
        env: options.store === "sqlite" ? { invoice: { DATA_DIR: smallDisk.dir } } : {},
      },
    });
  } catch (error) {
    stopping = true;
    await smtp?.close();
    await mongodb?.stop();
    unmountSmallDisk(smallDisk.dir);
    throw error;
  }
  watch("nats-server", stack.nats.process);
  for (const [name, service] of stack.processes) watch(name, service.process);
  const current = (name: ChaosProcessName): ServiceProcess => {
    const service = stack.processes.get(name);
    if (!service) throw new Error(`no process ${name}`);
    return service;
  };
  const mongoServer = (): FerretDbProcess => {
    if (!mongodb) throw new Error("the stack runs no MongoDB-wire server (store: sqlite)");
    return mongodb;
  };
  const natsAgain = async () => watch("nats-server", (await stack.restartNats()).process);
  return {
    dataDir: options.dataDir,
    logDir: stack.logDir,
    natsUrl: stack.nats.url,
    connectNats: (connectOptions) => stack.nats.connect("harness", connectOptions),
    orderUrl: stack.orderUrl,
    invoiceUrls: stack.invoiceUrls,
    clientTls: stack.tls!.clientOptions,
    smtp,
    store: options.store,
    smallDisk,
    storePath(store) {
      if (options.store !== "sqlite") throw new Error(`the stack keeps its stores on ${options.store}, not in SQLite files`);
      return join(store === "invoice" ? smallDisk.dir : options.dataDir, `${store}.sqlite`);
    },
    mongodbUrl: mongodb?.url,
    async killStoreServer() {
      const server = mongoServer();
      killedPids.add(server.process.pid ?? -1);
      await server.stop("SIGKILL");
    },
    async restartStoreServer() {
      const { port } = mongoServer();
      mongodb = await startFerretDb(smallDisk.dir, { port });
      watch("mongodb", mongodb.process);
    },
    metricsPort: (name) => current(name).metricsPort,
    unexpectedExits,
    pid: (name) => current(name).process.pid ?? -1,
    async kill(name) {
      const service = current(name);
      killedPids.add(service.process.pid ?? -1);
      await service.stop("SIGKILL");
    },
    async restart(name) {
      watch(name, (await stack.restartService(name)).process);
    },
    async killNats() {
      killedPids.add(stack.nats.process.pid ?? -1);
      await stack.nats.stop("SIGKILL");
    },
    restartNats: natsAgain,
    async deleteNatsStore() {
      killedPids.add(stack.nats.process.pid ?? -1);
      await stack.nats.stop("SIGKILL");
      rmSync(stack.nats.storeDir, { recursive: true, force: true });
      await natsAgain();
    },
    async stop() {
      stopping = true;
      await stack.stop();
      await smtp!.close();
      await mongodb?.stop();
      unmountSmallDisk(smallDisk.dir);
    },
  };
}

import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { holdWriteLock } from "../store-lock.js";
import { INVOICE_WORKERS, RENDERERS, type ChaosProcessName, type ChaosStack, type StoreBackend, type StoreName } from "./chaos-stack.js";
import { fillDiskFor } from "./disk-full.js";
import { publishForgeries } from "./forged-events.js";
import { whenHoldingWork } from "./held-work.js";
import type { InvoiceApi } from "./invoice-api.js";
import type { SeededRandom } from "./seeded-random.js";
import { abandonedClaims } from "./store-held-work.js";
import { garbagePayloads, publishGarbage, republishDuplicates, type InjectedMessage } from "./stream-faults.js";

export type FaultKind =
  | "kill-invoice-worker"
  | "kill-renderer"
  | "kill-order"
  | "kill-notifier"
  | "restart-nats"
  | "delete-nats-store"
  | "lock-store"
  | "kill-store-server"
  | "fill-disk"
  | "refuse-smtp"
  | "duplicate-events"
  | "garbage-events"
  | "forged-events";

/**
 * Every run has each of these; the e2e test and the command share the list. The store's own
 * fault depends on where the services keep their state: a SQLite file is write-locked by
 * another process, a MongoDB server is killed and started again on its data.
 */
export function faultKinds(store: StoreBackend): readonly FaultKind[] {
  return store === "sqlite" ? FAULT_KINDS : FAULT_KINDS.map((kind) => (kind === "lock-store" ? "kill-store-server" : kind));
}

const FAULT_KINDS: readonly FaultKind[] = [
  "kill-invoice-worker",
  "kill-invoice-worker",
  "kill-renderer",
  "kill-order",
  "kill-notifier",
  "restart-nats",
  "delete-nats-store",
  "lock-store",
  "fill-disk",
  "refuse-smtp",
  "duplicate-events",
  "garbage-events",
  "forged-events",
];

const KILLS = new Set<FaultKind>(["kill-invoice-worker", "kill-renderer", "kill-order", "kill-notifier"]);
const STORES: readonly StoreName[] = ["order", "invoice", "notifier"];

/** How long the faults that last do: deployed-size in `pnpm chaos`, shortened in the e2e test. */
export interface FaultDurations {
  /** A store write-locked (SQLite) or its server down (MongoDB). */
  storeOutageMs: number;
  fillDiskMs: number;
  refuseSmtpMs: number;
}

export interface PlannedFault {
  kind: FaultKind;
  /** Offset from the start of the load. */
  atMs: number;
  /** The process killed, for the kill faults. */
  target?: ChaosProcessName;
  /** The store locked, for lock-store. */
  store?: StoreName;
  /** How long a killed process (or nats-server) stays down before it is started again. */
  downtimeMs: number;
}

export interface FaultRecord extends PlannedFault {
  /** When the fault struck (epoch ms); later than planned if the previous one overran. */
  struckAtMs: number;
  killedPid?: number;
  killedAtMs?: number;
  /** When the process was started again, and when it reported ready. */
  restartedAtMs?: number;
  readyAtMs?: number;
  /** The messages a stream fault put into PAYMENTS. */
  injected?: InjectedMessage[];
  /** For an aimed kill: the unfinished work the target was seen holding just before. */
  held?: string;
  /** For kill-notifier: the documents it died holding claims on, each perhaps mailed already. */
  abandonedClaims?: string[];
  /** When a lasting fault (lock, disk, SMTP) ended. */
  endedAtMs?: number;
  detail?: string;
  error?: string;
}

/** The most a fault can keep the schedule busy: its downtime, at most, and what follows it. */
function occupiesMs(kind: FaultKind, durations: FaultDurations): number {
  switch (kind) {
    case "lock-store":
      return durations.storeOutageMs + 1_000;
    case "kill-store-server":
      return durations.storeOutageMs + 1_000 + 2_000; // down, its start, the drivers' reconnect
    case "fill-disk":
      return durations.fillDiskMs + 1_000;
    case "refuse-smtp":
      return durations.refuseSmtpMs + 1_000;
    case "restart-nats":
    case "delete-nats-store":
      return 3_000 + 4_000; // down, then the harness's own reconnect
    default:
      return KILLS.has(kind) ? 2_500 + 5_000 : 1_000; // down, then the restart until ready
  }
}

/** How long a load window must be for every fault to strike inside its first 85%. */
export function windowForFaultsMs(durations: FaultDurations, kinds: readonly FaultKind[]): number {
  const busy = kinds.reduce((sum, kind) => sum + occupiesMs(kind, durations), 0);
  return Math.ceil(busy / 0.75);
}

/**
 * Draws the faults for one run: each kind at a random moment after 10% of the load window, a
 * random target and downtime. The faults run one after the other, so each is placed after the
 * time the ones before it can take, and all of them end within 85% of the window: an aimed
 * kill needs work in flight to aim at, which a fault pushed past the load would not find. The
 * broker's store is deleted before the garbage and the forgeries are published: deleting it
 * afterwards would take their dead letters with it, and the run could not tell them apart.
 */
export function planFaults(random: SeededRandom, windowMs: number, durations: FaultDurations, kinds: readonly FaultKind[]): PlannedFault[] {
  const order = [...random.shuffle(kinds)];
  const firstInjection = Math.min(order.indexOf("garbage-events"), order.indexOf("forged-events"));
  const deletion = order.indexOf("delete-nats-store");
  if (deletion > firstInjection) [order[firstInjection], order[deletion]] = [order[deletion]!, order[firstInjection]!];
  const slack = windowMs * 0.75 - order.reduce((sum, kind) => sum + occupiesMs(kind, durations), 0);
  if (slack < 0)
    throw new Error(`a ${windowMs} ms load window cannot hold the faults: give it at least ${windowForFaultsMs(durations, kinds)} ms`);
  const offsets = order.map(() => Math.floor(slack * random.next())).sort((a, b) => a - b);
  let busyBefore = 0;
  return order.map((kind, i) => {
    const atMs = Math.floor(windowMs * 0.1) + offsets[i]! + busyBefore;
    busyBefore += occupiesMs(kind, durations);
    return {
      kind,
      atMs,
      ...(kind === "kill-invoice-worker" ? { target: random.pick(INVOICE_WORKERS) } : {}),
      ...(kind === "kill-renderer" ? { target: random.pick(RENDERERS) } : {}),
      ...(kind === "kill-order" ? { target: "order" as const } : {}),
      ...(kind === "kill-notifier" ? { target: "notifier" as const } : {}),
      ...(kind === "lock-store" ? { store: random.pick(STORES) } : {}),
      downtimeMs:
        kind === "lock-store" || kind === "kill-store-server"
          ? durations.storeOutageMs
          : kind === "fill-disk"
            ? durations.fillDiskMs
            : kind === "refuse-smtp"
              ? durations.refuseSmtpMs
              : kind === "restart-nats" || kind === "delete-nats-store"
                ? random.int(1_000, 3_000)
                : random.int(500, 2_500),
    };
  });
}

export interface FaultContext {
  stack: ChaosStack;
  api: InvoiceApi;
  /** A customer of the run, named by the forged events. */
  customerId: string;
  /** The harness's own connection, for the stream faults. */
  nc: NatsConnection;
  loadStartedAtMs: number;
  runId: string;
  random: SeededRandom;
  /** Payments the load has submitted so far: duplicates are drawn from their events. */
  paymentIds: () => ReadonlySet<string>;
  duplicates: number;
  garbage: number;
  log: (line: string) => void;
}

/**
 * Runs the plan in order, one fault at a time: a fault that restarts a process returns once it
 * is ready again, so two faults never overlap (a recovery can be told apart from the next fault).
 */
export async function runFaults(plan: readonly PlannedFault[], context: FaultContext): Promise<FaultRecord[]> {
  // Drawn before anything runs, so the seed alone decides the bytes.
  const garbage = garbagePayloads(context.random, context.garbage);
  const records: FaultRecord[] = [];
  for (const fault of plan) {
    await sleep(Math.max(0, context.loadStartedAtMs + fault.atMs - Date.now()));
    const record: FaultRecord = { ...fault, struckAtMs: Date.now() };
    records.push(record);
    try {
      await strike(record, context, garbage);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    context.log(describeFault(record, context.loadStartedAtMs));
  }
  return records;
}

async function strike(record: FaultRecord, context: FaultContext, garbage: Uint8Array[]): Promise<void> {
  const { stack } = context;
  switch (record.kind) {
    case "kill-invoice-worker":
    case "kill-renderer":
    case "kill-order":
    case "kill-notifier": {
      const target = record.target!;
      record.held = await whenHoldingWork(target, stack, context.api);
      record.killedPid = stack.pid(target);
      record.killedAtMs = Date.now();
      await stack.kill(target);
      try {
        if (record.kind === "kill-notifier") record.abandonedClaims = await abandonedClaims(stack, record.killedPid);
      } finally {
        // Started again even when its store could not be read: the rest of the run needs it.
        await sleep(record.downtimeMs);
        record.restartedAtMs = Date.now();
        await stack.restart(target);
        record.readyAtMs = Date.now();
      }
      return;
    }
    case "restart-nats": {
      const reconnected = nextStatus(context.nc, "reconnect");
      await stack.killNats();
      await sleep(record.downtimeMs);
      record.restartedAtMs = Date.now();
      await stack.restartNats();
      record.readyAtMs = Date.now();
      // A request the harness sends before its own connection is back is never answered
      // (nats.js drops what it buffered), which would hold up the next fault by a timeout.
      const giveUp = new AbortController();
      await Promise.race([reconnected, sleep(10_000, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
      giveUp.abort();
      return;
    }
    case "delete-nats-store": {
      const reconnected = nextStatus(context.nc, "reconnect");
      await stack.deleteNatsStore();
      record.restartedAtMs = record.readyAtMs = Date.now();
      const giveUp = new AbortController();
      await Promise.race([reconnected, sleep(10_000, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
      giveUp.abort();
      return;
    }
    case "lock-store":
      await holdWriteLock(stack.storePath(record.store!), record.downtimeMs);
      record.endedAtMs = Date.now();
      return;
    case "kill-store-server":
      record.killedAtMs = Date.now();
      await stack.killStoreServer();
      await sleep(record.downtimeMs);
      record.restartedAtMs = Date.now();
      await stack.restartStoreServer();
      record.readyAtMs = record.endedAtMs = Date.now();
      return;
    case "fill-disk": {
      const taken = await fillDiskFor(stack.smallDisk.dir, record.downtimeMs);
      record.endedAtMs = Date.now();
      record.detail = `${stack.smallDisk.holds}; ${(taken / 2 ** 20).toFixed(1)} MiB written to fill it`;
      return;
    }
    case "refuse-smtp": {
      const before = stack.smtp.refused;
      await stack.smtp.refuseFor(record.downtimeMs);
      record.endedAtMs = Date.now();
      record.detail = `${stack.smtp.refused - before} connections refused`;
      return;
    }
    case "forged-events":
      record.injected = await publishForgeries(context.nc, {
        runId: context.runId,
        customerId: context.customerId,
        genuinePaymentIds: context.paymentIds(),
      });
      return;
    case "duplicate-events":
      record.injected = await republishDuplicates(context.nc, {
        count: context.duplicates,
        paymentIds: context.paymentIds(),
        runId: context.runId,
        random: context.random,
      });
      return;
    case "garbage-events":
      record.injected = await publishGarbage(context.nc, garbage, context.runId);
      return;
  }
}

async function nextStatus(nc: NatsConnection, type: string): Promise<void> {
  for await (const status of nc.status()) if (status.type === type) return;
}

export function describeFault(record: FaultRecord, loadStartedAtMs: number): string {
  const at = `${((record.struckAtMs - loadStartedAtMs) / 1000).toFixed(1)}s`;
  const lasted = record.endedAtMs ? ` for ${((record.endedAtMs - record.struckAtMs) / 1000).toFixed(1)} s` : "";
  const what = KILLS.has(record.kind)
    ? `SIGKILL ${record.target} (pid ${record.killedPid}) holding ${record.held}, down ${record.downtimeMs} ms`
    : {
        "restart-nats": `SIGKILL nats-server, down ${record.downtimeMs} ms, restarted on its port and store`,
        "delete-nats-store": "SIGKILL nats-server, its whole store deleted, restarted empty",
        "lock-store": `${record.store}.sqlite write-locked by another process${lasted}`,
        "kill-store-server": `SIGKILL the MongoDB-wire server, down ${record.downtimeMs} ms, restarted on its port and data${lasted}`,
        "fill-disk": `the disk full${lasted} (${record.detail})`,
        "refuse-smtp": `the mail server answering 421${lasted} (${record.detail})`,
        "duplicate-events": `republished ${record.injected?.length ?? 0} PaymentCompleted events under new Nats-Msg-Ids`,
        "garbage-events": `published ${record.injected?.length ?? 0} garbage messages on payments.completed.*`,
        "forged-events": `published ${record.injected?.length ?? 0} forged PaymentCompleted (unsigned, attacker-signed, a genuine one redirected)`,
      }[record.kind as Exclude<FaultKind, "kill-invoice-worker" | "kill-renderer" | "kill-order" | "kill-notifier">];
  return `fault at ${at}: ${record.kind}: ${what}${record.error ? ` FAILED: ${record.error}` : ""}`;
}

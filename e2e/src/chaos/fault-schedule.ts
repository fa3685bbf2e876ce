import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { INVOICE_WORKERS, RENDERERS, type ChaosProcessName, type ChaosStack } from "./chaos-stack.js";
import type { SeededRandom } from "./seeded-random.js";
import { garbagePayloads, publishGarbage, republishDuplicates, type InjectedMessage } from "./stream-faults.js";

export type FaultKind = "kill-invoice-worker" | "kill-renderer" | "restart-nats" | "duplicate-events" | "garbage-events";

/** Every run has each of these; the e2e test and the command share the list. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "kill-invoice-worker",
  "kill-invoice-worker",
  "kill-renderer",
  "restart-nats",
  "duplicate-events",
  "garbage-events",
];

export interface PlannedFault {
  kind: FaultKind;
  /** Offset from the start of the load. */
  atMs: number;
  /** The process killed, for the kill faults. */
  target?: ChaosProcessName;
  /** How long a killed process (or nats-server) stays down before it is started again. */
  downtimeMs: number;
}

export interface FaultRecord extends PlannedFault {
  /** When the fault struck (epoch ms); later than planned if the previous one overran. */
  struckAtMs: number;
  killedPid?: number;
  /** When the process was started again, and when it reported ready. */
  restartedAtMs?: number;
  readyAtMs?: number;
  /** The messages a stream fault put into PAYMENTS. */
  injected?: InjectedMessage[];
  error?: string;
}

/**
 * Draws the faults for one run: each kind at a random moment between 10% and 85% of the load
 * window (so there is work before and after every fault), a random target and downtime.
 */
export function planFaults(random: SeededRandom, windowMs: number): PlannedFault[] {
  const moments = FAULT_KINDS.map(() => Math.floor(windowMs * (0.1 + 0.75 * random.next()))).sort((a, b) => a - b);
  return random.shuffle(FAULT_KINDS).map((kind, i) => ({
    kind,
    atMs: moments[i]!,
    ...(kind === "kill-invoice-worker" ? { target: random.pick(INVOICE_WORKERS) } : {}),
    ...(kind === "kill-renderer" ? { target: random.pick(RENDERERS) } : {}),
    downtimeMs: kind === "restart-nats" ? random.int(1_000, 3_000) : random.int(500, 2_500),
  }));
}

export interface FaultContext {
  stack: ChaosStack;
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
    case "kill-renderer": {
      const target = record.target!;
      record.killedPid = stack.pid(target);
      await stack.kill(target);
      await sleep(record.downtimeMs);
      record.restartedAtMs = Date.now();
      await stack.restart(target);
      record.readyAtMs = Date.now();
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
  const what =
    record.kind === "kill-invoice-worker" || record.kind === "kill-renderer"
      ? `SIGKILL ${record.target} (pid ${record.killedPid}), down ${record.downtimeMs} ms`
      : record.kind === "restart-nats"
        ? `SIGKILL nats-server, down ${record.downtimeMs} ms, restarted on its port and store`
        : record.kind === "duplicate-events"
          ? `republished ${record.injected?.length ?? 0} PaymentCompleted events under new Nats-Msg-Ids`
          : `published ${record.injected?.length ?? 0} garbage messages on payments.completed.*`;
  return `fault at ${at}: ${record.kind}: ${what}${record.error ? ` FAILED: ${record.error}` : ""}`;
}

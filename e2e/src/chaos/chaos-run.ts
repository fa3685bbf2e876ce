import { InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { judgeRun, summaryLine, type ChaosVerdict } from "./chaos-checks.js";
import { startChaosStack, type StoreBackend } from "./chaos-stack.js";
import { describeFault, faultKinds, planFaults, runFaults, type FaultDurations, type FaultRecord } from "./fault-schedule.js";
import { InvoiceApi } from "./invoice-api.js";
import { PaymentLoad } from "./payment-load.js";
import { readOrderRecords } from "./order-records.js";
import { readPipelineState, type PipelineState } from "./pipeline-state.js";
import { describeRecovery, measureRecoveries, type FaultRecovery } from "./recovery.js";
import { seededRandom } from "./seeded-random.js";
import { crashEvidence, errorSummary, readServiceLogs } from "./service-logs.js";

export interface ChaosOptions {
  payments: number;
  seed: number;
  /** Client calls in flight at most. */
  concurrency: number;
  /** Payments arrive at random over this window; the faults strike inside it. */
  spreadMs: number;
  /** Share of payments paid twice (client retry), and of events republished as duplicates. */
  retryShare: number;
  duplicateShare: number;
  garbage: number;
  ackWaitMs: number;
  /** See ChaosStackOptions. */
  reconcileAfterMs: number;
  claimLeaseMs: number;
  durations: FaultDurations;
  /** See ChaosStackOptions. */
  store: StoreBackend;
  /** How long to wait, after the load, for every invoice to be READY and mailed. */
  settleTimeoutMs: number;
  dataDir: string;
  log: (line: string) => void;
}

export interface ChaosResult {
  verdict: ChaosVerdict;
  recoveries: FaultRecovery[];
  faults: FaultRecord[];
  /** The report, the summary line last. */
  lines: string[];
  passed: boolean;
}

const CUSTOMERS = 10;

/**
 * One chaos run: the scaled-out stack, a payment load with client retries, the fault plan
 * striking during it, then the wait for every invoice and mail and the verdict.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  // One generator per concern, so changing how many of one thing is drawn leaves the rest.
  const random = (stream: number) => seededRandom(options.seed * 16 + stream);
  const runId = `r${Date.now().toString(36)}`;
  log(
    `chaos: seed ${options.seed} (repeat with --seed ${options.seed}), ${options.payments} payments over ${(options.spreadMs / 1000).toFixed(0)} s, stores on ${options.store}, data in ${options.dataDir}`,
  );

  const stack = await startChaosStack({
    dataDir: options.dataDir,
    ackWaitMs: options.ackWaitMs,
    reconcileAfterMs: options.reconcileAfterMs,
    claimLeaseMs: options.claimLeaseMs,
    smallDiskMiB: Math.max(64, Math.ceil(options.payments / 4)),
    store: options.store,
  });
  let nc: NatsConnection | undefined;
  try {
    // The harness's own connection lives through the broker restart like the services' do.
    nc = await stack.connectNats({ maxReconnectAttempts: -1, reconnectTimeWait: 250, name: "chaos" });
    const api = new InvoiceApi(stack.invoiceUrls, stack.clientTls);
    const customerIds = Array.from({ length: CUSTOMERS }, (_, i) => `${runId}-customer-${i}`);
    const plan = planFaults(random(1), options.spreadMs, options.durations, faultKinds(options.store));
    const load = new PaymentLoad({
      orderUrl: stack.orderUrl,
      tls: stack.clientTls,
      payments: options.payments,
      concurrency: options.concurrency,
      spreadMs: options.spreadMs,
      retryShare: options.retryShare,
      customers: CUSTOMERS,
      runId,
      random: random(2),
    });
    log(
      `chaos: stack up (2 renderers, 2 invoice workers, order, notifier; ack wait ${options.ackWaitMs} ms); ${load.retriesPlanned} payments will be paid twice; faults planned at ${plan.map((f) => `${(f.atMs / 1000).toFixed(1)}s ${f.kind}${f.target ? ` ${f.target}` : ""}${f.store ? ` ${f.store}` : ""}`).join(", ")}`,
    );

    const loadStartedAtMs = Date.now();
    const progress = setInterval(
      () => log(`chaos: +${((Date.now() - loadStartedAtMs) / 1000).toFixed(0)}s ${load.submitted.length}/${options.payments} paid`),
      10_000,
    );
    const [loadOutcome, faultOutcome] = await Promise.allSettled([
      load.run(),
      runFaults(plan, {
        stack,
        api,
        customerId: customerIds[0]!,
        nc,
        loadStartedAtMs,
        runId,
        random: random(3),
        paymentIds: () => new Set(load.submitted.map((p) => p.paymentId)),
        duplicates: Math.ceil(options.payments * options.duplicateShare),
        garbage: options.garbage,
        log,
      }),
    ]);
    clearInterval(progress);
    const setupFailures: string[] = [];
    if (loadOutcome.status === "rejected") setupFailures.push(`the payment load failed: ${String(loadOutcome.reason)}`);
    const faults = faultOutcome.status === "fulfilled" ? faultOutcome.value : [];
    if (faultOutcome.status === "rejected") setupFailures.push(`the fault schedule failed: ${String(faultOutcome.reason)}`);
    for (const fault of faults.filter((f) => f.error)) setupFailures.push(describeFault(fault, loadStartedAtMs));
    log(
      `chaos: load done in ${((Date.now() - loadStartedAtMs) / 1000).toFixed(1)} s (${load.submitted.length} paid, ${load.callRetries} calls retried); waiting for invoices and mails`,
    );

    // What must end in DEAD_LETTERS, byte for byte, and nothing else: the garbage and the forgeries.
    const garbage = faults.flatMap((f) => (f.kind === "garbage-events" || f.kind === "forged-events" ? (f.injected ?? []) : []));
    const { state, settled: settledInTime } = await waitUntilSettled({
      read: () => readPipelineState({ api, customerIds, nc: nc!, mails: stack.smtp.mails, mailAcceptedAtMs: stack.smtp.acceptedAtMs }),
      isSettled: (s) =>
        isSettled(
          s,
          load.submitted.map((p) => p.paymentId),
          garbage.length,
        ),
      timeoutMs: options.settleTimeoutMs,
      quietMs: options.ackWaitMs,
      log: (s) => log(`chaos: +${((Date.now() - loadStartedAtMs) / 1000).toFixed(0)}s ${describeState(s)}`),
    });
    if (!state) throw new Error("the pipeline state could not be read");
    const settledAfterMs = state.readAtMs - loadStartedAtMs;

    const logs = readServiceLogs(stack.logDir);
    const orders = await readOrderRecords(
      stack.orderUrl,
      stack.clientTls,
      load.submitted.map((p) => p.orderId),
    );
    const verdict = judgeRun({
      orders,
      claimLeaseMs: options.claimLeaseMs,
      crashWindows: faults
        .filter((f) => f.kind === "kill-notifier")
        .map((f) => ({ killedAtMs: f.killedAtMs ?? f.struckAtMs, claims: f.abandonedClaims ?? [] })),
      planned: options.payments,
      payments: load.submitted,
      state,
      garbage,
      unexpectedExits: stack.unexpectedExits,
      crashLines: crashEvidence(logs),
      retryProblems: load.retryProblems,
      retried: load.retriesPlanned,
    });
    verdict.failures.unshift(...setupFailures);
    if (!settledInTime) verdict.failures.push(`not settled within ${options.settleTimeoutMs} ms: ${describeState(state)}`);
    const recoveries = measureRecoveries({
      faults,
      invoices: state.invoices,
      payments: load.submitted,
      logs: logs.records,
      mails: stack.smtp.mails,
      mailAcceptedAtMs: stack.smtp.acceptedAtMs,
    });

    const lines = [
      `chaos: everything settled ${(settledAfterMs / 1000).toFixed(1)} s after the load began`,
      ...recoveries.map((r) => `chaos: ${describeRecovery(r, loadStartedAtMs)}`),
      ...[...errorSummary(logs)].map(([what, n]) => `chaos: handled errors logged: ${n} × ${what}`),
      ...verdict.lines.map((l) => `chaos: ${l}`),
      ...verdict.failures.map((f) => `chaos: FAILED: ${f}`),
      summaryLine(verdict.figures),
    ];
    return { verdict, recoveries, faults, lines, passed: verdict.failures.length === 0 };
  } finally {
    await nc?.close().catch(() => undefined);
    await stack.stop();
  }
}

/** Every payment's invoice final (READY or FAILED), every READY one mailed, nothing left to do. */
function isSettled(state: PipelineState, paymentIds: readonly string[], garbage: number): boolean {
  const final = new Set(
    state.invoices.filter((i) => i.status === InvoiceStatus.READY || i.status === InvoiceStatus.FAILED).map((i) => i.paymentId),
  );
  if (!paymentIds.every((id) => final.has(id))) return false;
  const mailed = new Set(state.mails.map((m) => String(m.headers.get("x-invoice-id") ?? "")));
  if (!state.invoices.filter((i) => i.status === InvoiceStatus.READY).every((i) => mailed.has(i.invoiceId))) return false;
  return state.deadLetters.length >= garbage && state.consumersIdle;
}

/**
 * Reads the state every second until it has been settled for `quietMs` on end (so a late
 * duplicate mail or invoice still shows), or the timeout passes.
 */
async function waitUntilSettled(options: {
  read: () => Promise<PipelineState>;
  isSettled: (state: PipelineState) => boolean;
  timeoutMs: number;
  quietMs: number;
  log: (state: PipelineState) => void;
}): Promise<{ state: PipelineState | undefined; settled: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  let quietSince: number | undefined;
  let last: PipelineState | undefined;
  let lastLog = 0;
  for (;;) {
    // A read can fail while a worker is restarting: the next one will do.
    const state = await options.read().catch(() => undefined);
    if (state) {
      last = state;
      if (options.isSettled(state)) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= options.quietMs) return { state, settled: true };
      } else {
        quietSince = undefined;
      }
      if (Date.now() - lastLog >= 10_000) {
        options.log(state);
        lastLog = Date.now();
      }
    }
    if (Date.now() > deadline) return { state: last, settled: false };
    await sleep(1_000);
  }
}

function describeState(state: PipelineState): string {
  const ready = state.invoices.filter((i) => i.status === InvoiceStatus.READY).length;
  return `${state.invoices.length} invoices, ${ready} READY, ${state.mails.length} mails, ${state.deadLetters.length} dead letters, consumers ${state.consumersIdle ? "idle" : "busy"}`;
}

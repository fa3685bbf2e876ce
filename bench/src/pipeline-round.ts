import type { Timing } from "./bench-settings.js";
import { awaitDeliveries, type DeliveryBacklog } from "./delivery-backlog.js";
import { ensureOrders } from "./order-supply.js";
import { NOTIFIER, pipelineCpuMeter } from "./part-cpu-meters.js";
import type { PipelineUnderTest } from "./pipeline-bench.js";
import type { CpuParts, PartRun } from "./round-spreads.js";

/** A pipeline run: a part's figures, and how many mails the notifier owed when its window closed. */
export interface PipelineRun extends PartRun {
  mailsBehind: number;
}

/**
 * The notifier's CPU per mail it delivered in the window rather than per invoice READY in it:
 * when it falls behind, its CPU in the window paid for fewer mails than there were invoices,
 * and per invoice it would look cheaper the further behind it fell.
 */
export function notifierPerMail(cpu: CpuParts, invoices: number, mails: number): CpuParts {
  if (mails <= 0) return cpu;
  return cpu.map((part) => (part.name === NOTIFIER ? { name: part.name, ms: (part.ms * invoices) / mails } : part));
}

/**
 * One closed-loop run of the pipeline, its CPU metered by service, then a wait for the notifier
 * to deliver what the run made READY, so that its mails are not in the next run's window.
 * `upperRate` bounds what the run can reach (the bare loop's rate: the pipeline prints the same
 * PDFs and does more) and sizes the orders created before it.
 */
export async function pipelineRound(
  pipeline: PipelineUnderTest,
  backlog: DeliveryBacklog,
  run: { inFlight: number; timing: Timing; upperRate: number },
  log: (line: string) => void,
): Promise<PipelineRun> {
  await ensureOrders(pipeline, run.upperRate, run.timing.warmupMs + run.timing.windowMs, run.inFlight);
  const meter = pipelineCpuMeter(pipeline);
  let [mailsBehind, deliveriesBefore, mails] = [0, 0, 0];
  const result = await pipeline.sustained(run.inFlight, run.timing, {
    started: () => {
      meter.started();
      deliveriesBefore = backlog.deliveries;
    },
    ended: () => {
      meter.ended();
      mailsBehind = backlog.size;
      mails = backlog.deliveries - deliveriesBefore;
    },
  });
  await awaitDeliveries(backlog, log);
  return { perSecond: result.perSecond, cpu: notifierPerMail(meter.perUnit(result.completed), result.completed, mails), mailsBehind };
}

/** Payments for `ms` once the stack is up, unmeasured: its first ones pay for JIT, pools and connections. */
export async function warmUpPipeline(
  pipeline: PipelineUnderTest,
  backlog: DeliveryBacklog,
  run: { inFlight: number; ms: number; upperRate: number },
  log: (line: string) => void,
): Promise<void> {
  await ensureOrders(pipeline, run.upperRate, run.ms, run.inFlight);
  await pipeline.sustained(run.inFlight, { warmupMs: 0, windowMs: run.ms });
  await awaitDeliveries(backlog, log);
}

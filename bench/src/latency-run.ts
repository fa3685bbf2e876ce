import type { LatencyRun } from "./bench-figures.js";
import { awaitDeliveries, type DeliveryBacklog } from "./delivery-backlog.js";
import { percentile } from "./load-loops.js";
import { ensureOrders } from "./order-supply.js";
import type { PipelineUnderTest } from "./pipeline-bench.js";
import { spreadOf } from "./spread.js";

/**
 * Payments at `share` of the sustained rate for `seconds` (open loop: as real payments arrive,
 * whatever the answers' pace), each timed from CompletePayment to its invoice READY; `runs`
 * times, so a p99, which a few slow payments decide, comes with the spread the machine gave it.
 */
export async function latencyRun(
  pipeline: PipelineUnderTest,
  backlog: DeliveryBacklog,
  run: { share: number; sustained: number; seconds: number; runs: number },
  log: (line: string) => void,
): Promise<LatencyRun> {
  const { share, seconds, runs } = run;
  const perSecond = run.sustained * share;
  const p50: number[] = [];
  const p99: number[] = [];
  let samples = 0;
  for (let i = 0; i < runs; i++) {
    await ensureOrders(pipeline, perSecond, seconds * 1000);
    const latencies = await pipeline.latencies(perSecond, seconds * 1000);
    // The mails of this run are delivered before the next starts, as between the rounds.
    await awaitDeliveries(backlog, log);
    p50.push(percentile(latencies, 50));
    p99.push(percentile(latencies, 99));
    samples += latencies.length;
  }
  return { share, perSecond, seconds, runs, p50: spreadOf(p50), p99: spreadOf(p99), samples };
}

import type { LatencyRun } from "./bench-figures.js";
import { awaitDeliveries, type DeliveryBacklog } from "./delivery-backlog.js";
import { percentile } from "./load-loops.js";
import { ensureOrders } from "./order-supply.js";
import type { PipelineUnderTest } from "./pipeline-bench.js";

/**
 * Payments at `share` of the sustained rate for `seconds` (open loop: as real payments arrive,
 * whatever the answers' pace), each timed from CompletePayment to its invoice READY.
 */
export async function latencyRun(
  pipeline: PipelineUnderTest,
  backlog: DeliveryBacklog,
  run: { share: number; sustained: number; seconds: number },
  log: (line: string) => void,
): Promise<LatencyRun> {
  const { share, seconds } = run;
  const perSecond = run.sustained * share;
  await ensureOrders(pipeline, perSecond, seconds * 1000);
  const latencies = await pipeline.latencies(perSecond, seconds * 1000);
  await awaitDeliveries(backlog, log);
  return { share, perSecond, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length };
}

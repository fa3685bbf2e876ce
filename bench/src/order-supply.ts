import type { PipelineUnderTest } from "./pipeline-bench.js";

/**
 * Tops the unpaid orders up to what `ms` of payments at up to `perSecond` can use, created
 * before a run so that no checkout happens inside a measured window. A closed loop's workers
 * each start one more payment before they see the window end, hence 2 × `inFlight` more; and
 * 20% more for a run faster than `perSecond` said.
 */
export async function ensureOrders(pipeline: PipelineUnderTest, perSecond: number, ms: number, inFlight = 0): Promise<void> {
  const count = Math.ceil(perSecond * 1.2 * (ms / 1000)) + 2 * inFlight;
  if (count > pipeline.ordersLeft) await pipeline.createOrders(count - pipeline.ordersLeft);
}

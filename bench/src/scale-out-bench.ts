import type { BenchFigures } from "./bench-figures.js";
import type { BenchSettings } from "./bench-settings.js";
import { DeliveryBacklog } from "./delivery-backlog.js";
import { interleavedRounds } from "./interleaved-rounds.js";
import { PipelineUnderTest } from "./pipeline-bench.js";
import { pipelineRound, warmUpPipeline } from "./pipeline-round.js";

/**
 * The pipeline with its renderers and invoice workers scaled out on the same machine, in
 * closed-loop rounds metered as the one-of-each pipeline's: what scale-out costs in CPU per
 * invoice and gains or loses in throughput where there are no more cores to spread onto.
 */
export async function scaleOutRuns(options: {
  dataDir: string;
  renderers: number;
  invoiceWorkers: number;
  pagesPerRenderer: number;
  settings: BenchSettings;
  upperRate: number;
  log: (line: string) => void;
}): Promise<BenchFigures["scaleOut"]> {
  const { renderers, invoiceWorkers, pagesPerRenderer, settings, upperRate } = options;
  const pipeline = await PipelineUnderTest.start(
    options.dataDir,
    {},
    { topology: { renderers, invoiceWorkers, env: { renderer: { RENDER_PAGES: String(pagesPerRenderer) } } } },
  );
  const backlog = DeliveryBacklog.watch(pipeline.nc);
  try {
    // As the one-of-each run: 4 payments in flight per page, across every renderer.
    const inFlight = 4 * pagesPerRenderer * renderers;
    await warmUpPipeline(pipeline, backlog, { inFlight, ms: settings.pipelineWarmupMs, upperRate }, options.log);
    const { "d scaled out": runs } = await interleavedRounds(
      settings.rounds,
      { "d scaled out": () => pipelineRound(pipeline, backlog, { inFlight, timing: settings.pipelineRound, upperRate }, options.log) },
      options.log,
    );
    return { renderers, invoiceWorkers, pagesPerRenderer, inFlight, runs };
  } finally {
    backlog.close();
    await pipeline.stop();
  }
}

import type { BenchSettings } from "./bench-settings.js";
import type { IdleCheck } from "./machine-idle.js";
import type { PipelineRun } from "./pipeline-round.js";
import type { PartRun } from "./round-spreads.js";
import type { ServiceMemoryPhase } from "./service-memory-trend.js";
import type { Spread } from "./spread.js";

/** Open loops of the pipeline at a share of the median sustained rate, `runs` of `seconds` each. */
export interface LatencyRun {
  share: number;
  perSecond: number;
  seconds: number;
  runs: number;
  /** Each run's p50 and p99, as spreads over the runs. */
  p50: Spread;
  p99: Spread;
  /** Payments timed in all the runs. */
  samples: number;
}

/** Everything one `pnpm bench` measured, for the report. */
export interface BenchFigures {
  quick: boolean;
  settings: BenchSettings;
  idle: IdleCheck;
  chromiumVersion: string;
  executablePath: string;
  /** Median rate by concurrency in the sweep, and the best of each, at which the rounds ran. */
  sweep: { a: Map<number, number>; c: Map<number, number>; aLevel: number; cLevel: number };
  b: { perSecond: number; medianMs: number };
  /** Each part's runs in round order: runs of the same index shared a round. */
  rounds: { a: PartRun[]; c: PartRun[]; d: PipelineRun[] };
  /** The one-of-each pipeline: pages of its renderer, payments in flight in its closed loop. */
  pipeline: { pages: number; inFlight: number };
  latency: LatencyRun[];
  /** The services beside the renderer, sampled from after the pipeline's warm-up until it stopped. */
  serviceMemory: ServiceMemoryPhase;
  scaleOut: { renderers: number; invoiceWorkers: number; pagesPerRenderer: number; inFlight: number; runs: PipelineRun[] };
  /** Renderer memory after so many renders, per recycling setting, in the order measured. */
  e: Array<{ setting: string; renders: number; bytes: number }>;
  variants: Array<{ name: string; perSecond: number }>;
}

/** A closed loop's warm-up, then the window in which completions and CPU are counted. */
export interface Timing {
  warmupMs: number;
  windowMs: number;
}

/** How long and how often each part of `pnpm bench` runs. */
export interface BenchSettings {
  /** Interleaved rounds of (a), (c) and (d), and of the scaled-out pipeline. */
  rounds: number;
  /** Pages (a) or calls (c) at once, swept to choose each one's best before the rounds. */
  levels: number[];
  sweep: Timing;
  /** (a) and (c) in a round. */
  partRound: Timing;
  /** (d) in a round, one of each service and scaled out. */
  pipelineRound: Timing;
  /** Once after a stack starts: its services' first payments pay for JIT and pools. */
  pipelineWarmupMs: number;
  /** Each open loop of the latency runs. */
  latencySeconds: number;
  idleCheckMs: number;
  launchesPerPdf: number;
  /** Renders after which the renderer's memory is read, (e). */
  memoryAt: number[];
}

/**
 * The full run takes 10+ minutes; `quick` is a smoke test of the command in about two. A
 * round's (d) window is longer than (a)'s and (c)'s because the pipeline is slower: each
 * window then holds several hundred units, and a completion more or less moves no figure.
 */
export function benchSettings(quick: boolean, pipelineWindowSeconds?: number): BenchSettings {
  const pipelineWindowMs = (pipelineWindowSeconds ?? (quick ? 3 : 20)) * 1_000;
  return quick
    ? {
        rounds: 1,
        levels: [1, 2, 3, 4],
        sweep: { warmupMs: 300, windowMs: 1_000 },
        partRound: { warmupMs: 300, windowMs: 1_500 },
        pipelineRound: { warmupMs: 1_000, windowMs: pipelineWindowMs },
        pipelineWarmupMs: 3_000,
        latencySeconds: 5,
        idleCheckMs: 3_000,
        launchesPerPdf: 3,
        memoryAt: [50, 200],
      }
    : {
        rounds: 3,
        levels: [1, 2, 3, 4],
        sweep: { warmupMs: 700, windowMs: 2_500 },
        partRound: { warmupMs: 1_000, windowMs: 10_000 },
        pipelineRound: { warmupMs: 3_000, windowMs: pipelineWindowMs },
        pipelineWarmupMs: 10_000,
        latencySeconds: 20,
        idleCheckMs: 3_000,
        launchesPerPdf: 8,
        memoryAt: [500, 5_000],
      };
}

/** Figures of one timed loop: completions per second inside the measured window. */
export interface LoopResult {
  perSecond: number;
  completed: number;
}

/** Told when a closed loop's measured window starts and ends (to read CPU counters then). */
export interface CpuWindow {
  started(): void;
  ended(): void;
}

/**
 * `concurrency` workers call `work` back to back: a warm-up, then a window in which every
 * completion counts. Closed loop, so it finds the most the system does at that concurrency.
 */
export async function closedLoop(
  concurrency: number,
  timing: { warmupMs: number; windowMs: number },
  work: (worker: number) => Promise<unknown>,
  window?: CpuWindow,
): Promise<LoopResult> {
  const windowStart = performance.now() + timing.warmupMs;
  const windowEnd = windowStart + timing.windowMs;
  let completed = 0;
  const marks = window ? [setTimeout(window.started, timing.warmupMs), setTimeout(window.ended, timing.warmupMs + timing.windowMs)] : [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < windowEnd) {
        await work(worker);
        const now = performance.now();
        if (now >= windowStart && now <= windowEnd) completed++;
      }
    }),
  );
  for (const mark of marks) clearTimeout(mark);
  return { perSecond: completed / (timing.windowMs / 1000), completed };
}

/**
 * Starts `work` at a fixed rate for `durationMs` (open loop: a slow answer does not slow the
 * arrivals, as with real payments) and returns each call's latency in milliseconds.
 */
export async function openLoop(perSecond: number, durationMs: number, work: () => Promise<unknown>): Promise<number[]> {
  const started = performance.now();
  const total = Math.floor((durationMs / 1000) * perSecond);
  const calls: Promise<number>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    calls.push(work().then(() => performance.now() - at));
  }
  return Promise.all(calls);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

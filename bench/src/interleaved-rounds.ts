import type { CpuMeter } from "./cpu-meter.js";
import type { CpuWindow, LoopResult } from "./load-loops.js";
import { CHROMIUM_AND_REST } from "./part-cpu-meters.js";
import type { PartRun } from "./round-spreads.js";

/** One run of a part with its CPU meter: its rate and CPU per unit by process. */
export async function meteredRun(meter: CpuMeter, run: (window: CpuWindow) => Promise<LoopResult>): Promise<PartRun> {
  const result = await run(meter);
  return { perSecond: result.perSecond, cpu: meter.perUnit(result.completed) };
}

/**
 * The parts in the order round `round` (from 0) runs them: each round starts one part later,
 * so no part always finds the machine as the same other part left it (caches, freed memory,
 * a clock speed), which would shift its figures the same way in every round.
 */
export function roundOrder<Part>(parts: readonly Part[], round: number): Part[] {
  return parts.map((_, i) => parts[(i + round) % parts.length]!);
}

/**
 * Every part once a round, `rounds` times: a noisy moment of the machine lands in one round of
 * each part alike instead of in all of one part's runs, and ratios can be taken round by round.
 */
export async function interleavedRounds<Runs extends Record<string, PartRun>>(
  rounds: number,
  parts: { [Part in keyof Runs]: () => Promise<Runs[Part]> },
  log: (line: string) => void,
): Promise<{ [Part in keyof Runs]: Array<Runs[Part]> }> {
  const names = Object.keys(parts) as Array<keyof Runs & string>;
  const runs = Object.fromEntries(names.map((name) => [name, []])) as unknown as { [Part in keyof Runs]: Array<Runs[Part]> };
  for (let round = 0; round < rounds; round++) {
    for (const name of roundOrder(names, round)) {
      const run = await parts[name]();
      runs[name].push(run);
      const own = run.cpu.filter((part) => part.name !== CHROMIUM_AND_REST).reduce((sum, part) => sum + part.ms, 0);
      const total = run.cpu.reduce((sum, part) => sum + part.ms, 0);
      log(
        `round ${round + 1}/${rounds}, ${name}: ${run.perSecond.toFixed(1)}/s, CPU ${total.toFixed(1)} ms a unit (our own ${own.toFixed(1)})`,
      );
    }
  }
  return runs;
}

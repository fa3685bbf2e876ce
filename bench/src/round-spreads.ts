import { spreadOf, type Spread } from "./spread.js";

/** CPU milliseconds per PDF or invoice by part, as CpuMeter.perUnit gives them. */
export type CpuParts = Array<{ name: string; ms: number }>;

/** What one part (a, c or d) did in one round: its rate and where its CPU went. */
export interface PartRun {
  perSecond: number;
  cpu: CpuParts;
}

export const rateSpread = (runs: readonly PartRun[]): Spread => spreadOf(runs.map((run) => run.perSecond));

/**
 * A ratio taken round by round, then spread: the two runs of a round shared the machine's
 * state of that moment, so their ratio cancels noise that a ratio of two medians keeps.
 */
export function ratioSpread(numerators: readonly PartRun[], denominators: readonly PartRun[]): Spread {
  if (numerators.length !== denominators.length) {
    throw new Error(`a ratio per round needs as many rounds of each: ${numerators.length} against ${denominators.length}`);
  }
  return spreadOf(numerators.map((run, round) => run.perSecond / denominators[round]!.perSecond));
}

/** Each part's CPU per unit over the rounds, in the order the parts first appear. */
export function cpuSpreadByPart(runs: readonly PartRun[]): Array<{ name: string; spread: Spread }> {
  const names = [...new Set(runs.flatMap((run) => run.cpu.map((part) => part.name)))];
  return names.map((name) => ({
    name,
    spread: spreadOf(runs.map((run) => run.cpu.find((part) => part.name === name)?.ms ?? 0)),
  }));
}

/**
 * CPU per unit of every named part but `rest` (Chromium and whatever else ran), summed within
 * each round before the spread: what our own code costs, the figure to push down.
 */
export function ownCpuSpread(runs: readonly PartRun[], rest: string): Spread {
  return spreadOf(runs.map((run) => run.cpu.filter((part) => part.name !== rest).reduce((sum, part) => sum + part.ms, 0)));
}

/** All the CPU per unit, summed within each round: the whole machine's cost of one unit. */
export function totalCpuSpread(runs: readonly PartRun[]): Spread {
  return spreadOf(runs.map((run) => run.cpu.reduce((sum, part) => sum + part.ms, 0)));
}

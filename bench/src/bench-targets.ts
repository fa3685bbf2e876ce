import type { BenchFigures } from "./bench-figures.js";
import { CHROMIUM_AND_REST } from "./part-cpu-meters.js";
import { ownCpuSpread, ratioSpread } from "./round-spreads.js";
import { memoryChange } from "./service-memory.js";
import { trendChange } from "./service-memory-trend.js";
import { formatSpread, type Spread } from "./spread.js";

/** The p99 bound at each share of the median sustained rate; the latency runs are these. */
export const LATENCY_TARGETS = [
  { share: 0.5, p99Ms: 100 },
  { share: 0.8, p99Ms: 250 },
] as const;

export const TARGETS = {
  /** CPU of our own processes (everything in (d) but Chromium) per invoice. */
  ownCpuMs: 10,
  ca: 0.95,
  da: 0.8,
  rendererMemoryGrowth: 0.1,
  /** Another service's memory, last quarter of the pipeline phase over the first; as the renderer's, a leak shows past it. */
  serviceMemoryGrowth: 0.1,
} as const;

export interface TargetCheck {
  name: string;
  figure: string;
  target: string;
  met: boolean;
}

/** "half the sustained rate", "80% of the sustained rate". */
export const ofSustainedRate = (share: number) =>
  share === 0.5 ? "half the sustained rate" : `${(share * 100).toFixed(0)}% of the sustained rate`;
const percent = (fraction: number) => `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)}%`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Every target of issue 16, each judged on the median of its rounds where it has rounds. */
export function targetChecks(f: BenchFigures): TargetCheck[] {
  const ownCpu = ownCpuSpread(f.rounds.d, CHROMIUM_AND_REST);
  const ratio = (name: string, spread: Spread, least: number): TargetCheck => ({
    name: `${name}, median of per-round ratios`,
    figure: formatSpread(spread, 3),
    target: `≥ ${least}`,
    met: spread.median >= least,
  });
  const settings = [...new Set(f.e.map((m) => m.setting))];
  return [
    {
      name: "CPU of our own processes per invoice (d)",
      figure: formatSpread(ownCpu, 1, " ms"),
      target: `≤ ${TARGETS.ownCpuMs} ms`,
      met: ownCpu.median <= TARGETS.ownCpuMs,
    },
    ratio("d/a", ratioSpread(f.rounds.d, f.rounds.a), TARGETS.da),
    ratio("c/a", ratioSpread(f.rounds.c, f.rounds.a), TARGETS.ca),
    ...LATENCY_TARGETS.map(({ share, p99Ms }): TargetCheck => {
      const run = f.latency.find((l) => l.share === share);
      return {
        name: `p99 CompletePayment→READY at ${ofSustainedRate(share)}`,
        figure: run ? formatSpread(run.p99, 0, " ms") : "not measured",
        target: `≤ ${p99Ms} ms`,
        met: run !== undefined && run.p99.median <= p99Ms,
      };
    }),
    ...settings.map((setting): TargetCheck => {
      const runs = f.e.filter((m) => m.setting === setting);
      const [first, last] = [runs[0]!, runs.at(-1)!];
      const growth = memoryChange({ startBytes: first.bytes, endBytes: last.bytes });
      return {
        name: `renderer memory ${last.renders} vs ${first.renders} renders, ${setting}`,
        figure: percent(growth),
        target: `≤ +${TARGETS.rendererMemoryGrowth * 100}%`,
        met: growth <= TARGETS.rendererMemoryGrowth,
      };
    }),
    ...f.serviceMemory.services.map((memory): TargetCheck => {
      const growth = trendChange(memory);
      return {
        name: `${memory.name} memory, last vs first quarter of the pipeline phase`,
        figure: `${mib(memory.firstQuarterBytes)} → ${mib(memory.lastQuarterBytes)} (medians), ${percent(growth)}`,
        target: `≤ +${TARGETS.serviceMemoryGrowth * 100}%`,
        met: growth <= TARGETS.serviceMemoryGrowth,
      };
    }),
  ];
}

import { median } from "./load-loops.js";
import { memoryChange } from "./service-memory.js";

// A Node heap grows until a collection and then drops, so a reading taken once says where that
// cycle was, not whether memory creeps up. Medians over the first and the last quarter of
// readings taken all through the phase look past the cycles; a leak moves both of them.

/** One reading of every sampled service, with how many invoices had been issued by then. */
export interface MemorySample {
  /** Bytes by service, in the order the services were named. */
  bytes: Record<string, number>;
  invoices: number;
  atMs: number;
}

/** One service over the phase: the figures its target is judged on. */
export interface ServiceMemoryTrend {
  name: string;
  firstQuarterBytes: number;
  lastQuarterBytes: number;
  maxBytes: number;
}

/** The services' memory over the pipeline phase, as the report prints it. */
export interface ServiceMemoryPhase {
  samples: number;
  seconds: number;
  /** Issued in the whole phase. */
  invoices: number;
  /** Issued between the middles of the first and last quarters, where the medians sit. */
  invoicesBetweenQuarters: number;
  services: ServiceMemoryTrend[];
}

/** Medians of the first and the last quarter of `values`; with fewer than four, of the first and the last value. */
export function quarterMedians(values: readonly number[]): { first: number; last: number } {
  const quarter = Math.max(1, Math.floor(values.length / 4));
  return { first: median(values.slice(0, quarter)), last: median(values.slice(-quarter)) };
}

export function serviceMemoryPhase(samples: readonly MemorySample[]): ServiceMemoryPhase {
  const names = Object.keys(samples[0]?.bytes ?? {});
  const invoices = quarterMedians(samples.map((sample) => sample.invoices));
  return {
    samples: samples.length,
    seconds: samples.length < 2 ? 0 : (samples.at(-1)!.atMs - samples[0]!.atMs) / 1_000,
    invoices: samples.length < 2 ? 0 : samples.at(-1)!.invoices - samples[0]!.invoices,
    invoicesBetweenQuarters: samples.length < 2 ? 0 : invoices.last - invoices.first,
    services: names.map((name) => {
      const bytes = samples.map((sample) => sample.bytes[name] ?? 0);
      const { first, last } = quarterMedians(bytes);
      return { name, firstQuarterBytes: first, lastQuarterBytes: last, maxBytes: Math.max(...bytes) };
    }),
  };
}

/** Growth from the first quarter's median to the last's, as a fraction (0.1 = +10%). */
export const trendChange = (trend: ServiceMemoryTrend): number =>
  memoryChange({ startBytes: trend.firstQuarterBytes, endBytes: trend.lastQuarterBytes });

/**
 * The same growth in MiB per 1,000 invoices issued between the quarters' middles: what a leak
 * per invoice would cost. Undefined when none were issued between them.
 */
export function mibPerThousandInvoices(trend: ServiceMemoryTrend, invoicesBetweenQuarters: number): number | undefined {
  if (invoicesBetweenQuarters <= 0) return undefined;
  return ((trend.lastQuarterBytes - trend.firstQuarterBytes) / 2 ** 20 / invoicesBetweenQuarters) * 1_000;
}

import { median } from "./load-loops.js";

/**
 * One figure over interleaved rounds. A single number hides how much the machine's noise moved
 * it; min and max beside the median say whether a difference between two figures is real.
 */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** "median (min–max)", the unit after the median only, so the range stays readable. */
export function formatSpread(spread: Spread, digits: number, unit = ""): string {
  const n = (value: number) => value.toFixed(digits);
  return `${n(spread.median)}${unit} (${n(spread.min)}–${n(spread.max)})`;
}

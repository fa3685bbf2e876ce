import type { Timing } from "./bench-settings.js";
import { median } from "./load-loops.js";

/**
 * Each part at each level, the parts alternating level by level and round by round so a noisy
 * moment hits both alike; the median rate per level, and the best level, of each part.
 */
export async function concurrencySweep<Part extends string>(
  rounds: number,
  levels: readonly number[],
  timing: Timing,
  parts: Record<Part, (level: number, timing: Timing) => Promise<{ perSecond: number }>>,
  log: (line: string) => void,
): Promise<Record<Part, { byLevel: Map<number, number>; best: number }>> {
  const names = Object.keys(parts) as Part[];
  const rates = new Map(names.map((name) => [name, new Map(levels.map((level) => [level, [] as number[]]))]));
  for (let round = 1; round <= rounds; round++) {
    for (const level of levels) {
      const line: string[] = [];
      for (const name of names) {
        const { perSecond } = await parts[name](level, timing);
        rates.get(name)!.get(level)!.push(perSecond);
        line.push(`${name} ${perSecond.toFixed(1)}/s`);
      }
      log(`sweep round ${round}, ${level} at once: ${line.join(", ")}`);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const byLevel = new Map([...rates.get(name)!].map(([level, r]) => [level, median(r)]));
      const [best] = [...byLevel].reduce((x, y) => (y[1] > x[1] ? y : x));
      return [name, { byLevel, best }];
    }),
  ) as Record<Part, { byLevel: Map<number, number>; best: number }>;
}

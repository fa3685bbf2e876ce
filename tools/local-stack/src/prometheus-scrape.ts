/** A service's Prometheus text, fetched the way a scraper would (GET /metrics on its logged metrics_port). */
export async function scrapeMetrics(metricsPort: unknown): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${String(metricsPort)}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`GET /metrics on port ${String(metricsPort)} answered ${response.status}`);
  return response.text();
}

/**
 * The value of `name` in the first series whose labels include every one of `labels` (in any
 * order: prom-client promises none, and the registry adds `service` to each); NaN when there
 * is no such series yet.
 */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return Number.NaN;
}

/** One sample straight from a service's endpoint: scrapeMetrics then sampleOf. */
export async function scrapeSample(metricsPort: unknown, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sampleOf(await scrapeMetrics(metricsPort), name, labels);
}

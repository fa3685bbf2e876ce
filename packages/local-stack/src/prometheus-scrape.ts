/**
 * One sample from a service's Prometheus endpoint (GET /metrics on its logged metrics_port):
 * the first line of `name` carrying every label given, in any order (prom-client promises
 * none). NaN when no such sample is there.
 */
export async function scrapeSample(metricsPort: unknown, name: string, labels: string[] = []): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${String(metricsPort)}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.every((label) => l.includes(label)));
  return Number(line?.split(" ").at(-1) ?? "NaN");
}

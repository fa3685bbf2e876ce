import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";

export interface ProbeResult {
  answered: number;
  /** Probes that threw, timed out or answered false. */
  failed: number;
  medianMs: number;
  maxMs: number;
}

/** A kubelet-style check of a server's grpc.health: SERVING within 2 s. */
export function healthCheck(url: string): () => Promise<boolean> {
  const health = createClient(Health, createGrpcTransport({ baseUrl: url }));
  return async () => (await health.check({}, { timeoutMs: 2_000 })).status === HealthCheckResponse_ServingStatus.SERVING;
}

/** Runs `probe` every `everyMs` until `until` settles; what a caller saw while a fault lasted. */
export async function probeWhile(probe: () => Promise<boolean>, until: Promise<unknown>, everyMs = 200): Promise<ProbeResult> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  const latencies: number[] = [];
  let failed = 0;
  while (!done) {
    const started = performance.now();
    if (!(await probe().catch(() => false))) failed++;
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  latencies.sort((a, b) => a - b);
  return {
    answered: latencies.length - failed,
    failed,
    medianMs: latencies[Math.floor(latencies.length / 2)] ?? NaN,
    maxMs: latencies.at(-1) ?? NaN,
  };
}

export const formatProbe = (r: ProbeResult) =>
  `${r.answered}/${r.answered + r.failed} answered, median ${r.medianMs.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms`;

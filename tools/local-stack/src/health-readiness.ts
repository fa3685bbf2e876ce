import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { readFileSync } from "node:fs";
import type { ServiceName } from "./service-process.js";

/**
 * When a started service counts as ready, from its grpc.health.v1 answer for the whole server:
 *
 * - "serving": it answers SERVING. The order service does so even while NATS is down (payments
 *   go to the outbox), the renderer once its browser runs.
 * - "answering": it answers at all, SERVING or NOT_SERVING. The invoice service and the notifier
 *   report NOT_SERVING while a durable consumer of theirs is not consuming (consumer-health.ts),
 *   which is also what a start while NATS is down looks like: their servers are up, and tests
 *   that start them then (start-without-nats.e2e.test.ts) must get them.
 */
export type Readiness = "serving" | "answering";

export const DEFAULT_READINESS: Record<ServiceName, Readiness> = {
  order: "serving",
  renderer: "serving",
  invoice: "answering",
  notifier: "answering",
};

/**
 * A client certificate the service accepts, for asking its health over mutual TLS. Files, read
 * at each check: a renewal replaces them in place, and a restart must present the renewed set.
 */
export interface HealthClientTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface HealthTarget {
  port: number;
  /** With it, over TLS on `port`; without it, in plaintext (h2c). */
  tls?: HealthClientTls;
}

/** What one Health/Check answered: a status, or why there was none yet (refused, timed out). */
export type HealthAnswer = { status: ServingStatus } | { error: string };

/** One Health/Check, on a connection of its own that is closed after. */
export async function checkHealth(target: HealthTarget, timeoutMs = 2_000): Promise<HealthAnswer> {
  const baseUrl = `${target.tls ? "https" : "http"}://127.0.0.1:${target.port}`;
  const tls = target.tls;
  const sessionManager = new Http2SessionManager(
    baseUrl,
    undefined,
    tls ? { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : {},
  );
  try {
    const health = createClient(Health, createGrpcTransport({ baseUrl, sessionManager, defaultTimeoutMs: timeoutMs }));
    return { status: (await health.check({})).status };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    sessionManager.abort();
  }
}

export function isReady(answer: HealthAnswer, readiness: Readiness): boolean {
  if (!("status" in answer)) return false;
  return readiness === "answering"
    ? answer.status === ServingStatus.SERVING || answer.status === ServingStatus.NOT_SERVING
    : answer.status === ServingStatus.SERVING;
}

export function describeAnswer(answer: HealthAnswer | undefined): string {
  if (!answer) return "no answer";
  return "status" in answer ? (ServingStatus[answer.status] ?? String(answer.status)) : answer.error;
}

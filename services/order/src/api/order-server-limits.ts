import type { ServerLimits } from "@invoicing/service-kit/rpc";

/**
 * The order pod's limit is 384 Mi (deploy/k8s/base/order.yaml) and the process idles at about
 * 130 MB (Node, OpenTelemetry, SQLite, NATS). What callers can hold on top of that:
 * - a request is at most 1 MiB after inflation: the largest valid CreateOrder (500 lines of
 *   500 three-byte characters) is about 0.76 MB, measured in order-request-validation.test.ts;
 * - 64 unfinished requests × (1 MiB being assembled + a 64 KiB window unread) ≈ 68 MiB;
 * - 64 connections × 2 MB of HTTP/2 session memory ≈ 128 MiB at the very worst, an order
 *   answer being a few KiB;
 * so about 330 MB in the worst case, under 384 Mi; the hostile e2e test measures the peak.
 */
export const ORDER_SERVER_LIMITS: Partial<ServerLimits> = {
  maxRequestBytes: 1024 * 1024,
  maxUnfinishedRequests: 64,
  maxConcurrentStreams: 32,
  maxConnections: 32,
  maxSessionMemoryMb: 2,
};

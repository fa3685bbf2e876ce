import type { ServerLimits } from "@invoicing/service-kit/server-limits";

/**
 * The renderer pod's limit is 2 Gi (deploy/k8s/base/renderer.yaml), most of it Chromium's
 * (recycled past RENDER_RECYCLE_MEMORY_MB, 1024 by default); Node itself runs at about 150 MB.
 * - A request is at most 6 MiB after inflation: render-service.ts refuses HTML past 5 MiB with
 *   INVALID_ARGUMENT, and the rest is room for the page options and framing, so an oversized
 *   document still gets the message that names the html field.
 * - 16 unfinished requests × (6 MiB being assembled + a 64 KiB window) ≈ 97 MiB. The callers
 *   are the invoice replicas, each with INVOICE_MAX_IN_FLIGHT (8) renders at once.
 * - Answers are whole PDFs, written at once and queued while the caller reads them: 16 MB per
 *   session before new streams on it are refused, 32 connections ≈ 512 MiB at the very worst.
 * Worst case about 0.8 GB beside a browser under its 1 GB recycle bound: under 2 Gi.
 */
export const RENDERER_SERVER_LIMITS: Partial<ServerLimits> = {
  maxRequestBytes: 6 * 1024 * 1024,
  maxUnfinishedRequests: 16,
  maxConnections: 32,
  maxSessionMemoryMb: 16,
};

import type { ServerLimits } from "@invoicing/service-kit/rpc";

/**
 * The renderer pod's limit is 2 Gi (deploy/k8s/base/renderer.yaml), most of it Chromium's
 * (recycled past RENDER_RECYCLE_MEMORY_MB, 1024 by default); Node itself runs at about 150 MB.
 * - A request is at most twice the HTML cap (RENDER_MAX_HTML_KB, 2 MiB by default) plus 256 KiB
 *   after inflation (requestBytesFor): render-request.ts refuses HTML past its cap with
 *   INVALID_ARGUMENT, and the rest is room, so a document up to twice too big still gets the
 *   message that names the html field.
 * - 64 unfinished requests × (4.25 MiB being assembled + a 64 KiB window) ≈ 276 MiB. The callers
 *   are the invoice replicas, each with INVOICE_MAX_IN_FLIGHT (8) renders at once, and a burst
 *   of them arrives before any body is read: 16 refused two invoice replicas' ordinary load.
 *   64 is RENDER_QUEUE_LIMIT's default, what the pool would queue anyway.
 * - Answers are whole PDFs, written at once and queued while the caller reads them: 16 MB per
 *   session before new streams on it are refused, 32 connections ≈ 512 MiB at the very worst.
 * Worst case about 0.8 GB beside the browser, whose renders the memory watch keeps under
 * RENDER_MEMORY_LIMIT_MB: the pod's 2 Gi holds them only with that watch on.
 */
export const RENDERER_SERVER_LIMITS: Partial<ServerLimits> = {
  maxUnfinishedRequests: 64,
  maxConnections: 32,
  maxSessionMemoryMb: 16,
};

/** The request limit for an HTML cap: the document plus room for the options and framing. */
export const requestBytesFor = (maxHtmlBytes: number) => 2 * maxHtmlBytes + 256 * 1024;

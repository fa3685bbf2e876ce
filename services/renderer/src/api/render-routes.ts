import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  RenderPdfResponseSchema,
  RenderService,
  type RenderPdfRequest,
} from "@invoicing/contracts/invoicing/render/v1/render_pb";
import type { PagePool } from "../pool/page-pool.js";
import type { PdfOptions } from "../pool/print-step.js";
import {
  PoolClosedError,
  QueueFullError,
  RenderMemoryError,
  RenderTimeoutError,
  TooManyPagesError,
} from "../rendering/render-errors.js";
import type { RendererMetrics } from "../renderer-metrics.js";

const CSS_LENGTH = /^\d+(\.\d+)?(mm|cm|in|px|pt)$/;

export function renderRoutes(pool: PagePool, metrics: RendererMetrics, limits: { maxHtmlBytes: number }) {
  return (router: ConnectRouter) =>
    router.service(RenderService, {
      async renderPdf(req) {
        const options = validate(req, limits.maxHtmlBytes);
        const started = performance.now();
        try {
          const result = await pool.render(req.html, options);
          metrics.renderSeconds.observe({ outcome: "ok" }, result.renderMillis / 1000);
          return create(RenderPdfResponseSchema, {
            pdf: result.pdf,
            pageCount: result.pageCount,
            renderMillis: result.renderMillis,
            queueMillis: result.queueMillis,
          });
        } catch (error) {
          const connectError = toConnectError(error);
          metrics.renderSeconds.observe({ outcome: Code[connectError.code] }, (performance.now() - started) / 1000);
          throw connectError;
        }
      },
    });
}

function validate(req: RenderPdfRequest, maxHtmlBytes: number): PdfOptions {
  // Before anything else: trimming a document of megabytes is work too.
  const bytes = Buffer.byteLength(req.html);
  if (bytes > maxHtmlBytes) {
    // INVALID_ARGUMENT, not RESOURCE_EXHAUSTED: the document itself is refused, and the
    // invoice service retries RESOURCE_EXHAUSTED on another replica, which would refuse it too.
    throw new ConnectError(`html: must be at most ${maxHtmlBytes} bytes (RENDER_MAX_HTML_KB), got ${bytes}`, Code.InvalidArgument);
  }
  if (req.html.trim() === "") {
    throw new ConnectError("html: must not be empty", Code.InvalidArgument);
  }
  const page = req.page;
  const format = page?.format || "A4";
  if (format !== "A4" && format !== "Letter") {
    throw new ConnectError(`page.format: must be "A4" or "Letter", got "${format}"`, Code.InvalidArgument);
  }
  const margin: NonNullable<PdfOptions["margin"]> = {};
  for (const side of ["top", "right", "bottom", "left"] as const) {
    const key = `margin${side[0]!.toUpperCase()}${side.slice(1)}` as
      | "marginTop"
      | "marginRight"
      | "marginBottom"
      | "marginLeft";
    const value = page?.[key] ?? "";
    if (value === "") continue;
    if (!CSS_LENGTH.test(value)) {
      throw new ConnectError(`page.${key.replace(/[A-Z]/, (c) => `_${c.toLowerCase()}`)}: must be a CSS length such as "12mm", got "${value}"`, Code.InvalidArgument);
    }
    margin[side] = value;
  }
  return {
    format,
    landscape: page?.landscape ?? false,
    ...(Object.keys(margin).length > 0 ? { margin } : {}),
  };
}

function toConnectError(error: unknown): ConnectError {
  if (error instanceof QueueFullError) {
    // The depth is in the message (and the metric): the caller's retry goes to another replica.
    return new ConnectError(`${error.message}; retry another replica`, Code.ResourceExhausted);
  }
  // Limits a document ran into while it rendered; the page and every other render go on.
  if (error instanceof TooManyPagesError || error instanceof RenderMemoryError) {
    return new ConnectError(error.message, Code.ResourceExhausted);
  }
  if (error instanceof RenderTimeoutError) return new ConnectError(error.message, Code.DeadlineExceeded);
  if (error instanceof PoolClosedError) return new ConnectError(error.message, Code.Unavailable);
  // A browser that died mid-render is replaced; the caller may retry.
  return new ConnectError(`render failed: ${String(error)}`, Code.Unavailable);
}

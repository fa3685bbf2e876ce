import { create } from "@bufbuild/protobuf";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import { RenderPdfResponseSchema, RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import type { DocumentRenderer } from "../rendering/document-renderer.js";
import type { RendererMetrics } from "../renderer-metrics.js";
import { toConnectError } from "./render-error-codes.js";
import { validateRenderRequest } from "./render-request.js";

export function renderRoutes(renderer: DocumentRenderer, metrics: RendererMetrics, limits: { maxHtmlBytes: number }) {
  return (router: ConnectRouter) =>
    router.service(RenderService, {
      async renderPdf(req) {
        const options = validateRenderRequest(req, limits.maxHtmlBytes);
        const started = performance.now();
        try {
          const result = await renderer.render(req.html, options);
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

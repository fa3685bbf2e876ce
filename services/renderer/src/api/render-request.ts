import { Code, ConnectError } from "@connectrpc/connect";
import type { RenderPdfRequest } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import type { PdfOptions } from "../rendering/document-renderer.js";

const CSS_LENGTH = /^\d+(\.\d+)?(mm|cm|in|px|pt)$/;

/** The print options of a request, or INVALID_ARGUMENT naming the field that is wrong. */
export function validateRenderRequest(req: RenderPdfRequest, maxHtmlBytes: number): PdfOptions {
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
    const key = `margin${side[0]!.toUpperCase()}${side.slice(1)}` as "marginTop" | "marginRight" | "marginBottom" | "marginLeft";
    const value = page?.[key] ?? "";
    if (value === "") continue;
    if (!CSS_LENGTH.test(value)) {
      throw new ConnectError(
        `page.${key.replace(/[A-Z]/, (c) => `_${c.toLowerCase()}`)}: must be a CSS length such as "12mm", got "${value}"`,
        Code.InvalidArgument,
      );
    }
    margin[side] = value;
  }
  return {
    format,
    landscape: page?.landscape ?? false,
    ...(Object.keys(margin).length > 0 ? { margin } : {}),
  };
}

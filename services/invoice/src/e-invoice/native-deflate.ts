import { deflateSync } from "node:zlib";
import type { PDFDocument } from "@cantoo/pdf-lib";

/**
 * Makes pdf-lib compress the streams it writes into `pdf` (the attached XML) with Node's zlib
 * instead of pako, its JavaScript deflate: the same format (a zlib stream under FlateDecode),
 * at a fraction of the CPU. pako was a tenth of the invoice service's samples per document.
 */
export function useNativeDeflate(pdf: PDFDocument): void {
  const context = pdf.context;
  context.flateStream = (contents, dict = {}) =>
    context.stream(deflateSync(typeof contents === "string" ? Buffer.from(contents, "latin1") : contents), {
      ...dict,
      Filter: "FlateDecode",
    });
}

import { withContentSecurityPolicy } from "../rendering/hostile-input-policy.js";
import type { PdfOptions } from "../rendering/document-renderer.js";
import { TooManyPagesError } from "../rendering/render-errors.js";
import type { PagePrinter } from "./page-printer.js";
import { printParameters } from "./print-parameters.js";

/**
 * Writes the document into the page and prints it, at most `maxPages + 1` pages
 * (print-parameters.ts): a document that would print thousands of pages costs the PDF of
 * `maxPages + 1` and is refused.
 */
export async function printDocument(
  printer: PagePrinter,
  html: string,
  options: PdfOptions,
  maxPages: number,
): Promise<{ pdf: Buffer; pageCount: number }> {
  const pdf = await printer.print(withContentSecurityPolicy(html), printParameters(options, maxPages));
  const pageCount = countPages(pdf);
  if (pageCount > maxPages) throw new TooManyPagesError(maxPages);
  return { pdf, pageCount };
}

/** Page objects in a Chromium PDF (the page tree's leaves, not the /Pages nodes). */
export function countPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

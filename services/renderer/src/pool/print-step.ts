import type { Page } from "playwright-core";
import { withContentSecurityPolicy } from "../rendering/hostile-input-policy.js";
import type { PdfOptions } from "../rendering/document-renderer.js";
import { TooManyPagesError } from "../rendering/render-errors.js";

/**
 * Writes the document into the page and prints it. Chromium is asked for one page more than
 * the limit and no more (it caps a range at the document's end), so a document that would
 * print thousands of pages costs the PDF of `maxPages + 1` and is refused.
 */
export async function printDocument(
  page: Page,
  html: string,
  options: PdfOptions,
  maxPages: number,
): Promise<{ pdf: Buffer; pageCount: number }> {
  await page.setContent(withContentSecurityPolicy(html), { waitUntil: "load" });
  const pdf = await page.pdf({
    format: options.format,
    landscape: options.landscape,
    printBackground: true,
    preferCSSPageSize: true,
    pageRanges: `1-${maxPages + 1}`,
    ...(options.margin ? { margin: options.margin } : {}),
  });
  const pageCount = countPages(pdf);
  if (pageCount > maxPages) throw new TooManyPagesError(maxPages);
  return { pdf, pageCount };
}

/** Page objects in a Chromium PDF (the page tree's leaves, not the /Pages nodes). */
export function countPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

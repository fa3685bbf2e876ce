import type { PdfOptions } from "../rendering/document-renderer.js";

// What Chromium's Page.printToPDF is asked, from a request's print options. The values are
// those Playwright's page.pdf() sent for the same options (paper sizes, no header or footer,
// scale 1, margins 0 unless given, no tagged PDF, no outline), so the PDFs are the same; CSS
// lengths are converted here, pt included, which Playwright's conversion did not know.

/** Paper sizes in inches, as Playwright's PagePaperFormats. */
const PAPER: Record<PdfOptions["format"], { width: number; height: number }> = {
  A4: { width: 8.27, height: 11.7 },
  Letter: { width: 8.5, height: 11 },
};

const INCHES_PER_UNIT: Record<string, number> = { in: 1, cm: 1 / 2.54, mm: 1 / 25.4, pt: 1 / 72, px: 1 / 96 };

export interface PrintParameters {
  paperWidth: number;
  paperHeight: number;
  landscape: boolean;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
  pageRanges: string;
  printBackground: true;
  preferCSSPageSize: true;
  displayHeaderFooter: false;
  scale: 1;
  generateTaggedPDF: false;
  generateDocumentOutline: false;
}

/**
 * Chromium is asked for one page more than the limit and no more (it caps a range at the
 * document's end), so a document that would print thousands of pages costs `maxPages + 1`.
 */
export function printParameters(options: PdfOptions, maxPages: number): PrintParameters {
  const paper = PAPER[options.format];
  return {
    paperWidth: paper.width,
    paperHeight: paper.height,
    landscape: options.landscape,
    marginTop: inches(options.margin?.top),
    marginRight: inches(options.margin?.right),
    marginBottom: inches(options.margin?.bottom),
    marginLeft: inches(options.margin?.left),
    pageRanges: `1-${maxPages + 1}`,
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: false,
    scale: 1,
    generateTaggedPDF: false,
    generateDocumentOutline: false,
  };
}

/** A CSS length the API has validated ("12mm", "0.5in", "10pt", "40px") in inches; none is 0. */
export function inches(length: string | undefined): number {
  if (!length) return 0;
  const match = /^(\d+(?:\.\d+)?)(mm|cm|in|px|pt)$/.exec(length);
  if (!match) throw new Error(`not a CSS length: ${length}`);
  return Number(match[1]) * INCHES_PER_UNIT[match[2]!]!;
}

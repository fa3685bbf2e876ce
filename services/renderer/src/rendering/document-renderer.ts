// What rendering means to the rest of the service: HTML in, PDF out, under the hostile-input
// policy. The API needs only this port; the Chromium pool (pool/) is its one adapter, so
// routes can be read, and tested, without a browser in mind.

/** How the document is printed, already validated by the API. */
export interface PdfOptions {
  format: "A4" | "Letter";
  landscape: boolean;
  margin?: { top?: string; right?: string; bottom?: string; left?: string };
}

export interface RenderResult {
  pdf: Buffer;
  pageCount: number;
  /** From a page being free to the PDF being printed. */
  renderMillis: number;
  /** Waiting for a page. */
  queueMillis: number;
}

/**
 * Renders one document. Fails with the errors of render-errors.ts (the queue is full, the
 * deadline passed, a limit was reached, shutting down), or anything else when the browser
 * failed under the render.
 */
export interface DocumentRenderer {
  render(html: string, options: PdfOptions): Promise<RenderResult>;
}

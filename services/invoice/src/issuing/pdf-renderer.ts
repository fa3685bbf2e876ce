/** A PDF as the render pool returned it. */
export interface RenderedPdf {
  pdf: Uint8Array;
  renderMillis: number;
}

/** What issuing needs from the render pool: HTML in, PDF out. */
export interface PdfRenderer {
  renderPdf(html: string): Promise<RenderedPdf>;
  close(): void;
}

/**
 * A render that did not give a PDF. The adapter that talks to the pool decides `permanent`,
 * since only it can read the pool's answer: true when the renderer refused the document itself
 * (every replica would answer the same), false for anything worth another attempt.
 */
export class RenderFailed extends Error {
  override name = "RenderFailed";
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

// Why a render did not produce a PDF, as the pool reports it; api/render-error-codes.ts maps each to a
// gRPC code.

export class QueueFullError extends Error {
  constructor(readonly depth: number) {
    super(`render queue is full (${depth} waiting)`);
  }
}

export class RenderTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`render did not finish within ${timeoutMs} ms`);
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super("renderer is shutting down");
  }
}

/** The document prints to more pages than RENDER_MAX_PAGES allows. */
export class TooManyPagesError extends Error {
  constructor(readonly maxPages: number) {
    super(`html: the document prints to more than ${maxPages} pages (RENDER_MAX_PAGES)`);
  }
}

/** The render's Chromium process was stopped for holding too much memory (see memory-watch.ts). */
export class RenderMemoryError extends Error {
  constructor(readonly reason: string) {
    super(`html: the render was stopped, ${reason}`);
  }
}

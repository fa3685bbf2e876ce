import { Code, ConnectError } from "@connectrpc/connect";
import { PoolClosedError, QueueFullError, RenderMemoryError, RenderTimeoutError, TooManyPagesError } from "../rendering/render-errors.js";

/**
 * The gRPC answer to a render that failed. The code tells the invoice service what to do:
 * RESOURCE_EXHAUSTED and UNAVAILABLE are retried (another replica, a replaced browser),
 * DEADLINE_EXCEEDED is the document's own doing.
 */
export function toConnectError(error: unknown): ConnectError {
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

import { status } from "@grpc/grpc-js";

/**
 * Whether the renderer refused the document itself. Everything else (busy, restarting, a pod
 * gone mid-call, which grpc-js may report as INTERNAL or UNKNOWN) is worth another attempt.
 */
export function isRefusal(code: status, message: string): boolean {
  if (code === status.INVALID_ARGUMENT || code === status.FAILED_PRECONDITION) return true;
  // The document itself is too big: more bytes than any renderer reads (readMaxBytes), more
  // pages than RENDER_MAX_PAGES, or more memory than one render may take
  // (RENDER_PAGE_MEMORY_MB). The same bytes fail the same way on every replica. A render
  // stopped because the whole renderer was full, or refused by a busy one, is worth retrying.
  return code === status.RESOURCE_EXHAUSTED && /readMaxBytes|RENDER_MAX_PAGES|RENDER_PAGE_MEMORY_MB/.test(message);
}

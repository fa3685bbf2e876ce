import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  DocumentFormat,
  GetInvoiceDocumentResponseSchema,
  GetInvoicePdfResponseSchema,
  GetInvoiceResponseSchema,
  InvoiceService,
  InvoiceStatus,
  ListInvoicesResponseSchema,
  WatchInvoiceResponseSchema,
  type Invoice,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { InvoiceChanges } from "../issuing/invoice-changes.js";
import { InvalidPageTokenError, type InvoiceStore } from "../issuing/invoice-store.js";
import type { PdfStore } from "../issuing/pdf-store.js";
import { requireOneKey, sourceFor, type DocumentKey } from "./document-key.js";
import { invalidArgument, notFound } from "./request-errors.js";
import { chunked, readyDocuments } from "./ready-documents.js";
import { WatchSlots, type WatchLimits } from "./watch-limits.js";

const DOCUMENT_FORMATS = Object.values(DocumentFormat)
  .filter((name): name is string => typeof name === "string" && name !== "UNSPECIFIED")
  .map((name) => `DOCUMENT_FORMAT_${name}`)
  .join(", ");
/** How often a watcher re-reads the store, for changes made by another replica. */
const WATCH_REREAD_MS = 500;

const isFinal = (invoice: Invoice) => invoice.status === InvoiceStatus.READY || invoice.status === InvoiceStatus.FAILED;

export function invoiceRoutes(deps: {
  store: InvoiceStore;
  pdfs: PdfStore;
  changes: InvoiceChanges;
  onDamagedPdf?: (invoice: Invoice) => void;
  watches: WatchLimits;
  /** Shared by every router built from these deps; passed in so tests can read it. */
  watchSlots?: WatchSlots;
}) {
  const { store, changes } = deps;
  const documents = readyDocuments(deps);

  /** The document in `format`, in chunks, with its media type and file name. */
  const documentFile = async (invoice: Invoice, format: DocumentFormat) => {
    if (format === DocumentFormat.FACTUR_X_PDF || format === DocumentFormat.FACTUR_X_XML) {
      const { pdf, cii } = await documents.facturX(invoice);
      return format === DocumentFormat.FACTUR_X_PDF
        ? { mediaType: "application/pdf", fileName: `${invoice.number}.pdf`, chunks: pdf }
        : { mediaType: "application/xml", fileName: `${invoice.number}-factur-x.xml`, chunks: [...chunked(cii)] };
    }
    const xml = await documents.xrechnungFile(invoice, format);
    return { ...xml, chunks: [...chunked(xml.bytes)] };
  };
  const watchSlots = deps.watchSlots ?? new WatchSlots(deps.watches);

  const lookup = async (key: DocumentKey) => (key.invoiceId ? store.get(key.invoiceId) : store.getBySource(sourceFor(key)));

  return (router: ConnectRouter) =>
    router.service(InvoiceService, {
      async getInvoice(req) {
        requireOneKey(req);
        const invoice = await lookup(req);
        if (!invoice) throw notFound(req);
        return create(GetInvoiceResponseSchema, { invoice });
      },

      async listInvoices(req) {
        if (!req.customerId) throw invalidArgument("customer_id: must be set");
        if (req.pageSize < 0 || req.pageSize > 100) throw invalidArgument("page_size: must be 0..100");
        try {
          const page = await store.listByCustomer(req.customerId, req.pageSize || 20, req.pageToken || undefined);
          return create(ListInvoicesResponseSchema, {
            invoices: page.invoices,
            nextPageToken: page.nextPageToken ?? "",
          });
        } catch (error) {
          if (error instanceof InvalidPageTokenError) throw invalidArgument(error.message);
          throw error;
        }
      },

      async *getInvoicePdf(req) {
        const invoice = await documents.ready(req.invoiceId);
        for (const chunk of await documents.pdfChunks(invoice)) yield create(GetInvoicePdfResponseSchema, { chunk });
      },

      async *getInvoiceDocument(req) {
        if (!DocumentFormat[req.format] || req.format === DocumentFormat.UNSPECIFIED) {
          throw invalidArgument(`format: must be one of ${DOCUMENT_FORMATS}, got ${req.format}`);
        }
        const invoice = await documents.ready(req.invoiceId);
        const file = await documentFile(invoice, req.format);
        for (const [index, chunk] of file.chunks.entries()) {
          yield create(
            GetInvoiceDocumentResponseSchema,
            index === 0 ? { mediaType: file.mediaType, fileName: file.fileName, chunk } : { chunk },
          );
        }
      },

      async *watchInvoice(req, ctx) {
        requireOneKey(req);
        const release = watchSlots.take();
        const capped = AbortSignal.timeout(deps.watches.maxWatchMs);
        const signal = AbortSignal.any([ctx.signal, capped]);
        try {
          let last: Invoice | undefined;
          while (!signal.aborted) {
            const current = await lookup(req);
            // An invoice id names a document that exists or never will. A payment or refund
            // may be recorded before its document, so those keep waiting.
            if (!current && !last && req.invoiceId) throw notFound(req);
            if (current && (!last || current.status !== last.status)) {
              last = current;
              yield create(WatchInvoiceResponseSchema, { invoice: current });
              if (isFinal(current)) return;
            }
            await changes.next(last ? last.invoiceId : sourceFor(req), WATCH_REREAD_MS, signal);
          }
          throw watchEnded(ctx.signal, deps.watches.maxWatchMs);
        } finally {
          release();
        }
      },
    });
}

/**
 * Why a watch stopped before its document was final: never an OK with no message, which a
 * caller would read as "done". The caller's deadline (Connect aborts the handler's signal
 * with DEADLINE_EXCEEDED) or the server shutting down give their own error; past the
 * server's own cap it is DEADLINE_EXCEEDED too, saying so; a caller who went away reads nothing.
 */
function watchEnded(callerSignal: AbortSignal, maxWatchMs: number): ConnectError {
  if (callerSignal.aborted) {
    return ConnectError.from(callerSignal.reason ?? new ConnectError("watch cancelled", Code.Canceled));
  }
  return new ConnectError(
    `watch reached this server's maximum of ${maxWatchMs} ms without a final status; watch again`,
    Code.DeadlineExceeded,
  );
}

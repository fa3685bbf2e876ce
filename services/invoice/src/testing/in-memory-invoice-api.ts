// The invoice API as a caller sees it, through Connect's in-memory router transport: the
// routes, codes and streaming are Connect's own, on the real embedded stores in a temp
// folder; only the network is left out.
import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceSchema, InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invoiceRoutes } from "../api/invoice-routes.js";
import type { WatchLimits } from "../api/watch-limits.js";
import { newDocumentId } from "../issuing/document-id.js";
import { InvoiceChanges } from "../issuing/invoice-changes.js";
import { pdfKey } from "../issuing/pdf-store.js";
import { FilePdfStore } from "../store/file-pdf-store.js";
import { SqliteInvoiceStore } from "../store/sqlite-invoice-store.js";

export function inMemoryInvoiceApi(watches: WatchLimits = { maxWatches: 16, maxWatchMs: 60_000 }) {
  const dir = mkdtempSync(join(tmpdir(), "invoice-api-"));
  const store = new SqliteInvoiceStore(join(dir, "invoice.sqlite"));
  const pdfs = new FilePdfStore(join(dir, "pdfs"));
  const changes = new InvoiceChanges();
  const damaged: Invoice[] = [];
  const routes = invoiceRoutes({ store, pdfs, changes, watches, onDamagedPdf: (invoice) => damaged.push(invoice) });
  const client = createClient(InvoiceService, createRouterTransport(routes));

  /** A PENDING invoice of `customerId`, numbered at `at`, as the issuer would have left it. */
  const pending = async (customerId = "c1", at = new Date()) =>
    (
      await store.createNumbered({
        invoice: create(InvoiceSchema, {
          invoiceId: newDocumentId(),
          paymentId: `pay_${randomUUID()}`,
          orderId: `ord_${randomUUID()}`,
          status: InvoiceStatus.PENDING,
          customer: { customerId, name: "Ada" },
          currency: "EUR",
          totals: { net: 1000n, tax: 190n, gross: 1190n },
        }),
        series: "API",
        clock: () => at,
      })
    ).invoice;

  /** A READY invoice whose stored PDF is `pdf`. */
  const ready = async (pdf: Uint8Array, customerId = "c1") => {
    const invoice = await pending(customerId);
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await pdfs.put(pdfKey(invoice.invoiceId, sha256), pdf);
    return store.markReady(invoice.invoiceId, { size: BigInt(pdf.byteLength), sha256, readyAt: new Date() });
  };

  return { client, store, pdfs, changes, damaged, dir, pending, ready, close: () => store.close() };
}

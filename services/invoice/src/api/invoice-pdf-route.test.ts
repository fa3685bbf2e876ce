import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceSchema, InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { FilePdfStore } from "../store/file-pdf-store.js";
import { InvoiceChanges } from "../issuing/invoice-changes.js";
import { invoiceRoutes } from "./invoice-routes.js";
import { pdfKey } from "../issuing/pdf-store.js";
import { SqliteInvoiceStore } from "../store/sqlite-invoice-store.js";

// GetInvoicePdf through Connect's in-memory transport, on the real embedded stores: a stored
// PDF is served only while it hashes to the invoice's SHA-256.
describe("GetInvoicePdf checks the stored bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "invoice-pdf-route-"));
  const store = new SqliteInvoiceStore(join(dir, "invoice.sqlite"));
  const pdfs = new FilePdfStore(join(dir, "pdfs"));
  const damaged: Invoice[] = [];
  const client = createClient(
    InvoiceService,
    createRouterTransport(invoiceRoutes({
      store,
      pdfs,
      changes: new InvoiceChanges(),
      watches: { maxWatches: 8, maxWatchMs: 60_000 },
      onDamagedPdf: (i) => damaged.push(i),
    })),
  );

  const readyWithPdf = async (pdf: Buffer) => {
    const { invoice } = await store.createNumbered({
      invoice: create(InvoiceSchema, { invoiceId: `inv_${randomUUID().replaceAll("-", "")}`, paymentId: `pay_${randomUUID()}`, status: InvoiceStatus.PENDING }),
      series: "T",
      clock: () => new Date(),
    });
    const sha256 = createHash("sha256").update(pdf).digest("hex");
    await pdfs.put(pdfKey(invoice.invoiceId, sha256), pdf);
    return store.markReady(invoice.invoiceId, { size: BigInt(pdf.length), sha256, readyAt: new Date() });
  };
  const fileOf = (invoice: Invoice) => join(dir, "pdfs", readdirSync(join(dir, "pdfs")).find((f) => f.startsWith(invoice.invoiceId))!);
  const fetch = async (invoiceId: string) => {
    const chunks: Uint8Array[] = [];
    for await (const part of client.getInvoicePdf({ invoiceId })) chunks.push(part.chunk);
    return Buffer.concat(chunks);
  };
  const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(200_000, 0x41), Buffer.from("\n%%EOF\n")]);

  let intact: Invoice;
  before(async () => {
    intact = await readyWithPdf(pdf);
  });

  it("streams an intact PDF whole", async () => {
    assert.ok((await fetch(intact.invoiceId)).equals(pdf));
  });

  for (const [what, damage] of [
    ["a flipped byte", (file: string) => writeFileSync(file, Buffer.concat([pdf.subarray(0, 1000), Buffer.from("B"), pdf.subarray(1001)]))],
    ["a truncated file", (file: string) => truncateSync(file, 50_000)],
  ] as const) {
    it(`answers DATA_LOSS for ${what}, sends no byte of it, and counts it`, async () => {
      const invoice = await readyWithPdf(pdf);
      damage(fileOf(invoice));
      const before = damaged.length;
      let bytes = 0;
      await assert.rejects(
        (async () => {
          for await (const part of client.getInvoicePdf({ invoiceId: invoice.invoiceId })) bytes += part.chunk.length;
        })(),
        (error: unknown) => ConnectError.from(error).code === Code.DataLoss && /is damaged/.test(ConnectError.from(error).rawMessage),
      );
      assert.equal(bytes, 0, "nothing of a damaged PDF is streamed");
      assert.equal(damaged.length, before + 1);
      assert.equal(damaged.at(-1)?.invoiceId, invoice.invoiceId);
    });
  }
});

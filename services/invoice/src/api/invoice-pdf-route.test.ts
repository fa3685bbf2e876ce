import { Code, ConnectError } from "@connectrpc/connect";
import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inMemoryInvoiceApi } from "../testing/in-memory-invoice-api.js";

// GetInvoicePdf through Connect's in-memory transport, on the real embedded stores: a stored
// PDF is served only while it hashes to the invoice's SHA-256.
describe("GetInvoicePdf checks the stored bytes", () => {
  const api = inMemoryInvoiceApi();
  after(() => api.close());
  const { client, store, damaged, dir } = api;
  const readyWithPdf = api.ready;
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

  const refusal = async (invoiceId: string) => {
    try {
      await fetch(invoiceId);
    } catch (error) {
      return ConnectError.from(error);
    }
    return assert.fail("the PDF was served");
  };

  it("answers NOT_FOUND for an invoice that does not exist, INVALID_ARGUMENT naming invoice_id for none", async () => {
    const missing = await refusal("inv_nobody");
    assert.equal(missing.code, Code.NotFound);
    assert.equal(missing.rawMessage, "invoice inv_nobody not found");
    const none = await refusal("");
    assert.equal(none.code, Code.InvalidArgument);
    assert.equal(none.rawMessage, "invoice_id: must be set");
  });

  it("answers FAILED_PRECONDITION while the invoice is not READY", async () => {
    const invoice = await api.pending();
    const pending = await refusal(invoice.invoiceId);
    assert.equal(pending.code, Code.FailedPrecondition);
    assert.equal(pending.rawMessage, `invoice ${invoice.invoiceId} is PENDING, its PDF is not ready`);
    await store.markFailed(invoice.invoiceId, "refused");
    assert.match((await refusal(invoice.invoiceId)).rawMessage, /is FAILED, its PDF is not ready/);
  });

  it("answers DATA_LOSS for a READY invoice whose PDF is gone", async () => {
    const invoice = await readyWithPdf(pdf);
    rmSync(fileOf(invoice));
    const gone = await refusal(invoice.invoiceId);
    assert.equal(gone.code, Code.DataLoss);
    assert.equal(gone.rawMessage, `PDF of ${invoice.invoiceId} is missing`);
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

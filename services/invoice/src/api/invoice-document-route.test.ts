import { Code, ConnectError } from "@connectrpc/connect";
import { DocumentFormat, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { eInvoiceXmlFile, facturXXml } from "../e-invoice/e-invoice-files.js";
import { sellerRecord } from "../issuing/document-seller.js";
import { finisherOnFakePorts, testSeller } from "../testing/fake-issuing-ports.js";
import { newInvoiceInput } from "../testing/sample-events.js";
import { invoiceRoutes } from "./invoice-routes.js";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { InvoiceChanges } from "../issuing/invoice-changes.js";
import { documentSource } from "../issuing/invoice-store.js";
import { PDFDocument } from "@cantoo/pdf-lib";
import { RenderFailed } from "../issuing/pdf-renderer.js";
import { pdfKey } from "../issuing/pdf-store.js";
import { createHash } from "node:crypto";

// GetInvoiceDocument through Connect's in-memory transport, on documents the finisher made
// (real embedded stores, fake renderer): the PDF is the stored hybrid, and every XML format
// is written from the record and its recorded seller, so it equals what the PDF carries.
describe("GetInvoiceDocument", () => {
  const ports = finisherOnFakePorts();
  after(() => ports.close());
  const routes = invoiceRoutes({
    store: ports.store,
    pdfs: ports.pdfs,
    changes: new InvoiceChanges(),
    watches: { maxWatches: 4, maxWatchMs: 10_000 },
  });
  const client = createClient(InvoiceService, createRouterTransport(routes));

  const fetch = async (invoiceId: string, format: DocumentFormat) => {
    const parts: Array<{ mediaType: string; fileName: string; chunk: Uint8Array }> = [];
    for await (const part of client.getInvoiceDocument({ invoiceId, format })) parts.push(part);
    return {
      mediaType: parts[0]?.mediaType,
      fileName: parts[0]?.fileName,
      laterHeaders: parts.slice(1).filter((p) => p.mediaType !== "" || p.fileName !== "").length,
      bytes: Buffer.concat(parts.map((p) => p.chunk)),
    };
  };
  const refusal = async (invoiceId: string, format: DocumentFormat) => {
    try {
      await fetch(invoiceId, format);
    } catch (error) {
      return ConnectError.from(error);
    }
    return assert.fail("the document was served");
  };
  const readyDocument = (): Promise<Invoice> => ports.finisher.finish(newInvoiceInput());

  it("serves the stored Factur-X PDF, byte for byte, with its media type and file name", async () => {
    const ready = await readyDocument();
    const served = await fetch(ready.invoiceId, DocumentFormat.FACTUR_X_PDF);
    assert.equal(served.mediaType, "application/pdf");
    assert.equal(served.fileName, `${ready.number}.pdf`);
    assert.ok(served.bytes.equals((await ports.storedPdf(ready))!));
  });

  it("writes each XML format from the record and the seller recorded on it, equal to what the PDF carries", async () => {
    const ready = await readyDocument();
    const attached = Buffer.from((await PDFDocument.load((await ports.storedPdf(ready))!)).getAttachments()[0]!.data);
    const cii = await fetch(ready.invoiceId, DocumentFormat.FACTUR_X_XML);
    assert.equal(cii.mediaType, "application/xml");
    assert.equal(cii.fileName, `${ready.number}-factur-x.xml`);
    assert.ok(cii.bytes.equals(attached), "the CII served is the CII inside the stored PDF");
    assert.equal(cii.bytes.toString("utf8"), await facturXXml(ready, testSeller));

    for (const [format, suffix, root] of [
      [DocumentFormat.XRECHNUNG_UBL, "xrechnung-ubl", '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'],
      [DocumentFormat.XRECHNUNG_CII, "xrechnung-cii", "<rsm:CrossIndustryInvoice"],
    ] as const) {
      const served = await fetch(ready.invoiceId, format);
      assert.equal(served.fileName, `${ready.number}-${suffix}.xml`);
      const text = served.bytes.toString("utf8");
      assert.ok(text.includes(root), `${suffix}: no ${root}`);
      assert.ok(text.includes(testSeller.name), `${suffix} names the recorded seller`);
      assert.ok(served.bytes.equals(Buffer.from((await eInvoiceXmlFile(ready, testSeller, format))!.bytes)));
    }
    assert.deepEqual(ready.seller, sellerRecord(testSeller));
  });

  it("answers FAILED_PRECONDITION for a document issued as a plain PDF before e-invoices, with no seller recorded", async () => {
    // As an old worker left it: numbered without a seller, a plain PDF stored under its hash.
    const input = newInvoiceInput();
    const { invoice } = await ports.store.createNumbered(input);
    const old = await PDFDocument.create();
    old.addPage();
    const plain = Buffer.from(await old.save());
    const sha256 = createHash("sha256").update(plain).digest("hex");
    await ports.pdfs.put(pdfKey(invoice.invoiceId, sha256), plain);
    await ports.store.markReady(invoice.invoiceId, { size: BigInt(plain.length), sha256, readyAt: new Date() });
    for (const format of [DocumentFormat.FACTUR_X_PDF, DocumentFormat.FACTUR_X_XML]) {
      const refused = await refusal(invoice.invoiceId, format);
      assert.equal(refused.code, Code.FailedPrecondition);
      assert.match(refused.rawMessage, /issued as a plain PDF, before e-invoices/);
    }
    const xrechnung = await refusal(invoice.invoiceId, DocumentFormat.XRECHNUNG_UBL);
    assert.equal(xrechnung.code, Code.FailedPrecondition);
    assert.match(xrechnung.rawMessage, /numbered before its seller was recorded/);
  });

  it("answers INVALID_ARGUMENT naming format or invoice_id, NOT_FOUND and FAILED_PRECONDITION as GetInvoicePdf does", async () => {
    const ready = await readyDocument();
    const unspecified = await refusal(ready.invoiceId, DocumentFormat.UNSPECIFIED);
    assert.equal(unspecified.code, Code.InvalidArgument);
    assert.match(unspecified.rawMessage, /^format: must be one of DOCUMENT_FORMAT_FACTUR_X_PDF, .*DOCUMENT_FORMAT_XRECHNUNG_CII, got 0$/);
    assert.equal((await refusal(ready.invoiceId, 99 as DocumentFormat)).code, Code.InvalidArgument);
    const noId = await refusal("", DocumentFormat.XRECHNUNG_UBL);
    assert.equal(noId.code, Code.InvalidArgument);
    assert.equal(noId.rawMessage, "invoice_id: must be set");
    assert.equal((await refusal("inv_nobody", DocumentFormat.XRECHNUNG_UBL)).code, Code.NotFound);

    const input = newInvoiceInput();
    ports.renderer.failures.push(new RenderFailed("renderer down", false));
    await assert.rejects(ports.finisher.finish(input));
    const pending = (await ports.store.getBySource(documentSource.invoice(input.invoice.paymentId)))!;
    const early = await refusal(pending.invoiceId, DocumentFormat.XRECHNUNG_CII);
    assert.equal(early.code, Code.FailedPrecondition);
    assert.match(early.rawMessage, /is PENDING/);
  });
});

import { InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, describe, it } from "node:test";
import { PDFDocument } from "@cantoo/pdf-lib";
import { facturXXml } from "../e-invoice/e-invoice-files.js";
import { FACTUR_X_FILE_NAME } from "../e-invoice/factur-x-pdf.js";
import { finisherOnFakePorts, testSeller } from "../testing/fake-issuing-ports.js";
import { newInvoiceInput } from "../testing/sample-events.js";
import { DocumentFinisher } from "./document-finisher.js";
import { newDocumentId } from "./document-id.js";
import { documentSource } from "./invoice-store.js";
import { DocumentRefused } from "./issuing-errors.js";
import { RenderFailed } from "./pdf-renderer.js";

const ports = finisherOnFakePorts();
after(() => ports.close());
const { finisher, store, renderer, publisher, moved, storedPdf } = ports;

const movesOf = (invoiceId: string) => moved.filter((d) => d.invoiceId === invoiceId).map((d) => InvoiceStatus[d.status]);
const publishedOf = (invoiceId: string) => publisher.published.filter((d) => d.invoiceId === invoiceId);

describe("DocumentFinisher", () => {
  it("numbers, renders, stores the PDF under its hash, marks READY and announces it", async () => {
    const input = newInvoiceInput();
    const calls = renderer.calls.length;
    const ready = await finisher.finish(input);
    assert.equal(ready.status, InvoiceStatus.READY);
    assert.equal(ready.number, `${input.series}-2026-000001`);
    assert.equal(renderer.calls.length, calls + 1);
    assert.ok(renderer.calls.at(-1)!.includes(ready.number), "the rendered HTML names the number");
    const pdf = await storedPdf(ready);
    assert.ok(pdf, "the PDF is stored");
    assert.equal(ready.pdfSha256, createHash("sha256").update(pdf).digest("hex"));
    assert.equal(ready.pdfSize, BigInt(pdf.length));
    assert.equal((await store.get(ready.invoiceId))?.status, InvoiceStatus.READY);
    // What is stored, hashed and mailed is the Factur-X hybrid, its XML from the same record.
    const attachments = (await PDFDocument.load(pdf)).getAttachments();
    assert.deepEqual(
      attachments.map((a) => a.name),
      [FACTUR_X_FILE_NAME],
    );
    assert.equal(Buffer.from(attachments[0]!.data).toString("utf8"), await facturXXml(ready, testSeller));
    assert.equal(ready.seller?.name, testSeller.name, "the seller is recorded on the document");
    assert.deepEqual(
      publishedOf(ready.invoiceId).map((d) => d.status),
      [InvoiceStatus.READY],
    );
    assert.deepEqual(movesOf(ready.invoiceId), ["PENDING", "READY"]);
  });

  it("refuses a document no e-invoice can describe, naming the field, and leaves it PENDING with its number", async () => {
    const input = newInvoiceInput();
    input.invoice.customer!.billingAddress!.countryCode = "";
    await assert.rejects(finisher.finish(input), (error: Error) => {
      assert.ok(error instanceof DocumentRefused);
      assert.match(error.message, /no Factur-X e-invoice could be made: .*IdentificationCode/);
      return true;
    });
    const stored = await store.getBySource(documentSource.invoice(input.invoice.paymentId));
    assert.equal(stored?.status, InvoiceStatus.PENDING);
    assert.equal(stored?.number, `${input.series}-2026-000001`);
  });

  it("retries, not refuses, a failure of the e-invoice step that is not the record's: the document stays PENDING and finishes next time", async () => {
    const input = newInvoiceInput();
    renderer.outputs.push(new TextEncoder().encode("not a PDF at all"));
    await assert.rejects(finisher.finish(input), (error: Error) => !(error instanceof DocumentRefused));
    const stored = await store.getBySource(documentSource.invoice(input.invoice.paymentId));
    assert.equal(stored?.status, InvoiceStatus.PENDING);
    assert.equal((await finisher.finish(input)).status, InvoiceStatus.READY);
  });

  it("finishes a document with the seller recorded when it was numbered, though the configured seller changed since", async () => {
    const input = newInvoiceInput();
    renderer.failures.push(new RenderFailed("renderer unavailable", false));
    await assert.rejects(finisher.finish(input), /renderer unavailable/);
    const renamed = { ...testSeller, name: "Renamed Seller AG" };
    const ready = await new DocumentFinisher({ ...ports.deps, seller: renamed }).finish(input);
    assert.equal(ready.seller?.name, testSeller.name);
    assert.ok(renderer.calls.at(-1)!.includes(testSeller.name), "the page prints the recorded seller");
    const xml = Buffer.from((await PDFDocument.load((await storedPdf(ready))!)).getAttachments()[0]!.data).toString("utf8");
    assert.ok(xml.includes(testSeller.name) && !xml.includes(renamed.name), "the XML names the recorded seller");
  });

  it("does not render a READY document again, and announces it again (a crash may have come before)", async () => {
    const input = newInvoiceInput();
    const first = await finisher.finish(input);
    const calls = renderer.calls.length;
    const again = await finisher.finish({ ...input, invoice: { ...input.invoice, invoiceId: newDocumentId() } });
    assert.equal(renderer.calls.length, calls, "not rendered again");
    assert.equal(again.invoiceId, first.invoiceId);
    assert.equal(again.number, first.number);
    assert.equal(again.pdfSha256, first.pdfSha256);
    assert.equal(publishedOf(first.invoiceId).length, 2);
    assert.deepEqual(movesOf(first.invoiceId), ["PENDING", "READY"], "no status moved twice");
  });

  it("raises DocumentRefused for a render the renderer refuses, and leaves the document PENDING with its number", async () => {
    const input = newInvoiceInput();
    renderer.failures.push(new RenderFailed("render failed: INVALID_ARGUMENT html: larger than 2048 KiB", true));
    await assert.rejects(finisher.finish(input), (error: unknown) => {
      assert.ok(error instanceof DocumentRefused, `got ${String(error)}`);
      assert.equal(error.message, "render failed: INVALID_ARGUMENT html: larger than 2048 KiB");
      return true;
    });
    const document = await store.getBySource(documentSource.invoice(input.invoice.paymentId));
    assert.equal(document?.status, InvoiceStatus.PENDING);
    assert.equal(document?.number, `${input.series}-2026-000001`, "a failed render never gives its number back");
    assert.deepEqual(publishedOf(document.invoiceId), []);
  });

  it("lets an outage through as it is, and finishes on the next attempt under the same number", async () => {
    const input = newInvoiceInput();
    const outage = new RenderFailed("render failed: UNAVAILABLE No connection established", false);
    renderer.failures.push(outage);
    await assert.rejects(finisher.finish(input), (error: unknown) => error === outage);
    const ready = await finisher.finish(input);
    assert.equal(ready.status, InvoiceStatus.READY);
    assert.equal(ready.number, `${input.series}-2026-000001`);
  });

  it("marks a document FAILED with the reason, and a FAILED one stays FAILED when refused again", async () => {
    const input = newInvoiceInput();
    renderer.failures.push(new RenderFailed("render failed: INVALID_ARGUMENT bad page", true));
    await assert.rejects(finisher.finish(input), DocumentRefused);
    const source = documentSource.invoice(input.invoice.paymentId);
    const failed = await finisher.fail(source, "render failed: INVALID_ARGUMENT bad page");
    assert.equal(failed?.status, InvoiceStatus.FAILED);
    assert.equal(failed?.failureReason, "render failed: INVALID_ARGUMENT bad page");
    renderer.failures.push(new RenderFailed("render failed: INVALID_ARGUMENT bad page", true));
    await assert.rejects(finisher.finish(input), DocumentRefused);
    assert.equal((await store.getBySource(source))?.status, InvoiceStatus.FAILED);
    assert.deepEqual(movesOf(failed.invoiceId), ["PENDING", "FAILED"]);
  });

  it("finishes a FAILED document once its cause is fixed (a replayed dead letter), keeping its number", async () => {
    const input = newInvoiceInput();
    renderer.failures.push(new RenderFailed("render failed: INVALID_ARGUMENT bad page", true));
    await assert.rejects(finisher.finish(input), DocumentRefused);
    const failed = await finisher.fail(documentSource.invoice(input.invoice.paymentId), "refused");
    const ready = await finisher.finish(input);
    assert.equal(ready.status, InvoiceStatus.READY);
    assert.equal(ready.invoiceId, failed?.invoiceId);
    assert.equal(ready.number, failed?.number);
    assert.equal(ready.failureReason, "");
  });

  it("keeps a READY document READY when a late dead letter marks it FAILED", async () => {
    const input = newInvoiceInput();
    const ready = await finisher.finish(input);
    const after = await finisher.fail(documentSource.invoice(input.invoice.paymentId), "late");
    assert.equal(after?.status, InvoiceStatus.READY);
    assert.equal((await store.get(ready.invoiceId))?.status, InvoiceStatus.READY);
    assert.deepEqual(movesOf(ready.invoiceId), ["PENDING", "READY"]);
  });

  it("answers undefined when failing a source that has no document", async () => {
    assert.equal(await finisher.fail(documentSource.invoice("pay_never_seen"), "invalid"), undefined);
  });

  it("leaves a READY document to be announced again when the announcement fails", async () => {
    const input = newInvoiceInput();
    publisher.failures.push(new Error("nats: timeout"));
    await assert.rejects(finisher.finish(input), /nats: timeout/);
    const document = await store.getBySource(documentSource.invoice(input.invoice.paymentId));
    assert.equal(document?.status, InvoiceStatus.READY, "the PDF stands");
    const calls = renderer.calls.length;
    await finisher.finish(input);
    assert.equal(renderer.calls.length, calls);
    assert.equal(publishedOf(document.invoiceId).length, 1);
  });
});

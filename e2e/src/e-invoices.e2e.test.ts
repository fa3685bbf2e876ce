import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  DocumentFormat,
  DocumentKind,
  InvoiceService,
  InvoiceStatus,
  type Invoice,
} from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { type CreateOrderRequestSchema, OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { EInvoiceKind } from "@invoicing/einvoice-validator/einvoice-kind";
import { validateEInvoices } from "@invoicing/einvoice-validator/validate-einvoice";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

// The documents the running pipeline issues, fetched as a caller would over GetInvoiceDocument,
// judged by Mustang's validator (veraPDF for PDF/A-3, the EN 16931 and XRechnung Schematron).
describe("the pipeline's e-invoices pass the reference validator", { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "invoicing-e-invoices-"));
  let stack: LocalStack;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    stack = await startLocalStack({ dataDir: join(dir, "data") });
    orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
  });
  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finalState(key: { paymentId?: string; refundId?: string }): Promise<Invoice> {
    let last: Invoice | undefined;
    for await (const change of invoices.watchInvoice(key, { timeoutMs: 60_000 })) last = change.invoice;
    assert.equal(last?.status, InvoiceStatus.READY, `${JSON.stringify(key)} ended ${last && InvoiceStatus[last.status]}`);
    return last!;
  }

  async function fetchDocument(invoiceId: string, format: DocumentFormat) {
    const parts = [];
    for await (const part of invoices.getInvoiceDocument({ invoiceId, format })) parts.push(part);
    return { fileName: parts[0]?.fileName ?? "", bytes: Buffer.concat(parts.map((part) => part.chunk)) };
  }

  const formats: Array<[DocumentFormat, EInvoiceKind]> = [
    [DocumentFormat.FACTUR_X_PDF, "factur-x-pdf"],
    [DocumentFormat.XRECHNUNG_UBL, "xrechnung-ubl"],
    [DocumentFormat.XRECHNUNG_CII, "xrechnung-cii"],
  ];

  // A domestic sale at two standard rates, and a reverse-charge service to a French business:
  // the order service takes each, the invoice service issues it, numbers and all.
  const reverseCharge = (): MessageInitShape<typeof CreateOrderRequestSchema> => ({
    customer: {
      customerId: "cust-lumiere",
      name: "Atelier Lumière SARL",
      email: "compta@atelier-lumiere.example",
      vatId: "FR32123456789",
      buyerReference: "PO-2026-0042",
      billingAddress: { line1: "4 quai des Chartrons", postalCode: "33000", city: "Bordeaux", countryCode: "FR" },
    },
    items: [
      {
        description: "Audit de sécurité",
        quantity: 2n,
        unitPrice: 95_000n,
        taxRateBps: 0,
        unitCode: "DAY",
        taxCategory: TaxCategory.REVERSE_CHARGE,
        taxExemptionReason: "Autoliquidation, article 196 de la directive 2006/112/CE",
      },
      {
        description: "Rapport imprimé",
        quantity: 1n,
        unitPrice: 4_000n,
        taxRateBps: 0,
        taxCategory: TaxCategory.REVERSE_CHARGE,
        taxExemptionReason: "Autoliquidation, article 196 de la directive 2006/112/CE",
      },
    ],
    currency: "EUR",
    locale: "fr-FR",
  });

  it("invoices and credit notes of a domestic and a reverse-charge sale, each as Factur-X PDF/A-3 and as XRechnung UBL and CII", async (t) => {
    const documents: Invoice[] = [];
    for (const request of [sampleOrder("Grace Hopper"), reverseCharge()]) {
      const { order } = await orders.createOrder(request);
      const paymentId = `pay_${randomUUID()}`;
      await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
      const invoice = await finalState({ paymentId });
      const refundId = `ref_${randomUUID()}`;
      await orders.refundPayment({ paymentId, refundId, lines: [{ itemIndex: 0, quantity: 1n }], reason: "returned" });
      const note = await finalState({ refundId });
      assert.equal(note.kind, DocumentKind.CREDIT_NOTE);
      documents.push(invoice, note);
    }
    const french = pdfText((await fetchDocument(documents[2]!.invoiceId, DocumentFormat.FACTUR_X_PDF)).bytes);
    assert.ok(french.includes("Autoliquidation: Autoliquidation, article 196"), `the reverse-charge invoice states it:\n${french}`);

    const files: Array<{ path: string; kind: EInvoiceKind }> = [];
    for (const document of documents) {
      for (const [format, kind] of formats) {
        const { fileName, bytes } = await fetchDocument(document.invoiceId, format);
        if (format === DocumentFormat.FACTUR_X_PDF) {
          assert.equal(createHash("sha256").update(bytes).digest("hex"), document.pdfSha256, "the PDF served is the one stored and mailed");
          assert.ok(pdfText(bytes).includes(document.number), `${fileName} prints its number`);
        }
        const path = join(dir, fileName);
        writeFileSync(path, bytes);
        files.push({ path, kind });
      }
    }

    const { results, wallMillis } = await validateEInvoices(files);
    t.diagnostic(`${files.length} documents validated in ${wallMillis} ms (one JVM)`);
    for (const [index, result] of results.entries()) {
      const { path, kind } = files[index]!;
      t.diagnostic(`${path.split("/").pop()} (${kind}): ${result.valid ? "valid" : "INVALID"}, Mustang ${result.validatorVersion}`);
      assert.deepEqual(
        { valid: result.valid, errors: result.errors.map((e) => `${e.ruleId}: ${e.message}`), pdfa: result.pdfaFailures },
        { valid: true, errors: [], pdfa: [] },
        `${path} as ${kind}`,
      );
    }
  });
});

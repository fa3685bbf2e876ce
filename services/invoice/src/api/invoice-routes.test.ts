import { Code, ConnectError } from "@connectrpc/connect";
import { DocumentKind } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import { newDocumentId } from "../issuing/document-id.js";
import { inMemoryInvoiceApi } from "../testing/in-memory-invoice-api.js";

const api = inMemoryInvoiceApi();
after(() => api.close());
const { client } = api;

/** The error a call ended with, as a caller reads it. */
async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  assert.fail("the call succeeded");
}

describe("GetInvoice", () => {
  it("finds a document by its id and by its payment", async () => {
    const invoice = await api.pending();
    assert.equal((await client.getInvoice({ invoiceId: invoice.invoiceId })).invoice?.number, invoice.number);
    assert.equal((await client.getInvoice({ paymentId: invoice.paymentId })).invoice?.invoiceId, invoice.invoiceId);
  });

  it("finds a credit note by its refund, not the payment's invoice", async () => {
    const invoice = await api.pending();
    const { invoice: note } = await api.store.createNumbered({
      invoice: { ...invoice, invoiceId: newDocumentId(), number: "", kind: DocumentKind.CREDIT_NOTE, refundId: "ref_routes" },
      series: "APICN",
      clock: () => new Date(),
    });
    assert.equal((await client.getInvoice({ refundId: "ref_routes" })).invoice?.invoiceId, note.invoiceId);
    assert.equal((await client.getInvoice({ paymentId: invoice.paymentId })).invoice?.invoiceId, invoice.invoiceId);
  });

  it("answers NOT_FOUND naming what was asked for", async () => {
    const byId = await refusal(client.getInvoice({ invoiceId: "inv_nobody" }));
    assert.equal(byId.code, Code.NotFound);
    assert.equal(byId.rawMessage, "invoice inv_nobody not found");
    const byPayment = await refusal(client.getInvoice({ paymentId: "pay_nobody" }));
    assert.equal(byPayment.code, Code.NotFound);
    assert.equal(byPayment.rawMessage, "no invoice for payment pay_nobody");
    assert.equal((await refusal(client.getInvoice({ refundId: "ref_nobody" }))).rawMessage, "no credit note for refund ref_nobody");
  });

  it("answers INVALID_ARGUMENT naming invoice_id unless exactly one key is set", async () => {
    for (const [request, message] of [
      [{}, "invoice_id: one of invoice_id, payment_id or refund_id must be set"],
      [{ invoiceId: "inv_1", paymentId: "pay_1" }, "invoice_id: set only one of invoice_id, payment_id or refund_id"],
    ] as const) {
      const error = await refusal(client.getInvoice(request));
      assert.equal(error.code, Code.InvalidArgument);
      assert.equal(error.rawMessage, message);
    }
  });
});

describe("ListInvoices", () => {
  const customerId = `cust_${randomUUID()}`;
  const ids: string[] = [];
  const listed = async (pageSize: number) => {
    const pages: string[][] = [];
    let pageToken = "";
    do {
      const page = await client.listInvoices({ customerId, pageSize, pageToken });
      pages.push(page.invoices.map((invoice) => invoice.invoiceId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return pages;
  };

  it("pages through one customer's documents newest first, each once", async () => {
    for (let i = 0; i < 5; i++) ids.push((await api.pending(customerId, new Date(Date.UTC(2026, 0, 1 + i)))).invoiceId);
    await api.pending(`someone_else_${randomUUID()}`);
    assert.deepEqual(await listed(2), [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
    assert.deepEqual(await listed(0), [[...ids].reverse()], "page_size 0 means the default page, 20");
  });

  it("answers INVALID_ARGUMENT naming page_token for a token it did not issue or one altered", async () => {
    const { nextPageToken } = await client.listInvoices({ customerId, pageSize: 2 });
    assert.ok(nextPageToken, "a first page with more behind it");
    const decoded = Buffer.from(nextPageToken, "base64url").toString();
    for (const pageToken of [
      "garbage",
      nextPageToken.slice(0, -4),
      Buffer.from(decoded.replace(/^\[\d+/, "[1e400")).toString("base64url"),
      Buffer.from(decoded.replace(/^\[\d+/, '["1"')).toString("base64url"),
    ]) {
      const error = await refusal(client.listInvoices({ customerId, pageSize: 2, pageToken }));
      assert.equal(error.code, Code.InvalidArgument, pageToken);
      assert.equal(error.rawMessage, "page_token: not a token this service issued");
    }
  });

  it("answers INVALID_ARGUMENT naming customer_id or page_size", async () => {
    const missing = await refusal(client.listInvoices({ pageSize: 2 }));
    assert.equal(missing.code, Code.InvalidArgument);
    assert.equal(missing.rawMessage, "customer_id: must be set");
    for (const pageSize of [-1, 101]) {
      const error = await refusal(client.listInvoices({ customerId, pageSize }));
      assert.equal(error.code, Code.InvalidArgument);
      assert.equal(error.rawMessage, "page_size: must be 0..100");
    }
  });

  it("answers an empty list, with no token, for a customer with no documents", async () => {
    const page = await client.listInvoices({ customerId: `cust_${randomUUID()}` });
    assert.deepEqual(page.invoices, []);
    assert.equal(page.nextPageToken, "");
  });
});

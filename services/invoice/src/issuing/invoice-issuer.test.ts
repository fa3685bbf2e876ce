import { DocumentKind, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals } from "@invoicing/money";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import { finisherOnFakePorts } from "../testing/fake-issuing-ports.js";
import { paymentCompleted } from "../testing/sample-events.js";
import { InvoiceIssuer } from "./invoice-issuer.js";
import { documentSource } from "./invoice-store.js";
import { InvalidDocumentEvent } from "./issuing-errors.js";

const ports = finisherOnFakePorts();
after(() => ports.close());
const issuedOn = new Date(Date.UTC(2026, 10, 3, 8, 0));
/** Each test numbers in a series of its own, so "the first number" means something. */
const issuer = () => new InvoiceIssuer(ports.finisher, `I${randomUUID().slice(0, 6).toUpperCase()}`, () => issuedOn);

describe("InvoiceIssuer", () => {
  it("issues a READY invoice for a payment, priced and dated by the invoice service", async () => {
    const event = paymentCompleted();
    // An event's own timestamp (anyone could have written it) never dates or numbers anything.
    event.occurredAt = timestampFromDate(new Date(Date.UTC(2019, 0, 1)));
    const subject = issuer();
    const invoice = await subject.issue(event);
    assert.equal(invoice.status, InvoiceStatus.READY);
    assert.equal(invoice.kind, DocumentKind.INVOICE);
    assert.match(invoice.number, /^I[0-9A-F]{6}-2026-000001$/);
    assert.equal(timestampDate(invoice.issuedAt!).getTime(), issuedOn.getTime());
    assert.equal(invoice.paymentId, event.paymentId);
    assert.equal(invoice.orderId, event.order?.orderId);
    assert.equal(invoice.customer?.customerId, event.order?.customer?.customerId);
    assert.equal(invoice.traceId, event.traceId);
    assert.equal(invoice.totals?.gross, computeTotals(event.order!.items).gross);
    assert.equal(invoice.totals?.gross, event.amount);
  });

  it("issues one invoice for a payment delivered twice, rendered once", async () => {
    const event = paymentCompleted();
    const subject = issuer();
    const first = await subject.issue(event);
    const calls = ports.renderer.calls.length;
    const second = await subject.issue(event);
    assert.equal(second.invoiceId, first.invoiceId);
    assert.equal(second.number, first.number);
    assert.equal(ports.renderer.calls.length, calls);
  });

  for (const [field, breakIt] of [
    [
      "payment_id",
      (e: ReturnType<typeof paymentCompleted>) => {
        e.paymentId = "";
      },
    ],
    [
      "trace_id",
      (e: ReturnType<typeof paymentCompleted>) => {
        e.traceId = "not-hex";
      },
    ],
    [
      "order.customer.customer_id",
      (e: ReturnType<typeof paymentCompleted>) => {
        e.order!.customer!.customerId = "";
      },
    ],
    [
      "order.items[0].quantity",
      (e: ReturnType<typeof paymentCompleted>) => {
        e.order!.items[0]!.quantity = 0n;
      },
    ],
    [
      "amount",
      (e: ReturnType<typeof paymentCompleted>) => {
        e.amount += 1n;
      },
    ],
  ] as const) {
    it(`raises InvalidDocumentEvent naming ${field}, and spends no number on it`, async () => {
      const event = paymentCompleted();
      breakIt(event);
      const subject = issuer();
      const calls = ports.renderer.calls.length;
      await assert.rejects(subject.issue(event), (error: unknown) => {
        assert.ok(error instanceof InvalidDocumentEvent, `got ${String(error)}`);
        assert.ok(error.message.startsWith(`invalid PaymentCompleted: ${field}:`), error.message);
        return true;
      });
      assert.equal(ports.renderer.calls.length, calls, "nothing rendered");
      assert.match((await subject.issue(paymentCompleted())).number, /-2026-000001$/, "the series starts at 1 still");
    });
  }

  it("marks the payment's invoice FAILED when its event is dead-lettered, and knows no invoice for an unknown payment", async () => {
    const event = paymentCompleted();
    const subject = issuer();
    ports.renderer.failures.push(new Error("renderer down"));
    await assert.rejects(subject.issue(event), /renderer down/);
    const failed = await subject.fail(event.paymentId, "dead-lettered: render refused");
    assert.equal(failed?.status, InvoiceStatus.FAILED);
    assert.equal((await ports.store.getBySource(documentSource.invoice(event.paymentId)))?.failureReason, "dead-lettered: render refused");
    assert.equal(await subject.fail(`pay_${randomUUID()}`, "invalid"), undefined);
  });
});

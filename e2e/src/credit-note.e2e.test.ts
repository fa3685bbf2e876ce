import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PaymentCompletedSchema, PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DocumentKind, InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, OrderStatus, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { signedHeaders, signerOf } from "@invoicing/local-stack/event-keys";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually } from "@invoicing/local-stack/eventually";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import { startSmtpSink } from "./smtp-sink.js";

const traceId = () => randomUUID().replaceAll("-", "");

describe("refunds become credit notes", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let nc: NatsConnection;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-credit-")),
      smtpUrl: smtp.url,
      env: { INVOICE_ACK_WAIT_MS: "5000" },
    });
    nc = await stack.nats.connect();
    orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
  });

  after(async () => {
    await nc?.close();
    await stack?.stop();
    await smtp?.close();
  });

  /** Follows WatchInvoice to its final state. */
  async function finalState(key: { paymentId?: string; refundId?: string }): Promise<Invoice> {
    let last: Invoice | undefined;
    for await (const change of invoices.watchInvoice(key, { timeoutMs: 60_000 })) last = change.invoice;
    assert.ok(last, `no document for ${JSON.stringify(key)}`);
    return last;
  }

  it("issues a credit note per refund that corrects the invoice, mails it, and takes back no more than was paid", async () => {
    const { order } = await orders.createOrder(sampleOrder("Grace Hopper"));
    assert.ok(order);
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });
    const invoice = await finalState({ paymentId });
    assert.equal(invoice.status, InvoiceStatus.READY);

    // Two units of line 2 (net 2 x 89.99 at 19 %), for a reason the PDF prints escaped.
    const refundId = `ref_${randomUUID()}`;
    const refund = () => orders.refundPayment({ paymentId, refundId, lines: [{ itemIndex: 2, quantity: 2n }], reason: "gears <bent>" });
    const first = await refund();
    assert.equal(first.amount, 17_998n + 3_420n);
    assert.equal(first.items[0]?.description, order.items[2]?.description);
    assert.deepEqual(await refund(), first, "a retried refund returns its first result");

    const note = await finalState({ refundId });
    assert.equal(note.status, InvoiceStatus.READY);
    assert.equal(note.kind, DocumentKind.CREDIT_NOTE);
    assert.match(note.number, /^CN-\d{4}-\d{6}$/);
    assert.equal(note.creditedInvoiceId, invoice.invoiceId);
    assert.equal(note.creditedInvoiceNumber, invoice.number);
    assert.equal(note.totals?.gross, first.amount);
    assert.equal(note.traceId, first.traceId);
    const chunks: Uint8Array[] = [];
    for await (const part of invoices.getInvoicePdf({ invoiceId: note.invoiceId })) chunks.push(part.chunk);
    const text = pdfText(Buffer.concat(chunks));
    for (const expected of [`Rechnungskorrektur ${note.number}`, invoice.number, "gears <bent>", "Erstattet gesamt", "214,18"]) {
      assert.ok(text.includes(expected), `${expected} in the credit note:\n${text}`);
    }

    // The rest of the order, as a full refund: a second credit note, numbered next.
    const rest = await orders.refundPayment({ paymentId, refundId: `ref_${randomUUID()}` });
    assert.equal(rest.amount + first.amount, order.total);
    const second = await finalState({ refundId: rest.refundId });
    assert.equal(Number(second.number.slice(-6)), Number(note.number.slice(-6)) + 1);

    // Nothing is left to refund; a line past the order is the caller's mistake.
    await assert.rejects(orders.refundPayment({ paymentId, refundId: `ref_${randomUUID()}` }), (error: unknown) => {
      return ConnectError.from(error).code === Code.FailedPrecondition && /fully refunded/.test(String(error));
    });
    await assert.rejects(
      orders.refundPayment({ paymentId, refundId: `ref_${randomUUID()}`, lines: [{ itemIndex: 99, quantity: 1n }] }),
      (error: unknown) => ConnectError.from(error).code === Code.InvalidArgument && /lines\[0\]\.item_index/.test(String(error)),
    );
    await assert.rejects(orders.refundPayment({ paymentId, refundId: "" }), (error: unknown) => {
      return ConnectError.from(error).code === Code.InvalidArgument && /refund_id/.test(String(error));
    });

    // The invoice and both credit notes are mailed, each once.
    const wanted = [`Rechnung ${invoice.number}`, `Rechnungskorrektur ${note.number}`, `Rechnungskorrektur ${second.number}`];
    const seen = await eventually("three mails", () => {
      const subjects = smtp.mails.map((m) => m.subject ?? "").filter((s) => wanted.includes(s));
      return subjects.length >= 3 ? subjects : undefined;
    });
    assert.deepEqual(seen.sort(), [
      `Rechnung ${invoice.number}`,
      `Rechnungskorrektur ${note.number}`,
      `Rechnungskorrektur ${second.number}`,
    ]);

    // The invoice service counts what it moved, and how long payments waited for their PDFs.
    const invoiceMetrics = stack.services.invoice.metricsPort;
    assert.ok((await scrapeSample(invoiceMetrics, "invoicing_documents_total", { kind: "credit_note", status: "READY" })) >= 2);
    assert.ok((await scrapeSample(invoiceMetrics, "invoicing_documents_total", { kind: "invoice", status: "PENDING" })) >= 1);
    assert.ok((await scrapeSample(invoiceMetrics, "invoicing_payment_to_ready_seconds_count", { kind: "invoice" })) >= 1);
    // The notifier counts the three mails (recorded just after the SMTP server took them).
    const notifierMetrics = stack.services.notifier.metricsPort;
    await eventually("the notifier's count of sent mails", async () =>
      (await scrapeSample(notifierMetrics, "notifier_deliveries_total", { outcome: "sent", channel: "smtp" })) >= 3 ? true : undefined,
    );
    assert.ok((await scrapeSample(notifierMetrics, "notifier_ready_to_mail_seconds_count")) >= 3);
    assert.equal(await scrapeSample(notifierMetrics, "notifier_deliveries_total", { outcome: "failed" }), 0);
  });

  it("lets a refund that arrives before its invoice wait, then issues the credit note after the invoice", async () => {
    // The order service's outbox publishes a payment before its refund, so to see the other
    // order this test publishes the two events itself, refund first, as JetStream could
    // deliver them after a redelivery or with several relays.
    const { order } = await orders.createOrder(sampleOrder("Early Refund"));
    assert.ok(order);
    const paymentId = `pay_${randomUUID()}`;
    const refundId = `ref_${randomUUID()}`;
    const js = jetstream(nc);
    const refunded = create(PaymentRefundedSchema, {
      eventId: `payment-refunded:${refundId}`,
      occurredAt: timestampNow(),
      traceId: traceId(),
      refundId,
      paymentId,
      orderId: order.orderId,
      items: [order.items[0]!],
      amount: 149_900n + 28_481n,
      currency: order.currency,
      reason: "cancelled",
      totals: { net: 149_900n, tax: 28_481n, gross: 178_381n, taxLines: [{ rateBps: 1900, net: 149_900n, tax: 28_481n }] },
    });
    // Signed with the order service's key, as its relay would: the test stands in for a relay
    // that delivers the refund before the payment.
    const orderKey = signerOf(stack.eventKeys.order);
    const refundedSubject = `payments.refunded.${order.orderId}`;
    const refundedBytes = toBinary(PaymentRefundedSchema, refunded);
    await js.publish(refundedSubject, refundedBytes, {
      msgID: `refund:${refundId}`,
      headers: signedHeaders(orderKey, refundedSubject, refundedBytes),
    });

    // It is tried, and tried again, without an error or a dead letter, and without a number.
    const jsm = await jetstreamManager(nc);
    await eventually("the refund to be retried", async () =>
      (await jsm.consumers.info("PAYMENTS", "credit-note-issuer")).num_redelivered > 0 ? true : undefined,
    );
    await assert.rejects(invoices.getInvoice({ refundId }), (error: unknown) => ConnectError.from(error).code === Code.NotFound);
    const deadLetters = await jsm.streams.info("DEAD_LETTERS");
    const before = deadLetters.state.messages;

    const completed = create(PaymentCompletedSchema, {
      eventId: `payment-completed:${paymentId}`,
      occurredAt: timestampNow(),
      traceId: traceId(),
      paymentId,
      amount: order.total,
      method: PaymentMethod.CARD,
      order: { ...order, status: OrderStatus.PAID },
    });
    const completedSubject = `payments.completed.${order.orderId}`;
    const completedBytes = toBinary(PaymentCompletedSchema, completed);
    await js.publish(completedSubject, completedBytes, {
      msgID: paymentId,
      headers: signedHeaders(orderKey, completedSubject, completedBytes),
    });

    const note = await finalState({ refundId });
    const invoice = (await invoices.getInvoice({ paymentId })).invoice;
    assert.ok(invoice);
    assert.equal(note.status, InvoiceStatus.READY);
    assert.equal(note.creditedInvoiceNumber, invoice.number);
    assert.equal(note.totals?.gross, refunded.amount);
    assert.equal((await jsm.streams.info("DEAD_LETTERS")).state.messages, before, "no dead letter");
  });
});

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually } from "@invoicing/local-stack/eventually";
import { startSmtpSink } from "./smtp-sink.js";

// A restart during a NATS outage: every service comes up and serves what it can without the
// broker, the order service takes payments, and the invoices follow once NATS is back.
describe("services started while nats-server is down", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({ dataDir: mkdtempSync(join(tmpdir(), "invoicing-start-without-nats-")), smtpUrl: smtp.url });
  });

  after(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  it("start, serve and take payments, then issue and mail once NATS is back", async () => {
    await stack.nats.stop();
    const started = performance.now();
    for (const service of ["order", "invoice", "notifier"] as const) await stack.restartService(service);
    console.log(`# order, invoice and notifier restarted with NATS down in ${(performance.now() - started).toFixed(0)} ms`);

    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
    for (const url of [stack.orderUrl, stack.invoiceUrl]) {
      const health = createClient(Health, createGrpcTransport({ baseUrl: url }));
      assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING, url);
    }
    const { order } = await orders.createOrder(sampleOrder("Outage Customer"));
    const paymentId = `pay_${randomUUID()}`;
    const payment = await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
    assert.equal(payment.invoiceState, 1, "PENDING: the payment is taken");
    await assert.rejects(invoices.getInvoice({ paymentId }), (e: unknown) => ConnectError.from(e).code === Code.NotFound);

    await stack.restartNats();
    let last: Invoice | undefined;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 90_000 })) last = change.invoice;
    assert.equal(last?.status, InvoiceStatus.READY);
    await eventually("the mail", () => (smtp.mails.some((m) => m.subject?.includes(last!.number)) ? true : undefined), 60_000);
    assert.equal(smtp.mails.length, 1);
  });
});

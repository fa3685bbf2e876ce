import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { eventually } from "@invoicing/local-stack/eventually";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSmtpSink } from "./smtp-sink.js";

// The broker forgets its streams (and with them every durable consumer) under running
// services: each service creates what it needs again by itself and goes on, with no restart.
describe("streams and consumers deleted under running services", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let nc: NatsConnection;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({ dataDir: mkdtempSync(join(tmpdir(), "invoicing-streams-lost-")), smtpUrl: smtp.url });
    nc = await stack.nats.connect();
  });

  after(async () => {
    await nc?.close();
    await stack?.stop();
    await smtp?.close();
  });

  it("are created again, and the next payment is invoiced and mailed without a restart", async () => {
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
    const pay = async (name: string) => {
      const { order } = await orders.createOrder(sampleOrder(name));
      const paymentId = `pay_${randomUUID()}`;
      await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
      let last: Invoice | undefined;
      for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 90_000 })) last = change.invoice;
      return last;
    };
    assert.equal((await pay("Before"))?.status, InvoiceStatus.READY);
    await eventually("the first mail", () => (smtp.mails.length === 1 ? true : undefined));
    const pids = Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.process.pid]));

    const jsm = await jetstreamManager(nc);
    for (const stream of ["PAYMENTS", "INVOICES", "DEAD_LETTERS"]) await jsm.streams.delete(stream);
    const lost = performance.now();

    const after = await pay("After");
    assert.equal(after?.status, InvoiceStatus.READY);
    await eventually("the second mail", () => (smtp.mails.some((m) => m.subject?.includes(after!.number)) ? true : undefined), 60_000);
    console.log(`# all three streams deleted: the next payment READY and mailed ${(performance.now() - lost).toFixed(0)} ms later`);
    const durables = await Promise.all(
      [
        ["PAYMENTS", "invoice-generator"],
        ["PAYMENTS", "credit-note-issuer"],
        ["INVOICES", "notifier"],
      ].map(([stream, durable]) => jsm.consumers.info(stream!, durable!).then((info) => info.name)),
    );
    assert.deepEqual(durables, ["invoice-generator", "credit-note-issuer", "notifier"]);
    for (const url of [stack.invoiceUrl]) {
      const health = createClient(Health, createGrpcTransport({ baseUrl: url }));
      assert.equal((await health.check({})).status, HealthCheckResponse_ServingStatus.SERVING);
    }
    assert.deepEqual(
      Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.process.pid])),
      pids,
      "no service restarted",
    );
    assert.equal(smtp.mails.length, 2);
  });
});

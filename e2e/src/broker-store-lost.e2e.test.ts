import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { eventually } from "@invoicing/local-stack/eventually";
import { everyInvoiceReady } from "@invoicing/local-stack/invoice-lookup";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startSmtpSink } from "./smtp-sink.js";

// nats-server loses its whole store under load: streams, consumers, messages published and
// not yet consumed, and what the services were told was stored. Nothing an operator does:
// the services create the streams again, and the order service's reconciler publishes again
// every payment whose invoice was not reported delivered, so each is READY and mailed once.
const PAYMENTS = 24;
const LOST_AFTER = 8;

describe("the broker's store deleted under load", { timeout: 240_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-store-lost-")),
      smtpUrl: smtp.url,
      env: {
        ORDER_RECONCILE_AFTER_MS: "4000",
        ORDER_RECONCILE_INTERVAL_MS: "1000",
        INVOICE_ACK_WAIT_MS: "5000",
        NOTIFIER_ACK_WAIT_MS: "5000",
      },
    });
  });

  after(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  it("ends with every acknowledged payment READY and mailed exactly once", async () => {
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
    const pids = Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.process.pid]));
    const paid: Array<{ paymentId: string; email: string }> = [];
    for (let i = 0; i < PAYMENTS; i++) {
      if (i === LOST_AFTER) {
        // In the middle of the load: the broker dies and comes back with an empty store.
        await stack.nats.stop("SIGKILL");
        rmSync(stack.nats.storeDir, { recursive: true, force: true });
        await stack.restartNats();
      }
      const request = sampleOrder(`Store Lost ${i}`);
      const email = `buyer-${i}@example.com`;
      request.customer = { ...request.customer, email };
      const { order } = await orders.createOrder(request);
      const paymentId = `pay_${randomUUID()}`;
      await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
      paid.push({ paymentId, email });
      await sleep(50);
    }
    const lostAt = performance.now();
    await everyInvoiceReady(
      invoices,
      paid.map((p) => p.paymentId),
      120_000,
    );
    await eventually("a mail for every invoice", () => (smtp.mails.length >= PAYMENTS ? true : undefined), 120_000);
    await sleep(6_000); // a reconciliation pass or two more: room for a wrong second mail
    const recipients = smtp.mails.flatMap((m) => [m.to].flat().flatMap((to) => to?.value.map((a) => a.address) ?? []));
    assert.deepEqual(recipients.sort(), paid.map((p) => p.email).sort(), "each customer mailed once, nobody else");
    const republished = readFileSync(join(stack.logDir, "order.log"), "utf8")
      .split("\n")
      .filter((l) => l.includes("published again")).length;
    console.log(
      `# store deleted after ${LOST_AFTER} of ${PAYMENTS} payments: all READY and mailed once within ${((performance.now() - lostAt) / 1000).toFixed(1)} s of the last payment; ${republished} reconciliation passes republished events`,
    );
    assert.ok(republished > 0, "reconciliation had to republish");
    assert.deepEqual(
      Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.process.pid])),
      pids,
      "no service restarted",
    );
  });
});

import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { eventually } from "@invoicing/local-stack/eventually";
import { everyInvoiceReady } from "@invoicing/local-stack/invoice-lookup";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { formatProbe, healthCheck, probeWhile } from "./health-probe.js";
import { startSmtpSink } from "./smtp-sink.js";
import { holdWriteLock } from "./store-lock.js";

// Another process holds the write lock of one service's SQLite file for 30 s while payments
// keep coming: every server keeps answering health and reads throughout, writes wait without
// freezing anything, and afterwards every payment is READY and mailed exactly once. The ack
// waits are short (5 s) so that JetStream redelivers, several times, whatever is stuck behind
// the lock: the redeliveries must not turn into second invoices or second mails.
const LOCK_MS = 30_000;
const PAYMENT_EVERY_MS = 1_500;

describe("a store file locked for 30 s under load", { timeout: 600_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let dataDir: string;

  before(async () => {
    smtp = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), "invoicing-store-locked-"));
    stack = await startLocalStack({ dataDir, smtpUrl: smtp.url, env: { INVOICE_ACK_WAIT_MS: "5000", NOTIFIER_ACK_WAIT_MS: "5000" } });
  });

  after(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  for (const store of ["order", "invoice", "notifier"] as const) {
    it(`${store}.sqlite locked: health and reads answer, no payment lost, no invoice or mail twice`, async () => {
      const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
      const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
      const pay = async (i: number) => {
        const request = sampleOrder(`Locked ${store} ${i}`);
        const email = `${store}-${i}@example.com`;
        request.customer = { ...request.customer, email };
        const started = performance.now();
        const { order } = await orders.createOrder(request);
        const paymentId = `pay_${randomUUID()}`;
        await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
        return { orderId: order!.orderId, paymentId, email, ms: performance.now() - started };
      };
      const mailsBefore = smtp.mails.length;
      const reference = await pay(0); // a record to read while the lock is held

      // Payments before, during and after the lock, each one not waiting for the last.
      const paying: Array<ReturnType<typeof pay>> = [];
      const load = (async () => {
        for (let i = 1; i * PAYMENT_EVERY_MS <= LOCK_MS + 6_000; i++) {
          paying.push(pay(i));
          await sleep(PAYMENT_EVERY_MS);
        }
      })();
      await sleep(3_000);
      const lockedAt = performance.now();
      const lock = holdWriteLock(join(dataDir, `${store}.sqlite`), LOCK_MS);
      const notifierUrl = `http://127.0.0.1:${stack.services.notifier.port}`;
      const [orderHealth, invoiceHealth, notifierHealth, orderReads, invoiceReads] = await Promise.all([
        probeWhile(healthCheck(stack.orderUrl), lock),
        probeWhile(healthCheck(stack.invoiceUrl), lock),
        probeWhile(healthCheck(notifierUrl), lock),
        probeWhile(
          async () => (await orders.getOrder({ orderId: reference.orderId }, { timeoutMs: 2_000 })).order?.orderId === reference.orderId,
          lock,
        ),
        probeWhile(
          async () =>
            (await invoices.getInvoice({ paymentId: reference.paymentId }, { timeoutMs: 2_000 })).invoice?.status === InvoiceStatus.READY,
          lock,
        ),
      ]);
      const lockedMs = performance.now() - lockedAt;
      await load;
      const paid = [reference, ...(await Promise.all(paying))];

      const ready = await everyInvoiceReady(
        invoices,
        paid.map((p) => p.paymentId),
        120_000,
      );
      await eventually("a mail for every invoice", () => (smtp.mails.length - mailsBefore >= paid.length ? true : undefined), 120_000);
      await sleep(12_000); // past two more ack waits: room for a wrong redelivery to mail again

      console.log(
        `# ${store}.sqlite locked ${(lockedMs / 1000).toFixed(1)} s, ${paid.length} payments, slowest payment ${Math.max(...paid.map((p) => p.ms)).toFixed(0)} ms\n` +
          `#   health: order ${formatProbe(orderHealth)}; invoice ${formatProbe(invoiceHealth)}; notifier ${formatProbe(notifierHealth)}\n` +
          `#   reads: GetOrder ${formatProbe(orderReads)}; GetInvoice ${formatProbe(invoiceReads)}`,
      );
      for (const [what, probe] of Object.entries({ orderHealth, invoiceHealth, notifierHealth, orderReads, invoiceReads })) {
        assert.equal(probe.failed, 0, `${what} failed ${probe.failed} times during the lock`);
        assert.ok(probe.answered >= 30, `${what} answered only ${probe.answered} times in ${LOCK_MS} ms`);
      }
      const mails = smtp.mails.slice(mailsBefore);
      const recipients = mails.flatMap((m) => [m.to].flat().flatMap((to) => to?.value.map((a) => a.address) ?? []));
      assert.deepEqual(recipients.sort(), paid.map((p) => p.email).sort(), "each customer mailed once, nobody else");
      assert.equal(new Set(mails.map((m) => m.messageId)).size, mails.length, "one mail per Message-ID");
      assert.equal(new Set(ready.map((i) => i.number)).size, paid.length, "one number per payment");
    });
  }
});

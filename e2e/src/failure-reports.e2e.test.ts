import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { listDeadLetters } from "@invoicing/invoicectl/dead-letters";
import { eventually } from "@invoicing/local-stack/eventually";
import { invoiceOfPayment } from "@invoicing/local-stack/invoice-lookup";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.js";

// A document given up on for good is not republished. Reconciliation runs every 500 ms for
// events older than 4 s, so within seconds it would publish again anything not reported
// delivered, as the first step shows it does. Then two documents no retry can help:
// - an invoice the renderer refuses (more pages than RENDER_MAX_PAGES=1): the invoice service
//   dead-letters it and reports DocumentFailed;
// - a READY invoice whose recipient the mail server refuses with 550: the notifier
//   dead-letters it and reports DocumentFailed.
// Without the reports, each pass would republish both, the invoice service would render the
// first again and the notifier try the second again, and the dead letters would grow.
const RECONCILE_AFTER_MS = 4_000;
const REFUSED_RECIPIENT = "no-such-mailbox@example.com";

describe("failure reports: a document given up on is not republished", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: SmtpSink;
  let nc: NatsConnection;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    smtp = await startSmtpSink({ refuseRecipients: [REFUSED_RECIPIENT] });
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-failure-reports-e2e-")),
      smtpUrl: smtp.url,
      env: {
        RENDER_MAX_PAGES: "1",
        ORDER_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
        ORDER_RECONCILE_INTERVAL_MS: "500",
        INVOICE_ACK_WAIT_MS: "2000",
        NOTIFIER_ACK_WAIT_MS: "2000",
      },
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

  const orderMetric = (name: string, labels: Record<string, string> = {}) => scrapeSample(stack.services.order.metricsPort, name, labels);
  const republished = () => orderMetric("order_events_republished_total");

  async function pay(order: Parameters<typeof orders.createOrder>[0]): Promise<string> {
    const created = (await orders.createOrder(order)).order!;
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: created.orderId, paymentId, amount: created.total, method: PaymentMethod.CARD });
    return paymentId;
  }

  it("republishes a READY document nobody reported delivered (the reconciler is live)", async () => {
    await stack.services.notifier.stop();
    const paymentId = await pay(sampleOrder("Undelivered For Now"));
    await eventually(
      "the invoice to be READY",
      async () => (await invoiceOfPayment(invoices, paymentId))?.status === InvoiceStatus.READY || undefined,
      30_000,
    );
    await eventually("the reconciler to republish it", async () => ((await republished()) > 0 ? true : undefined), 30_000);
    await stack.restartService("notifier");
    await eventually("its mail", async () => smtp.mails.find((m) => m.text?.includes("Undelivered For Now")) ?? undefined, 60_000);
  });

  it("reports both give-ups, and neither is republished nor dead-lettered again", async () => {
    const manyLines = sampleOrder("Too Many Pages");
    manyLines.items = Array.from({ length: 150 }, (_, i) => ({
      description: `Line ${i + 1}`,
      quantity: 1n,
      unitPrice: 100n,
      taxRateBps: 1900,
    }));
    const refusedPage = await pay(manyLines);
    const refusedMail = sampleOrder("Refused Recipient");
    refusedMail.customer = { ...refusedMail.customer!, customerId: "cust-refused", email: REFUSED_RECIPIENT };
    const refusedRecipient = await pay(refusedMail);

    const failed = await eventually(
      "the oversized invoice to be FAILED",
      async () => {
        const invoice = await invoiceOfPayment(invoices, refusedPage);
        return invoice?.status === InvoiceStatus.FAILED ? invoice : undefined;
      },
      30_000,
    );
    assert.match(failed.failureReason, /RENDER_MAX_PAGES/);
    const ready = await eventually(
      "the refused recipient's invoice to be READY",
      async () => {
        const invoice = await invoiceOfPayment(invoices, refusedRecipient);
        return invoice?.status === InvoiceStatus.READY ? invoice : undefined;
      },
      30_000,
    );

    // Each give-up reaches the order service under its reporter's signature.
    await eventually(
      "both reports recorded",
      async () => {
        const [byInvoice, byNotifier] = await Promise.all([
          orderMetric("order_documents_given_up_total", { reporter: "invoice" }),
          orderMetric("order_documents_given_up_total", { reporter: "notifier" }),
        ]);
        return byInvoice === 1 && byNotifier === 1 ? true : undefined;
      },
      30_000,
    );
    const letters = await listDeadLetters(nc);
    assert.deepEqual(
      letters
        .map((l) => (l.reason.includes("RENDER_MAX_PAGES") ? "renderer" : l.reason.includes(REFUSED_RECIPIENT) ? "recipient" : l.reason))
        .sort(),
      ["recipient", "renderer"],
    );

    // Several passes past the age at which both would be republished.
    const republishedBefore = await republished();
    await sleep(RECONCILE_AFTER_MS * 2 + 2_000);
    assert.equal(await republished(), republishedBefore, "no event republished after the reports");
    assert.equal((await listDeadLetters(nc)).length, letters.length, "no new dead letter");
    assert.equal(smtp.mails.filter((m) => m.headers.get("x-invoice-id") === ready.invoiceId).length, 0);
    assert.equal((await invoiceOfPayment(invoices, refusedPage))?.status, InvoiceStatus.FAILED);
  });
});

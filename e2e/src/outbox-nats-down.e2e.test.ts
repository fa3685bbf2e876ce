import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { jetstreamManager } from "@nats-io/jetstream";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eventually } from "@invoicing/local-stack/eventually";
import { startSmtpSink } from "./smtp-sink.js";

// Short ack waits: a reply lost with the old server is redelivered in seconds, not the
// default 30 s, so a lost ack shows up (as a second mail) within this test.
const ACK_WAIT_MS = 3_000;

describe("payments while nats-server is down", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-nats-down-")),
      smtpUrl: smtp.url,
      env: { INVOICE_ACK_WAIT_MS: String(ACK_WAIT_MS), NOTIFIER_ACK_WAIT_MS: String(ACK_WAIT_MS) },
    });
    orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
  });

  after(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  const pay = async (buyer: string) => {
    const { order } = await orders.createOrder(sampleOrder(buyer));
    assert.ok(order);
    const paymentId = `pay_${randomUUID()}`;
    const started = performance.now();
    const payment = await orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });
    return { order, paymentId, payment, millis: performance.now() - started };
  };

  const watchUntilFinal = async (paymentId: string): Promise<Invoice | undefined> => {
    let last: Invoice | undefined;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 90_000 })) last = change.invoice;
    return last;
  };

  it("takes the payment, then issues and mails its invoice once nats-server is back, untouched", async () => {
    // One payment through the running system first, so the restarted server has a stream
    // and consumers with history to bring back from its store.
    const before = await pay("Before Outage");
    assert.equal((await watchUntilFinal(before.paymentId))?.status, InvoiceStatus.READY);
    const natsPort = stack.nats.port;
    await stack.nats.stop("SIGKILL");

    const during = await pay("During Outage");
    assert.equal(during.payment.invoiceState, 1, "PENDING while NATS is down");
    assert.ok(during.millis < 3_000, `the payment call took ${during.millis.toFixed(0)} ms with NATS down`);
    // Long enough for the outbox relay to fail and back off at least once.
    await sleep(2_000);
    await assert.rejects(
      invoices.getInvoice({ paymentId: during.paymentId }),
      (error: unknown) => ConnectError.from(error).code === Code.NotFound,
    );

    // The same port and store, as a supervisor restarting the broker would; nothing else.
    const nats = await stack.restartNats();
    assert.equal(nats.port, natsPort);

    const invoice = await watchUntilFinal(during.paymentId);
    assert.equal(invoice?.status, InvoiceStatus.READY, `ended ${invoice ? InvoiceStatus[invoice.status] : "without an invoice"}`);
    const byPayment = await invoices.getInvoice({ paymentId: during.paymentId });
    assert.equal(byPayment.invoice?.invoiceId, invoice.invoiceId);

    // The stream kept what it held before the outage: file storage survived the kill.
    const nc = await nats.connect();
    try {
      const jsm = await jetstreamManager(nc);
      const stream = await jsm.streams.info("PAYMENTS");
      assert.equal(stream.state.first_seq, 1);
      assert.equal(stream.state.messages, 2, "the payment from before the outage and the one during it");
    } finally {
      await nc.close();
    }

    // One mail for each invoice, the PDF attached; room for a wrong second one after lost acks.
    const mailFor = (id: string) => smtp.mails.filter((m) => m.headers.get("x-invoice-id") === id);
    await eventually("the mail", () => (mailFor(invoice.invoiceId).length > 0 ? true : undefined), 30_000);
    await sleep(2 * ACK_WAIT_MS);
    const mails = mailFor(invoice.invoiceId);
    assert.equal(mails.length, 1, "exactly one mail for the invoice paid during the outage");
    assert.equal(mails[0]!.attachments.length, 1);
    assert.equal(createHash("sha256").update(mails[0]!.attachments[0]!.content).digest("hex"), invoice.pdfSha256);
    assert.equal(smtp.mails.length, 2, "one mail per invoice in all");
  });
});

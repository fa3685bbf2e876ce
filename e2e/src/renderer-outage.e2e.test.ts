import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { listDeadLetters } from "@invoicing/invoicectl/dead-letters";
import { eventually } from "@invoicing/local-stack/eventually";
import { everyInvoiceReady, invoiceOfPayment } from "@invoicing/local-stack/invoice-lookup";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startSmtpSink } from "./smtp-sink.js";

// A renderer outage delays invoices and never fails them: every attempt in the outage is a
// transient failure, retried with capped backoff and no attempt limit. Shortened: 25 s of
// outage with a 1 s retry cap and render deadline gives each invoice a dozen attempts, past
// the ten after which they used to be dead-lettered and FAILED; with the default 30 s cap the
// same holds for an outage of any length.
const OUTAGE_MS = 25_000;
const PAYMENTS = 5;

/** The highest attempt number the invoice service logged a transient failure for. */
function transientAttempts(logFile: string): number {
  let highest = 0;
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes("transient failure, retrying")) continue;
    highest = Math.max(highest, Number((JSON.parse(line) as { attempt?: number }).attempt ?? 0));
  }
  return highest;
}

describe("a renderer outage", { timeout: 240_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let nc: NatsConnection;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-renderer-outage-")),
      smtpUrl: smtp.url,
      env: { INVOICE_RETRY_MAX_DELAY_MS: "1000", RENDER_DEADLINE_MS: "1000", INVOICE_ACK_WAIT_MS: "5000" },
    });
    nc = await stack.nats.connect();
  });

  after(async () => {
    await nc?.close();
    await stack?.stop();
    await smtp?.close();
  });

  it("leaves every invoice PENDING through it, none FAILED, and all READY and mailed once it ends", async () => {
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
    await stack.services.renderer.stop();
    const paymentIds: string[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const { order } = await orders.createOrder(sampleOrder(`Outage ${i}`));
      const paymentId = `pay_${randomUUID()}`;
      await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
      paymentIds.push(paymentId);
    }
    await sleep(OUTAGE_MS);
    const during = await Promise.all(paymentIds.map((id) => invoiceOfPayment(invoices, id)));
    assert.deepEqual(
      during.map((i) => i && InvoiceStatus[i.status]),
      paymentIds.map(() => "PENDING"),
      "numbered and waiting, none FAILED",
    );
    assert.deepEqual(await listDeadLetters(nc), [], "no dead letter for an outage");
    const jsm = await jetstreamManager(nc);
    const redelivered = (await jsm.consumers.info("PAYMENTS", "invoice-generator")).num_redelivered;
    assert.equal(redelivered, PAYMENTS, "every payment's event was tried again");
    // Past the ten attempts after which these were dead-lettered before.
    const attempts = transientAttempts(join(stack.logDir, "invoice.log"));
    assert.ok(attempts > 10, `attempts during the outage: ${attempts}`);

    const back = performance.now();
    await stack.restartService("renderer");
    const ready = await everyInvoiceReady(invoices, paymentIds, 60_000);
    const recoveredMs = performance.now() - back;
    assert.deepEqual(
      ready.map((i) => i!.number),
      during.map((i) => i!.number),
      "the numbers given during the outage stand",
    );
    await eventually("the mails", () => (smtp.mails.length >= PAYMENTS ? true : undefined), 60_000);
    await sleep(1_000);
    assert.equal(smtp.mails.length, PAYMENTS, "one mail each");
    console.log(
      `# ${PAYMENTS} invoices PENDING through a ${OUTAGE_MS / 1000} s renderer outage (up to ${attempts} attempts each), all READY ${recoveredMs.toFixed(0)} ms after the renderer was back`,
    );
  });
});

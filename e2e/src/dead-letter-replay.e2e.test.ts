import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { listDeadLetters } from "@invoicing/invoicectl/dead-letters";
import { replayHeaders, replayMsgId, type DeadLetter } from "@invoicing/invoicectl/dead-letter-format";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { repoRoot } from "@invoicing/local-stack/service-process";
import { DEAD_LETTER_STREAM, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSmtpSink } from "./smtp-sink.js";
import { eventually } from "@invoicing/local-stack/eventually";
import { invoiceOfPayment } from "@invoicing/local-stack/invoice-lookup";

// A misconfiguration, a dead letter, the fix, the replay: the renderer starts with a document
// limit below any invoice (RENDER_MAX_HTML_KB=1), so a payment's invoice is numbered, refused
// by the renderer (a permanent failure: no retry changes the answer) and dead-lettered
// (FAILED). Then the renderer is started again with its default limit, and the operator
// replays with invoicectl: the same invoice, with the same number, becomes READY and is mailed
// once; replaying again changes nothing. (An outage is no dead letter: it is retried for as
// long as it lasts, see renderer-outage.e2e.test.ts.)
const invoicectlBin = join(repoRoot, "tools", "invoicectl", "bin", "invoicectl.mjs");

/** Runs the installed `invoicectl` command (its bin file) and collects what it prints. */
function invoicectl(natsEnv: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [invoicectlBin, ...args], {
    cwd: tmpdir(), // the bin must not depend on being run from the repository
    env: { ...process.env, ...natsEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("a dead-lettered payment replayed with invoicectl after the cause is fixed", { timeout: 120_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let nc: NatsConnection;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-replay-e2e-")),
      smtpUrl: smtp.url,
      topology: {
        env: {
          renderer: { RENDER_MAX_HTML_KB: "1" },
          invoice: { INVOICE_ACK_WAIT_MS: "2000" },
        },
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

  const invoiceOf = (paymentId: string) => invoiceOfPayment(invoices, paymentId);
  const counterOf = (number: string) => Number(number.split("-").at(-1));

  // Shared by the steps below, which run in order.
  let paymentId: string;
  let customerId: string;
  let failed: Invoice;
  let letter: DeadLetter;

  it("dead-letters the payment the renderer refuses: FAILED, with the reason", async () => {
    const { order } = await orders.createOrder(sampleOrder("Replay Customer"));
    assert.ok(order);
    customerId = order.customer!.customerId;
    paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });

    // Numbered, then FAILED with the renderer's reason, after one attempt.
    failed = await eventually(
      "the invoice to fail",
      async () => {
        const invoice = await invoiceOf(paymentId);
        return invoice?.status === InvoiceStatus.FAILED ? invoice : undefined;
      },
      30_000,
    );
    assert.match(failed.number, /^INV-\d{4}-\d{6}$/);
    assert.match(failed.failureReason, /^render failed: INVALID_ARGUMENT html: must be at most 1024 bytes \(RENDER_MAX_HTML_KB\)/);

    // One dead letter, for this payment's message, seen by the library and by the command.
    const letters = await listDeadLetters(nc);
    assert.equal(letters.length, 1, JSON.stringify(letters.map((l) => l.reason)));
    letter = letters[0]!;
    assert.equal(letter.stream, PAYMENTS_STREAM);
    assert.equal(letter.consumer, "invoice-generator");
    assert.equal(letter.subject, `payments.completed.${order.orderId}`);
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, failed.failureReason);
    assert.match(letter.headers.get("traceparent"), new RegExp(`^00-${failed.traceId}-`));
    const listed = await invoicectl(stack.nats.envFor("invoicectl"), "dead-letters", "list", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    const records = JSON.parse(listed.stdout) as Array<{ seq: number; payload: string }>;
    assert.deepEqual(
      records.map((r) => [r.seq, r.payload]),
      [[letter.seq, `payment ${paymentId}`]],
    );
    assert.equal(smtp.mails.length, 0, "nothing mailed for a FAILED invoice");

    // The fix: the renderer again, on the same address, with its default limit.
    await stack.restartService("renderer", { RENDER_MAX_HTML_KB: undefined });
  });

  /** READY, or (when the replay failed again) the new dead letter's reason. */
  const outcomeOfReplay = () =>
    eventually<{ ready: Invoice } | { deadLetteredAgain: string }>(
      "the replay's outcome",
      async () => {
        const invoice = await invoiceOf(paymentId);
        if (invoice && invoice.status === InvoiceStatus.READY) return { ready: invoice };
        const again = await listDeadLetters(nc);
        return again.length > 0 ? { deadLetteredAgain: again.map((l) => l.reason).join("; ") } : undefined;
      },
      30_000,
    );

  it("replays with invoicectl right after the fix: republished, then deleted from DEAD_LETTERS", async () => {
    const replayed = await invoicectl(stack.nats.envFor("invoicectl"), "dead-letters", "replay", String(letter.seq));
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(
      replayed.stdout,
      new RegExp(
        `^replayed ${DEAD_LETTER_STREAM}:${letter.seq} -> ${letter.subject} \\(now ${PAYMENTS_STREAM}:\\d+; payment ${paymentId}; consumer invoice-generator\\); dead letter deleted$`,
        "m",
      ),
    );
    assert.match(replayed.stdout, /^replayed 1 of 1 dead letter \(0 not found, 0 failed\)$/m);
    assert.ok(!(await listDeadLetters(nc)).some((l) => l.seq === letter.seq), "the dead letter is deleted");
  });

  it("issues the invoice from that first replay: the same invoice and number, mailed once", async () => {
    // The invoice service finds the renderer again within its 2 s reconnect backoff and its
    // renders wait for it (render-client.ts), so the first replay after the fix is enough.
    const result = await outcomeOfReplay();
    assert.ok("ready" in result, `READY after the first replay, not: ${"deadLetteredAgain" in result ? result.deadLetteredAgain : ""}`);
    const ready = result.ready;
    assert.equal(ready.invoiceId, failed.invoiceId, "the same invoice");
    assert.equal(ready.number, failed.number, "the same number");
    assert.equal(ready.failureReason, "");
    assert.ok(ready.pdfSize > 0n);

    const mail = await eventually("the mail", () => smtp.mails[0]);
    assert.equal(mail.attachments[0]?.filename, `${ready.number}.pdf`);
    assert.deepEqual(await listDeadLetters(nc), [], "no dead letter left");
  });

  it("changes nothing when replayed again: same invoice, same number, one mail, no number used", async () => {
    // The dead letter is gone: the command finds nothing to do.
    const again = await invoicectl(stack.nats.envFor("invoicectl"), "dead-letters", "replay", String(letter.seq));
    assert.equal(again.code, 3, `${again.stdout}${again.stderr}`);
    assert.match(again.stderr, new RegExp(`not found ${DEAD_LETTER_STREAM}:${letter.seq}`));
    const all = await invoicectl(stack.nats.envFor("invoicectl"), "dead-letters", "replay", "--all");
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /nothing to replay/);
    const ready = (await invoiceOf(paymentId))!;

    // The same replay republished (a script run twice, a crash before the delete): inside the
    // duplicate window JetStream drops it ...
    const js = jetstream(nc);
    const duplicate = await js.publish(letter.subject, letter.data, { msgID: replayMsgId(letter.seq), headers: replayHeaders(letter) });
    assert.equal(duplicate.duplicate, true);
    // ... and beyond it (here: under another id, so it really reaches the consumer) the
    // invoice service and the notifier are idempotent.
    const late = await js.publish(letter.subject, letter.data, { msgID: `late-${randomUUID()}`, headers: replayHeaders(letter) });
    assert.equal(late.duplicate, false);
    const jsm = await jetstreamManager(nc);
    await eventually("the late replay to be processed", async () => {
      const info = await jsm.consumers.info(PAYMENTS_STREAM, "invoice-generator");
      return info.delivered.stream_seq >= late.seq && info.num_ack_pending === 0 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // room for a wrong second mail
    const after = await invoiceOf(paymentId);
    assert.equal(after?.invoiceId, failed.invoiceId);
    assert.equal(after?.number, failed.number);
    assert.equal(after?.status, InvoiceStatus.READY);
    assert.equal(after?.pdfSha256, ready.pdfSha256);
    assert.equal(smtp.mails.length, 1, "still exactly one mail");
    assert.deepEqual(await listDeadLetters(nc), []);
    const listedInvoices = await invoices.listInvoices({ customerId });
    assert.equal(listedInvoices.invoices.filter((i) => i.paymentId === paymentId).length, 1);

    // No number was used up on the way: the next payment gets the next number.
    const { order: next } = await orders.createOrder(sampleOrder("Next Customer"));
    const nextPayment = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: next!.orderId, paymentId: nextPayment, amount: next!.total, method: PaymentMethod.CARD });
    const nextInvoice = await eventually(
      "the next invoice",
      async () => {
        const invoice = await invoiceOf(nextPayment);
        return invoice?.status === InvoiceStatus.READY ? invoice : undefined;
      },
      30_000,
    );
    assert.equal(counterOf(nextInvoice.number), counterOf(failed.number) + 1);
    await eventually("the next mail", () => (smtp.mails.length === 2 ? true : undefined));
    assert.equal(smtp.mails.filter((m) => m.attachments[0]?.filename === `${ready.number}.pdf`).length, 1);
  });
});

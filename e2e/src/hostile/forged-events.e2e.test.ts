import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  DocumentFailedSchema,
  InvoiceGeneratedSchema,
  PaymentCompletedSchema,
  PaymentRefundedSchema,
} from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, OrderStatus, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { listDeadLetters } from "@invoicing/invoicectl/dead-letters";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import { signedHeaders, signerOf } from "@invoicing/local-stack/event-keys";
import { eventually } from "@invoicing/local-stack/eventually";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { eventSigner } from "@invoicing/service-kit/messaging";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import type { ParsedMail } from "mailparser";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSmtpSink } from "../smtp-sink.js";

// Hostile callers with network access, some holding a service's own NATS credentials (as a
// leaked secret or a compromised pod would): NATS refuses strangers and out-of-bounds
// publishes, and what a credential alone can publish is refused by the signature check, so a
// forged event produces a dead letter and never a document or a mail.

const traceId = () => randomUUID().replaceAll("-", "");
const recipients = (mail: ParsedMail) => [mail.to].flat().flatMap((to) => to?.value.map((a) => a.address ?? "") ?? []);
const sentTo = (mails: readonly ParsedMail[], address: string) => mails.filter((m) => recipients(m).includes(address));
const attackerKey = eventSigner(generateKeyPairSync("ed25519").privateKey);

describe("hostile callers: NATS credentials and forged events", { timeout: 240_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let harness: NatsConnection;
  let asOrder: NatsConnection;
  let asInvoice: NatsConnection;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;
  /** One real, invoiced and mailed payment, the target of the forgeries. */
  let real: { orderId: string; paymentId: string; invoice: Invoice };

  const publishAs = (nc: NatsConnection, subject: string, data: Uint8Array, headers?: MsgHdrs) =>
    jetstream(nc).publish(subject, data, { headers, timeout: 5_000 });
  const bytes = <Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>) => toBinary(schema, create(schema, init));

  /** The dead letter of the message published on `subject`, once the consumer has given its verdict. */
  const deadLetterOf = (subject: string) =>
    eventually(`a dead letter for ${subject}`, async () => (await listDeadLetters(harness)).find((l) => l.subject === subject));

  const paid = async (name: string) => {
    const { order } = await orders.createOrder(sampleOrder(name));
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
    let invoice: Invoice | undefined;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 60_000 })) invoice = change.invoice;
    assert.equal(invoice?.status, InvoiceStatus.READY);
    return { order: order!, paymentId, invoice: invoice! };
  };

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-hostile-events-")),
      smtpUrl: smtp.url,
      env: { INVOICE_ACK_WAIT_MS: "5000", NOTIFIER_ACK_WAIT_MS: "5000", INVOICE_RETRY_MAX_DELAY_MS: "2000" },
    });
    harness = await stack.nats.connect();
    asOrder = await stack.nats.connect("order");
    asInvoice = await stack.nats.connect("invoice");
    orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl }));
    const first = await paid("Real Customer");
    real = { orderId: first.order.orderId, paymentId: first.paymentId, invoice: first.invoice };
    await eventually("the real invoice's mail", () => (smtp.mails.length === 1 ? true : undefined));
  });

  after(async () => {
    await Promise.all([harness, asOrder, asInvoice].map((nc) => nc?.close()));
    await stack?.stop();
    await smtp?.close();
  });

  it("refuses a client without credentials, or with another user's password", async () => {
    const started = performance.now();
    await assert.rejects(connect({ servers: stack.nats.url, reconnect: false }), /Authorization Violation/);
    await assert.rejects(
      connect({ servers: stack.nats.url, user: "order", pass: stack.nats.credentials.invoice.password, reconnect: false }),
      /Authorization Violation/,
    );
    console.log(`# NATS refused both strangers in ${(performance.now() - started).toFixed(0)} ms`);
  });

  it("refuses a service publishing or listening outside its permissions", async () => {
    const asNotifier = await stack.nats.connect("notifier");
    try {
      const data = new Uint8Array([1]);
      // Each service may publish its own events only.
      await assert.rejects(
        publishAs(asNotifier, "payments.completed.x", data),
        /Permissions Violation for Publish to "payments.completed.x"/,
      );
      await assert.rejects(publishAs(asOrder, "invoices.generated.x", data), /Permissions Violation for Publish to "invoices.generated.x"/);
      await assert.rejects(publishAs(asInvoice, "payments.refunded.x", data), /Permissions Violation for Publish to "payments.refunded.x"/);
      // Nor read another's durable, nor delete a stream.
      await assert.rejects(
        jetstream(asNotifier)
          .consumers.get("PAYMENTS", "invoice-generator")
          .then((c) => c.info()),
        /Permissions Violation|timeout|TIMEOUT/,
      );
      const deleted = asOrder.request("$JS.API.STREAM.DELETE.PAYMENTS", undefined, { timeout: 2_000 });
      await assert.rejects(deleted, /Permissions Violation/);
      // Nor change a stream it only consumes: its producer alone creates and updates it.
      const config = new TextEncoder().encode(JSON.stringify({ name: "PAYMENTS", subjects: ["payments.>"], max_msgs: 1 }));
      await assert.rejects(asInvoice.request("$JS.API.STREAM.UPDATE.PAYMENTS", config, { timeout: 2_000 }), /Permissions Violation/);
      await assert.rejects(asOrder.request("$JS.API.STREAM.CREATE.INVOICES", config, { timeout: 2_000 }), /Permissions Violation/);
      console.log(
        "# permission errors: notifier→payments, order→invoices, invoice→refunds, notifier→another durable, order→stream delete, invoice→PAYMENTS update, order→INVOICES create",
      );
    } finally {
      await asNotifier.close();
    }
  });

  it("dead-letters a well-formed PaymentCompleted nobody signed, for an order that never existed", async () => {
    const paymentId = `pay_${randomUUID()}`;
    const subject = `payments.completed.ord_forged${randomUUID().slice(0, 8)}`;
    const data = bytes(PaymentCompletedSchema, {
      eventId: `payment-completed:${paymentId}`,
      occurredAt: timestampNow(),
      traceId: traceId(),
      paymentId,
      amount: 1190n,
      method: PaymentMethod.CARD,
      order: {
        orderId: subject.split(".").at(-1)!,
        customer: { customerId: "cust-mallory", name: "Mallory", email: "mallory@example.net" },
        items: [{ description: "Nothing", quantity: 1n, unitPrice: 1000n, taxRateBps: 1900 }],
        currency: "EUR",
        status: OrderStatus.PAID,
      },
    });
    await publishAs(asOrder, subject, data);
    const unsigned = await deadLetterOf(subject);
    assert.match(unsigned.reason, /^unverifiable PaymentCompleted: no Event-Signature header/);

    // Signed, but with the attacker's own key.
    const subject2 = `${subject}x`;
    await publishAs(asOrder, subject2, data, signedHeaders(attackerKey, subject2, data));
    const wrongKey = await deadLetterOf(subject2);
    assert.match(wrongKey.reason, /^unverifiable PaymentCompleted: signed with key "[0-9a-f]{16}", which is not a order key/);

    await assert.rejects(invoices.getInvoice({ paymentId }), (e: unknown) => ConnectError.from(e).code === Code.NotFound);
    assert.equal(smtp.mails.length, 1, "no mail for a forgery");
    console.log(`# forged PaymentCompleted: ${unsigned.reason} | ${wrongKey.reason}`);
  });

  it("dead-letters a forged PaymentRefunded of 11,900,000.00 EUR against a real invoice: no credit note, no mail", async () => {
    const refundId = `ref_${randomUUID()}`;
    const subject = `payments.refunded.${real.orderId}`;
    const data = bytes(PaymentRefundedSchema, {
      eventId: `payment-refunded:${refundId}`,
      occurredAt: timestampNow(),
      traceId: traceId(),
      refundId,
      paymentId: real.paymentId,
      orderId: real.orderId,
      items: [{ description: "Everything", quantity: 1n, unitPrice: 1_000_000_000n, taxRateBps: 1900 }],
      amount: 1_190_000_000n,
      currency: "EUR",
      reason: "forged",
      totals: {
        net: 1_000_000_000n,
        tax: 190_000_000n,
        gross: 1_190_000_000n,
        taxLines: [{ rateBps: 1900, net: 1_000_000_000n, tax: 190_000_000n }],
      },
    });
    await publishAs(asOrder, subject, data);
    const letter = await deadLetterOf(subject);
    assert.match(letter.reason, /^unverifiable PaymentRefunded: no Event-Signature header/);
    await assert.rejects(invoices.getInvoice({ refundId }), (e: unknown) => ConnectError.from(e).code === Code.NotFound);
    assert.equal(smtp.mails.length, 1);
    console.log(`# forged PaymentRefunded: ${letter.reason}`);
  });

  it("dead-letters a forged InvoiceGenerated that would send a real customer's PDF to a stranger", async () => {
    const invoice = real.invoice;
    const subject = `invoices.generated.${invoice.invoiceId}`;
    const data = bytes(InvoiceGeneratedSchema, {
      eventId: `invoice-generated:${invoice.invoiceId}`,
      occurredAt: timestampNow(),
      traceId: invoice.traceId,
      invoiceId: invoice.invoiceId,
      invoiceNumber: invoice.number,
      customer: { name: invoice.customer?.name ?? "", email: "stranger@example.net" },
      pdfSha256: invoice.pdfSha256,
      kind: invoice.kind,
    });
    // With the invoice service's own credentials: the signature is what stops it.
    await publishAs(asInvoice, subject, data, signedHeaders(attackerKey, subject, data));
    const letter = await deadLetterOf(subject);
    assert.match(letter.reason, /^unverifiable InvoiceGenerated: signed with key "[0-9a-f]{16}", which is not a invoice key/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sentTo(smtp.mails, "stranger@example.net").length, 0);
    assert.equal(smtp.mails.length, 1);
    console.log(`# forged InvoiceGenerated: ${letter.reason}`);
  });

  it("dead-letters a failure report not signed by its reporter: the real payment is not given up on", async () => {
    const givenUp = () => scrapeSample(stack.services.order.metricsPort, "order_documents_given_up_total", { reporter: "invoice" });
    const report = (reporter: string) => ({
      subject: `invoices.failed.${reporter}.${real.paymentId}`,
      data: bytes(DocumentFailedSchema, {
        eventId: `document-failed:${reporter}:${real.paymentId}`,
        occurredAt: timestampNow(),
        invoiceId: real.invoice.invoiceId,
        kind: real.invoice.kind,
        paymentId: real.paymentId,
        reason: "forged: stop reconciling this payment",
      }),
    });
    // With the notifier's credentials it may publish on its own subject only, and its
    // genuine key does not make a report on that subject the invoice service's.
    const asNotifier = await stack.nats.connect("notifier");
    try {
      const onInvoices = report("invoice");
      await assert.rejects(publishAs(asNotifier, onInvoices.subject, onInvoices.data), /Permissions Violation for Publish/);
    } finally {
      await asNotifier.close();
    }
    const moved = report("invoice");
    await publishAs(harness, moved.subject, moved.data, signedHeaders(signerOf(stack.eventKeys.notifier), moved.subject, moved.data));
    const letter = await deadLetterOf(moved.subject);
    assert.match(letter.reason, /^unverifiable DocumentFailed: signed with key "[0-9a-f]{16}", which is not a invoice key/);
    // prom-client prints a labelled counter only once it counted something.
    const count = await givenUp();
    assert.ok(Number.isNaN(count) || count === 0, `order_documents_given_up_total{reporter="invoice"} is ${count}`);
    console.log(`# failure report under another reporter's key: ${letter.reason}`);
  });

  it("mails the invoice service's recipient even when a signed InvoiceGenerated names another", async () => {
    // The notifier is down while an invoice is issued, then sees a correctly signed event
    // (as a buggy invoice release could send) naming a stranger: the mail still goes to the
    // customer the invoice service holds, once.
    await stack.services.notifier.stop();
    const { invoice } = await paid("Second Customer");
    const subject = `invoices.generated.${invoice.invoiceId}`;
    const data = bytes(InvoiceGeneratedSchema, {
      invoiceId: invoice.invoiceId,
      invoiceNumber: "FAKE-1",
      customer: { name: "Stranger", email: "stranger@example.net" },
      pdfSha256: "00".repeat(32),
    });
    await publishAs(asInvoice, subject, data, signedHeaders(signerOf(stack.eventKeys.invoice), subject, data));
    await stack.restartService("notifier");
    const mail = await eventually("the second invoice's mail", () => smtp.mails.find((m) => m.subject?.includes(invoice.number)));
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // room for a wrong second mail
    assert.deepEqual(recipients(mail), [invoice.customer!.email]);
    assert.equal(smtp.mails.filter((m) => m.subject?.includes(invoice.number)).length, 1);
    assert.equal(sentTo(smtp.mails, "stranger@example.net").length, 0);
  });

  it("numbers in the invoice service's year, whatever date a signed event claims", async () => {
    const { order } = await orders.createOrder(sampleOrder("Time Traveller"));
    const paymentId = `pay_${randomUUID()}`;
    const subject = `payments.completed.${order!.orderId}`;
    const data = bytes(PaymentCompletedSchema, {
      eventId: `payment-completed:${paymentId}`,
      occurredAt: timestampFromDate(new Date("1999-06-01T00:00:00Z")),
      traceId: traceId(),
      paymentId,
      amount: order!.total,
      method: PaymentMethod.CARD,
      order: { ...order!, status: OrderStatus.PAID },
    });
    const before = new Date();
    await publishAs(asOrder, subject, data, signedHeaders(signerOf(stack.eventKeys.order), subject, data));
    const invoice = await eventually("the invoice", async () => (await invoices.getInvoice({ paymentId }).catch(() => undefined))?.invoice);
    const year = new Date().getUTCFullYear();
    assert.match(invoice.number, new RegExp(`^INV-${year}-\\d{6}$`));
    assert.ok(Number(invoice.issuedAt!.seconds) * 1000 >= before.getTime() - 1_000, "issued now, not in 1999");
  });

  it("dead-letters a genuine PaymentCompleted altered in transit, and leaves its PENDING invoice to finish", async () => {
    // The target must be a document that could still be marked FAILED: one whose render has
    // not happened yet (the renderer is down), so markFailed would move it. A READY target
    // would prove nothing, since READY stays READY whatever a dead letter says.
    await stack.services.renderer.stop();
    const { order } = await orders.createOrder(sampleOrder("Pending Customer"));
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
    const pending = await eventually(
      "the numbered, unrendered invoice",
      async () => (await invoices.getInvoice({ paymentId }).catch(() => undefined))?.invoice,
    );
    assert.equal(pending.status, InvoiceStatus.PENDING);

    const subject = `payments.completed.${order!.orderId}`;
    const stored = (await listStored(harness, subject))!;
    const event = create(PaymentCompletedSchema, stored.decoded);
    event.order!.customer!.email = "mallory@example.net";
    const altered = toBinary(PaymentCompletedSchema, event);
    // The genuine signature, on changed bytes.
    const hdrs = natsHeaders();
    hdrs.set("Event-Signature", stored.signature);
    await publishAs(asOrder, subject, altered, hdrs);
    const letter = await eventually("the altered event's dead letter", async () =>
      (await listDeadLetters(harness)).find((l) => l.subject === subject && Buffer.from(l.data).equals(Buffer.from(altered))),
    );
    assert.match(letter.reason, /^unverifiable PaymentCompleted: Event-Signature does not match the message/);
    // onDeadLetter runs before the term, and the dead letter is listed after it was published:
    // give a wrong markFailed time to land before looking.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const during = (await invoices.getInvoice({ paymentId })).invoice;
    assert.equal(during?.status, InvoiceStatus.PENDING, "a forgery naming a real payment does not mark it FAILED");

    await stack.restartService("renderer");
    const ready = await eventually("the invoice READY once the renderer is back", async () => {
      const { invoice } = await invoices.getInvoice({ paymentId });
      return invoice?.status === InvoiceStatus.READY ? invoice : undefined;
    });
    assert.equal(ready.number, pending.number);
    const mail = await eventually("its mail", () => smtp.mails.find((m) => m.subject?.includes(ready.number)));
    assert.deepEqual(recipients(mail), [order!.customer!.email]);
    assert.equal(sentTo(smtp.mails, "mallory@example.net").length, 0);
    console.log(`# altered PaymentCompleted for a PENDING invoice: ${letter.reason}; it stayed PENDING, then READY as ${ready.number}`);
  });
});

/** The last message stored on `subject` in PAYMENTS, decoded, with its signature header. */
async function listStored(nc: NatsConnection, subject: string) {
  const jsm = await jetstreamManager(nc);
  const stored = await jsm.streams.getMessage("PAYMENTS", { last_by_subj: subject });
  if (!stored) return undefined;
  return { decoded: fromBinary(PaymentCompletedSchema, stored.data), signature: stored.header.get("Event-Signature") };
}

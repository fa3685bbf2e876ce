import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { signedHeaders, signerOf } from "@invoicing/local-stack/event-keys";
import { readDeadLetterEnvelope } from "@invoicing/service-kit/messaging";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startJaeger, type JaegerProcess } from "@invoicing/local-stack/jaeger-process";
import { PIPELINE_SERVICES, traceShapeProblems } from "./trace-shape.js";
import { startSmtpSink } from "./smtp-sink.js";
import { eventually } from "@invoicing/local-stack/eventually";

const BUYER = `<script>alert(1)</script> & "Co"`;

describe("the pipeline end to end, as separate processes", { timeout: 240_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let jaeger: JaegerProcess;
  let nc: NatsConnection;
  let orders: ReturnType<typeof createClient<typeof OrderService>>;
  let invoices: ReturnType<typeof createClient<typeof InvoiceService>>;

  before(async () => {
    smtp = await startSmtpSink();
    const dataDir = mkdtempSync(join(tmpdir(), "invoicing-e2e-"));
    // A real Jaeger v2 (tools/jaeger): the services export OTLP to it as deployed, and the test
    // reads the trace back from its query API, as a developer's Jaeger UI does.
    jaeger = await startJaeger(join(dataDir, "jaeger"));
    stack = await startLocalStack({
      dataDir,
      smtpUrl: smtp.url,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
        OTEL_BSP_SCHEDULE_DELAY: "100",
        INVOICE_ACK_WAIT_MS: "5000",
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
    await jaeger?.stop();
  });

  it("issues, stores, delivers and traces one invoice per payment, however often it is asked", async () => {
    const { order } = await orders.createOrder(sampleOrder(BUYER));
    assert.ok(order);
    const paymentId = `pay_${randomUUID()}`;
    const pay = () => orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });

    const payment = await pay();
    assert.equal(payment.invoiceState, 1, "PENDING right away");
    assert.match(payment.traceId, /^[0-9a-f]{32}$/);

    const statuses: InvoiceStatus[] = [];
    let watched;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 60_000 })) {
      statuses.push(change.invoice!.status);
      watched = change.invoice;
    }
    assert.equal(statuses.at(-1), InvoiceStatus.READY, `statuses seen: ${statuses.join(",")}`);
    const { invoice } = await invoices.getInvoice({ invoiceId: watched!.invoiceId });
    assert.ok(invoice);
    assert.match(invoice.number, /^INV-\d{4}-\d{6}$/);
    assert.equal(invoice.traceId, payment.traceId);

    // The PDF streams in chunks, hashes to what GetInvoice reports and reads as the invoice.
    const chunks: Uint8Array[] = [];
    for await (const part of invoices.getInvoicePdf({ invoiceId: invoice.invoiceId })) chunks.push(part.chunk);
    const pdf = Buffer.concat(chunks);
    assert.equal(BigInt(pdf.length), invoice.pdfSize);
    assert.equal(createHash("sha256").update(pdf).digest("hex"), invoice.pdfSha256);
    const text = pdfText(pdf);
    assert.ok(text.includes(invoice.number), "number in PDF");
    assert.ok(text.includes(BUYER), `buyer named literally in PDF:\n${text}`);
    for (const item of order.items) assert.ok(text.includes(item.description), `item ${item.description} in PDF`);
    const grand = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" })
      .format(Number(order.total) / 100)
      .replace(/[\u00a0\u202f]/g, " ");
    assert.ok(text.includes(grand), `grand total ${grand} in PDF`);

    // Exactly one mail, with that PDF attached.
    await eventually("the mail", () => (smtp.mails.length > 0 ? true : undefined));
    const mail = smtp.mails[0]!;
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.filename, `${invoice.number}.pdf`);
    assert.equal(createHash("sha256").update(mail.attachments[0]!.content).digest("hex"), invoice.pdfSha256);

    // The same payment again, and the same event again (under a new Nats-Msg-Id, so it really
    // reaches the consumer a second time): still one invoice, one mail.
    const again = await pay();
    assert.equal(again.traceId, payment.traceId);
    const jsm = await jetstreamManager(nc);
    const original = await jsm.streams.getMessage("PAYMENTS", { last_by_subj: `payments.completed.${order.orderId}` });
    assert.ok(original);
    // With the order service's signature, as a redelivery or a replay carries it.
    const republished = await jetstream(nc).publish(original.subject, original.data, {
      msgID: `replay-${randomUUID()}`,
      headers: signedHeaders(signerOf(stack.eventKeys.order), original.subject, original.data),
    });
    await eventually("the duplicate to be processed", async () => {
      const info = await jsm.consumers.info("PAYMENTS", "invoice-generator");
      return info.delivered.stream_seq >= republished.seq && info.num_ack_pending === 0 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // room for a wrong second mail
    const byPayment = await invoices.getInvoice({ paymentId });
    assert.equal(byPayment.invoice?.invoiceId, invoice.invoiceId);
    assert.equal(byPayment.invoice?.number, invoice.number);
    const listed = await invoices.listInvoices({ customerId: order.customer!.customerId });
    assert.equal(listed.invoices.filter((i) => i.paymentId === paymentId).length, 1);
    assert.equal(smtp.mails.length, 1, "exactly one mail");

    // One trace in Jaeger, from the payment call to the mail: four services, both JetStream hops
    // and both gRPC calls joined, in the semantic conventions (trace-shape.ts).
    let problems: string[] = [];
    const trace = await eventually("the whole trace in Jaeger", async () => {
      const found = await jaeger.trace(invoice.traceId);
      problems = traceShapeProblems(found, invoice.traceId);
      return problems.length === 0 ? found : undefined;
    }).catch(() => assert.fail(`the trace in Jaeger falls short:\n${problems.join("\n")}`));
    const services = new Set(trace.spans.map((span) => trace.processes[span.processID]?.serviceName));
    assert.deepEqual(
      [...PIPELINE_SERVICES].filter((s) => services.has(s)),
      [...PIPELINE_SERVICES],
    );
  });

  it("answers INVALID_ARGUMENT naming the field", async () => {
    const bad = sampleOrder();
    bad.customer = { ...bad.customer, email: "not-an-address" };
    await assert.rejects(orders.createOrder(bad), (error: unknown) => {
      const e = ConnectError.from(error);
      return e.code === Code.InvalidArgument && e.rawMessage.startsWith("customer.email:");
    });
    await assert.rejects(
      orders.completePayment({ orderId: "ord_x", paymentId: "", amount: 1n, method: PaymentMethod.CARD }),
      (error: unknown) => ConnectError.from(error).code === Code.InvalidArgument && /payment_id/.test(ConnectError.from(error).rawMessage),
    );
    await assert.rejects(invoices.getInvoice({}), (error: unknown) => ConnectError.from(error).code === Code.InvalidArgument);
  });

  it("dead-letters an undecodable event and keeps consuming", async () => {
    // Signed with the order service's key, as a buggy release of it would: what stops these is
    // decoding and validation, not the signature (the hostile suite tests forgeries).
    const js = jetstream(nc);
    const orderKey = signerOf(stack.eventKeys.order);
    const publishSigned = (subject: string, data: Uint8Array) =>
      js.publish(subject, data, { headers: signedHeaders(orderKey, subject, data) });
    await publishSigned(`payments.completed.garbage`, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]));
    const valid = create(PaymentCompletedSchema, { paymentId: "p" }); // valid bytes, invalid content
    await publishSigned(`payments.completed.invalid`, toBinary(PaymentCompletedSchema, valid));
    const jsm = await jetstreamManager(nc);
    const reasons = await eventually("two dead letters", async () => {
      const info = await jsm.streams.info("DEAD_LETTERS").catch(() => undefined);
      if (!info || info.state.messages < 2) return undefined;
      const found: string[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage("DEAD_LETTERS", { seq });
        const envelope = readDeadLetterEnvelope(m?.header);
        found.push(`${envelope?.subject} ${envelope?.reason}`);
      }
      return found;
    });
    assert.ok(
      reasons.some((r) => r.startsWith("payments.completed.garbage undecodable PaymentCompleted")),
      reasons.join("\n"),
    );
    assert.ok(
      reasons.some((r) => r.startsWith("payments.completed.invalid invalid PaymentCompleted")),
      reasons.join("\n"),
    );

    // The consumer goes on: a new payment still gets its invoice.
    const { order } = await orders.createOrder(sampleOrder("Grace Hopper"));
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.WALLET });
    let last;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 60_000 })) last = change.invoice;
    assert.equal(last?.status, InvoiceStatus.READY);
  });
});

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { eventually } from "@invoicing/local-stack/eventually";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { createStackTls, type StackTls } from "@invoicing/local-stack/stack-tls";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSmtpSink } from "./smtp-sink.js";

// The pipeline as the prod overlay runs it: every hop (invoice → renderer over grpc-js,
// notifier → invoice over Connect, the caller → order and invoice) on mutual TLS.
describe("the pipeline end to end with mutual TLS between every service", { timeout: 180_000 }, () => {
  let stack: LocalStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  before(async () => {
    smtp = await startSmtpSink();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-e2e-tls-")),
      smtpUrl: smtp.url,
      tls: true,
      // Certificates read again every 300 ms, and renderer connections recycled every second, so
      // a renewal reaches new connections within the test.
      env: { RENDER_PAGES: "1", TLS_RELOAD_INTERVAL_MS: "300", RENDER_MAX_CONNECTION_AGE_MS: "1000" },
    });
  });

  after(async () => {
    await stack?.stop();
    await smtp?.close();
  });

  it("issues, renders and mails the invoice of a payment", async () => {
    assert.match(stack.orderUrl, /^https:/);
    assert.match(stack.invoiceUrl, /^https:/);
    const nodeOptions = stack.tls!.clientOptions;
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl, nodeOptions }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl, nodeOptions }));

    const { order } = await orders.createOrder(sampleOrder("TLS Buyer"));
    assert.ok(order);
    const paymentId = `pay_${randomUUID()}`;
    await orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });

    let last;
    for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 90_000 })) last = change.invoice;
    assert.equal(last?.status, InvoiceStatus.READY, `see ${stack.logDir}`);
    assert.match(last.number, /^INV-\d{4}-\d{6}$/);

    // The notifier fetched the PDF over TLS with its own certificate: the mail carries it.
    const mail = await eventually("the mail", () => smtp.mails[0]);
    assert.equal(mail.attachments.length, 1);
    const attached = mail.attachments[0]!.content;
    assert.equal(createHash("sha256").update(attached).digest("hex"), last.pdfSha256);
    assert.ok(pdfText(attached).includes(last.number));

    // Every service really ran with TLS, not a plaintext fallback.
    for (const name of ["order", "invoice", "renderer", "notifier"] as const) {
      assert.equal(stack.services[name].tls, true, `${name} ready line`);
    }
    const invoiceLog = readFileSync(join(stack.logDir, "invoice.log"), "utf8");
    assert.doesNotMatch(invoiceLog, /render failed/);
  });

  it("takes renewed certificates from a new CA without restarting the services that hold them", async () => {
    const old = stack.tls!;
    const renewed = await createStackTls(mkdtempSync(join(tmpdir(), "invoicing-e2e-tls-renewed-")));
    renewInPlace(old, renewed);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // reload interval, then a renderer connection age

    // A new connection with the old CA's certificate is refused: the servers took the new CA.
    const stale = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl, nodeOptions: old.clientOptions }));
    await assert.rejects(stale.getOrder({ orderId: "o_1" }), (error: unknown) => ConnectError.from(error).code !== Code.NotFound);

    const nodeOptions = renewed.clientOptions;
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl, nodeOptions }));
    const invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl, nodeOptions }));
    const pay = async () => {
      const { order } = await orders.createOrder(sampleOrder("Renewed Buyer"));
      const paymentId = `pay_${randomUUID()}`;
      await orders.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
      let last;
      for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 60_000 })) last = change.invoice;
      return last;
    };
    // Neither the invoice service nor the renderer restarted: the invoice service's new
    // connection to the renderer presents its renewed certificate, which the renderer trusts.
    assert.equal((await pay())?.status, InvoiceStatus.READY, `see ${stack.logDir}`);

    // The invoice service restarted (it trusts only the new CA from its start); the notifier,
    // still running, reconnects with its renewed certificate and mails the next invoice.
    await stack.restartService("invoice");
    const mailsBefore = smtp.mails.length;
    const third = await pay();
    assert.equal(third?.status, InvoiceStatus.READY);
    const mail = await eventually("the mail after the renewal", () =>
      smtp.mails.slice(mailsBefore).find((m) => m.attachments[0]?.filename === `${third!.number}.pdf`),
    );
    assert.equal(createHash("sha256").update(mail.attachments[0]!.content).digest("hex"), third!.pdfSha256);
  });
});

/** As the kubelet swaps a renewed Secret into a pod: every file replaced whole, at the same paths. */
function renewInPlace(current: StackTls, renewed: StackTls): void {
  const replace = (from: string, to: string) => {
    copyFileSync(from, `${to}.new`);
    renameSync(`${to}.new`, to);
  };
  for (const name of Object.keys(current.certificates) as Array<keyof StackTls["certificates"]>) {
    replace(renewed.certificates[name].keyFile, current.certificates[name].keyFile);
    replace(renewed.certificates[name].certFile, current.certificates[name].certFile);
  }
  replace(renewed.ca.caFile, current.ca.caFile);
}

// The main job on the embedded defaults: start the system, buy the sample order, wait for its
// invoice and write the PDF. `pnpm demo` from the repository root; `pnpm demo --tls` runs every
// service with mutual TLS and certificates made for the run, as the prod overlay does.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { startLocalStack } from "./local-stack.js";
import { sampleOrder } from "./sample-order.js";
import { repoRoot } from "./service-process.js";

const dataDir = process.env["DATA_DIR"] ?? join(repoRoot, "data");
const started = performance.now();
const tls = process.argv.includes("--tls");
const stack = await startLocalStack({ dataDir, tls, ...(process.env["SMTP_URL"] ? { smtpUrl: process.env["SMTP_URL"] } : {}) });
try {
  const transport = (baseUrl: string) => createGrpcTransport({ baseUrl, nodeOptions: stack.tls?.clientOptions });
  const orders = createClient(OrderService, transport(stack.orderUrl));
  const invoices = createClient(InvoiceService, transport(stack.invoiceUrl));

  const { order } = await orders.createOrder(sampleOrder());
  const paymentId = `pay_${randomUUID()}`;
  const paidAt = performance.now();
  const payment = await orders.completePayment({
    orderId: order!.orderId,
    paymentId,
    amount: order!.total,
    method: PaymentMethod.CARD,
  });

  let invoice;
  for await (const change of invoices.watchInvoice({ paymentId }, { timeoutMs: 60_000 })) {
    invoice = change.invoice;
  }
  if (!invoice || invoice.status !== InvoiceStatus.READY) {
    throw new Error(`invoice ended ${invoice ? InvoiceStatus[invoice.status] : "missing"}: ${invoice?.failureReason ?? ""}`);
  }
  const readyMs = performance.now() - paidAt;
  const chunks: Uint8Array[] = [];
  for await (const part of invoices.getInvoicePdf({ invoiceId: invoice.invoiceId })) chunks.push(part.chunk);
  const pdf = Buffer.concat(chunks);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  if (sha256 !== invoice.pdfSha256) throw new Error(`PDF hash ${sha256} differs from the stored ${invoice.pdfSha256}`);
  const dir = join(dataDir, "invoices");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${invoice.number}.pdf`);
  writeFileSync(path, pdf);

  console.log(`invoice number: ${invoice.number}`);
  console.log(`trace id:       ${payment.traceId}`);
  console.log(`pdf:            ${path}`);
  console.log(`pdf size:       ${pdf.length} bytes, sha256 ${sha256}`);
  console.log(
    `mail:           ${process.env["SMTP_URL"] ? `sent through ${process.env["SMTP_URL"]}` : relative(process.cwd(), join(dataDir, "outbox", `${invoice.number}.eml`))}`,
  );
  if (stack.tls) console.log(`mutual TLS:     every hop; certificates under ${relative(process.cwd(), join(dataDir, "tls"))}`);
  console.log(
    `timing:         payment to READY ${readyMs.toFixed(0)} ms; whole run ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await stack.stop();
}

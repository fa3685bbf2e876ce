// The main job on the embedded defaults: start the system, buy the sample order, wait for its
// invoice and write the PDF. `pnpm demo` from the repository root; `pnpm demo --tls` runs every
// service with mutual TLS and certificates made for the run, as the prod overlay does;
// `pnpm demo --jaeger` starts a Jaeger v2 beside them (tools/jaeger), sends every span there and
// prints the payment's trace (and keeps both running until Ctrl-C when run from a terminal).
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { startJaeger, type JaegerProcess, type JaegerTrace } from "./jaeger-process.js";
import { traceTree } from "./jaeger-trace-tree.js";
import { startLocalStack } from "./local-stack.js";
import { sampleOrder } from "./sample-order.js";
import { repoRoot } from "./service-process.js";

const dataDir = process.env["DATA_DIR"] ?? join(repoRoot, "data");
const started = performance.now();
const tls = process.argv.includes("--tls");
const jaeger = process.argv.includes("--jaeger") ? await startJaeger(join(dataDir, "jaeger")) : undefined;
const stack = await startLocalStack({
  dataDir,
  tls,
  ...(process.env["SMTP_URL"] ? { smtpUrl: process.env["SMTP_URL"] } : {}),
  ...(jaeger ? { env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: "200" } } : {}),
});
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
  if (jaeger) {
    const trace = await wholeTrace(jaeger, payment.traceId);
    const services = [...new Set(trace.spans.map((span) => trace.processes[span.processID]?.serviceName))].sort();
    const start = Math.min(...trace.spans.map((span) => span.startTime));
    const end = Math.max(...trace.spans.map((span) => span.startTime + span.duration));
    console.log(`trace:          ${jaeger.queryUrl}/api/traces/${payment.traceId}`);
    console.log(
      `                ${services.join(", ")}; ${trace.spans.length} spans; ${((end - start) / 1000).toFixed(1)} ms from first to last`,
    );
    console.log(
      `                (Jaeger's query API: the module's build carries no UI assets, so ${jaeger.queryUrl}/ is a placeholder page)`,
    );
    for (const line of traceTree(trace)) console.log(`                ${line}`);
    if (process.stdin.isTTY) {
      console.log("Jaeger and the services keep running: Ctrl-C to stop.");
      await new Promise((resolve) => process.once("SIGINT", resolve));
    }
  }
} finally {
  await stack.stop();
  await jaeger?.stop();
}

/** The trace once the mail's span, the last one, is in Jaeger too (30 s at most). */
async function wholeTrace(jaeger: JaegerProcess, traceId: string): Promise<JaegerTrace> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const trace = await jaeger.trace(traceId);
    const services = new Set(trace?.spans.map((span) => trace.processes[span.processID]?.serviceName));
    const mailed = trace?.spans.some(
      (span) => / send$/.test(span.operationName) && trace.processes[span.processID]?.serviceName === "notifier",
    );
    if (trace && mailed && ["order", "invoice", "renderer", "notifier"].every((service) => services.has(service))) return trace;
    if (Date.now() > deadline) throw new Error(`Jaeger has no whole trace ${traceId} after 30 s: ${[...services].join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

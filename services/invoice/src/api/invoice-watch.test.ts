import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceSchema, InvoiceService, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FilePdfStore } from "../store/file-pdf-store.js";
import { InvoiceChanges } from "../issuing/invoice-changes.js";
import { invoiceRoutes } from "./invoice-routes.js";
import { SqliteInvoiceStore } from "../store/sqlite-invoice-store.js";
import { WatchSlots, type WatchLimits } from "./watch-limits.js";

// WatchInvoice over Connect's in-memory transport, against the embedded store: the routes,
// deadlines and codes are Connect's own, only the network is left out.

const dir = mkdtempSync(join(tmpdir(), "invoice-watch-"));
const store = new SqliteInvoiceStore(join(dir, "invoices.sqlite"));
const pdfs = new FilePdfStore(join(dir, "pdfs"));
after(() => store.close());

function serve(watches: WatchLimits) {
  const changes = new InvoiceChanges();
  const watchSlots = new WatchSlots(watches);
  const transport = createRouterTransport(invoiceRoutes({ store, pdfs, changes, watches, watchSlots }));
  return { client: createClient(InvoiceService, transport), changes, watchSlots };
}

async function pendingInvoice(paymentId = `pay_${randomUUID()}`) {
  const { invoice } = await store.createNumbered({
    invoice: create(InvoiceSchema, {
      invoiceId: `inv_${randomUUID()}`,
      paymentId,
      orderId: `ord_${randomUUID()}`,
      status: InvoiceStatus.PENDING,
      customer: { customerId: "c1", name: "Ada" },
      currency: "EUR",
      totals: { net: 1000n, tax: 190n, gross: 1190n },
      issuedAt: timestampNow(),
    }),
    series: "TW",
    clock: () => new Date(),
  });
  return invoice;
}

/** Runs a watch to its end: the statuses it streamed, the error it ended with, how long it took. */
async function watch(
  client: ReturnType<typeof serve>["client"],
  req: { invoiceId?: string; paymentId?: string },
  options: { timeoutMs?: number } = {},
) {
  const started = performance.now();
  const statuses: InvoiceStatus[] = [];
  try {
    for await (const change of client.watchInvoice(req, options)) statuses.push(change.invoice!.status);
    return { statuses, error: undefined, afterMs: performance.now() - started };
  } catch (error) {
    return { statuses, error: ConnectError.from(error), afterMs: performance.now() - started };
  }
}

const roomy: WatchLimits = { maxWatches: 10, maxWatchMs: 60_000 };

describe("WatchInvoice", () => {
  it("answers NOT_FOUND at once for an invoice id that does not exist", async () => {
    const { client } = serve(roomy);
    const result = await watch(client, { invoiceId: "inv_nobody" }, { timeoutMs: 5_000 });
    assert.equal(result.error?.code, Code.NotFound);
    assert.match(result.error?.rawMessage ?? "", /invoice inv_nobody not found/);
    assert.ok(result.afterMs < 250, `NOT_FOUND after ${result.afterMs} ms, before the first re-read`);
  });

  it("keeps waiting by payment id, and ends DEADLINE_EXCEEDED at the caller's deadline, not OK", async () => {
    const { client } = serve(roomy);
    const result = await watch(client, { paymentId: "pay_not_yet" }, { timeoutMs: 700 });
    assert.deepEqual(result.statuses, []);
    assert.equal(result.error?.code, Code.DeadlineExceeded, `ended with ${result.error?.message ?? "OK"}`);
    assert.ok(result.afterMs >= 600 && result.afterMs < 2_000, `ended after ${result.afterMs} ms, deadline 700 ms`);
  });

  it("streams PENDING then READY and ends OK once the document is final", async () => {
    const { client, changes } = serve(roomy);
    const invoice = await pendingInvoice();
    const running = watch(client, { invoiceId: invoice.invoiceId }, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    changes.publish(await store.markReady(invoice.invoiceId, { size: 10n, sha256: "ab".repeat(32), readyAt: new Date() }));
    const result = await running;
    assert.equal(result.error, undefined);
    assert.deepEqual(result.statuses, [InvoiceStatus.PENDING, InvoiceStatus.READY]);
  });

  it("by payment id, waits for the document to be numbered, then streams PENDING and FAILED and ends OK", async () => {
    const { client, changes } = serve(roomy);
    const paymentId = `pay_${randomUUID()}`;
    const running = watch(client, { paymentId }, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const invoice = await pendingInvoice(paymentId);
    changes.publish(invoice);
    await new Promise((resolve) => setTimeout(resolve, 50));
    changes.publish((await store.markFailed(invoice.invoiceId, "render refused"))!);
    const result = await running;
    assert.equal(result.error, undefined);
    assert.deepEqual(result.statuses, [InvoiceStatus.PENDING, InvoiceStatus.FAILED]);
    assert.ok(result.afterMs < 1_000, `ended after ${result.afterMs} ms, at the change, not a re-read later`);
  });

  it("streams a document that is already READY once, and ends OK", async () => {
    const { client } = serve(roomy);
    const invoice = await pendingInvoice();
    await store.markReady(invoice.invoiceId, { size: 10n, sha256: "cd".repeat(32), readyAt: new Date() });
    const result = await watch(client, { invoiceId: invoice.invoiceId }, { timeoutMs: 5_000 });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.statuses, [InvoiceStatus.READY]);
  });

  it("answers INVALID_ARGUMENT naming invoice_id when no key is set", async () => {
    const { client } = serve(roomy);
    const result = await watch(client, {}, { timeoutMs: 5_000 });
    assert.equal(result.error?.code, Code.InvalidArgument);
    assert.match(result.error?.rawMessage ?? "", /^invoice_id: one of invoice_id, payment_id or refund_id must be set$/);
  });

  it("ends DEADLINE_EXCEEDED at the server's maximum watch duration when the caller set no deadline", async () => {
    const { client } = serve({ maxWatches: 10, maxWatchMs: 400 });
    const invoice = await pendingInvoice();
    const result = await watch(client, { invoiceId: invoice.invoiceId });
    assert.deepEqual(result.statuses, [InvoiceStatus.PENDING]);
    assert.equal(result.error?.code, Code.DeadlineExceeded);
    assert.match(result.error?.rawMessage ?? "", /maximum of 400 ms/);
    assert.ok(result.afterMs >= 350 && result.afterMs < 2_000, `ended after ${result.afterMs} ms`);
  });

  it("answers RESOURCE_EXHAUSTED past the cap on open watches, and frees a slot when a watch ends", async () => {
    const { client, watchSlots } = serve({ maxWatches: 2, maxWatchMs: 60_000 });
    const open = [0, 1].map(() => watch(client, { paymentId: `pay_${randomUUID()}` }, { timeoutMs: 1_500 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(watchSlots.open, 2);
    const refused = await watch(client, { paymentId: "pay_third" }, { timeoutMs: 1_500 });
    assert.equal(refused.error?.code, Code.ResourceExhausted);
    assert.match(refused.error?.rawMessage ?? "", /too many watches: 2 are open/);
    const ended = await Promise.all(open);
    assert.deepEqual(
      ended.map((r) => r.error?.code),
      [Code.DeadlineExceeded, Code.DeadlineExceeded],
    );
    assert.equal(watchSlots.open, 0, "every slot given back");
    const after = await watch(client, { invoiceId: "inv_nobody" });
    assert.equal(after.error?.code, Code.NotFound, "past the cap again");
  });
});

import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { invoiceServiceDocuments } from "../invoice-client/invoice-service-documents.js";
import { SqliteDeliveryLog } from "../store/sqlite-delivery-log.js";
import { DeliveryInProgress } from "./delivery-errors.js";
import type { DeliveryLog } from "./delivery-log.js";
import { CountingMailer, event, invoice, invoices, logger, openLog } from "./invoice-notifier.fixtures.js";
import { InvoiceNotifier } from "./invoice-notifier.js";

// The mail guarantee against the real SQLite delivery log, with the invoice service and the
// mail server as fakes behind their ports: what is counted is how often send() is called.

describe("the notifier's mail guarantee", () => {
  it("lets one of two notifiers on one delivery log send; the other waits for the claim, then finds it delivered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notifier-two-"));
    const [logA, logB] = [new SqliteDeliveryLog(join(dir, "n.sqlite")), new SqliteDeliveryLog(join(dir, "n.sqlite"))];
    const mailer = new CountingMailer();
    let open = () => {};
    mailer.gate = new Promise((resolve) => (open = resolve));
    const a = new InvoiceNotifier({ invoices, mailer, log: logA, logger, claimLeaseMs: 60_000 });
    const b = new InvoiceNotifier({ invoices, mailer, log: logB, logger, claimLeaseMs: 60_000 });
    const first = a.deliver(event);
    await new Promise((resolve) => setTimeout(resolve, 50)); // a holds the claim, its send is open
    await assert.rejects(b.deliver(event), (error: unknown) => error instanceof DeliveryInProgress && error.afterMs > 50_000);
    open();
    assert.equal(await first, "sent");
    assert.equal(await b.deliver(event), "already_delivered");
    assert.equal(mailer.sent.length, 1);
    await Promise.all([logA.close(), logB.close()]);
  });

  it("tries a refused send again at once and sends once", async () => {
    const log = openLog();
    const mailer = new CountingMailer();
    mailer.failures = 2;
    const notifier = new InvoiceNotifier({ invoices, mailer, log, logger, claimLeaseMs: 60_000 });
    await assert.rejects(notifier.deliver(event), /421/);
    await assert.rejects(notifier.deliver(event), /421/);
    assert.equal(await notifier.deliver(event), "sent");
    assert.equal(await notifier.deliver(event), "already_delivered");
    assert.equal(mailer.sent.length, 1);
    await log.close();
  });

  it("never sends again because recording the delivery failed: the record is retried in place", async () => {
    const real = openLog();
    let recordFailures = 3;
    const flaky: DeliveryLog = {
      get: (id) => real.get(id),
      claim: (...args) => real.claim(...args),
      release: (...args) => real.release(...args),
      close: () => real.close(),
      async record(delivery) {
        if (recordFailures-- > 0) throw new Error("SQLITE_BUSY: database is locked");
        return real.record(delivery);
      },
    };
    const mailer = new CountingMailer();
    const notifier = new InvoiceNotifier({ invoices, mailer, log: flaky, logger, claimLeaseMs: 60_000 });
    const twice = await Promise.all([notifier.deliver(event), notifier.deliver(event)]);
    assert.deepEqual(twice.sort(), ["already_delivered", "sent"]);
    assert.equal(mailer.sent.length, 1);
    assert.equal(recordFailures, -1, "the record was tried four times");
    assert.equal((await real.get(invoice.invoiceId))?.reference, `<${invoice.invoiceId}@invoicing.local>`);
    await real.close();
  });

  it("sends again after a claim's lease runs out: the holder died between send and record (the one window)", async () => {
    const log = openLog();
    const mailer = new CountingMailer();
    // A notifier that died after claiming: its claim is there, its record never came.
    await log.claim(invoice.invoiceId, `dead-${randomUUID()}`, new Date(Date.now() - 2_000), 1_000);
    const notifier = new InvoiceNotifier({ invoices, mailer, log, logger, claimLeaseMs: 60_000 });
    assert.equal(await notifier.deliver(event), "sent");
    assert.equal(mailer.sent.length, 1);
    assert.equal(mailer.sent[0]!.invoiceId, invoice.invoiceId);
    await log.close();
  });

  it("keeps its claim while a send outlives the lease: a second notifier waits instead of mailing again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notifier-slow-send-"));
    const [logA, logB] = [new SqliteDeliveryLog(join(dir, "n.sqlite")), new SqliteDeliveryLog(join(dir, "n.sqlite"))];
    const mailer = new CountingMailer();
    let open = () => {};
    mailer.gate = new Promise((resolve) => (open = resolve));
    const otherMailer = new CountingMailer(); // b's mail server answers at once
    const a = new InvoiceNotifier({ invoices, mailer, log: logA, logger, claimLeaseMs: 300 });
    const b = new InvoiceNotifier({ invoices, mailer: otherMailer, log: logB, logger, claimLeaseMs: 300 });
    const first = a.deliver(event);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // more than three leases into a's send
    await assert.rejects(b.deliver(event), (error: unknown) => error instanceof DeliveryInProgress);
    open();
    assert.equal(await first, "sent");
    assert.equal(await b.deliver(event), "already_delivered");
    assert.equal(mailer.sent.length + otherMailer.sent.length, 1);
    await Promise.all([logA.close(), logB.close()]);
  });

  it("keeps its claim while the record waits on a locked store past the lease", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notifier-slow-record-"));
    const [real, logB] = [new SqliteDeliveryLog(join(dir, "n.sqlite")), new SqliteDeliveryLog(join(dir, "n.sqlite"))];
    const lockedUntil = Date.now() + 1_500;
    const slow: DeliveryLog = {
      get: (id) => real.get(id),
      claim: (...args) => real.claim(...args),
      release: (...args) => real.release(...args),
      close: () => real.close(),
      async record(delivery) {
        if (Date.now() < lockedUntil) throw new Error("SQLITE_BUSY: database is locked");
        return real.record(delivery);
      },
    };
    const mailer = new CountingMailer();
    const a = new InvoiceNotifier({ invoices, mailer, log: slow, logger, claimLeaseMs: 300 });
    const b = new InvoiceNotifier({ invoices, mailer, log: logB, logger, claimLeaseMs: 300 });
    const first = a.deliver(event);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await assert.rejects(b.deliver(event), (error: unknown) => error instanceof DeliveryInProgress);
    assert.equal(await first, "sent");
    assert.equal(await b.deliver(event), "already_delivered");
    assert.equal(mailer.sent.length, 1);
    await Promise.all([real.close(), logB.close()]);
  });

  it("gives up reading from a hung invoice service within half the lease, and lets go of the claim", async () => {
    const hung = invoiceServiceDocuments(
      createClient(
        InvoiceService,
        createRouterTransport(({ service }) =>
          service(InvoiceService, {
            getInvoice: (_request, context) =>
              new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason))),
            async *getInvoicePdf() {},
            listInvoices: () => {
              throw new Error("unused");
            },
            async *watchInvoice() {},
          }),
        ),
      ),
    );
    const log = openLog();
    const mailer = new CountingMailer();
    const notifier = new InvoiceNotifier({ invoices: hung, mailer, log, logger, claimLeaseMs: 1_000 });
    const started = performance.now();
    await assert.rejects(notifier.deliver(event), (error: unknown) => ConnectError.from(error).code === Code.DeadlineExceeded);
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 800, `gave up after ${tookMs.toFixed(0)} ms, the lease is 1000 ms`);
    assert.deepEqual(await log.claim(invoice.invoiceId, "another", new Date(), 1_000), { state: "claimed" }, "the claim was released");
    assert.equal(mailer.sent.length, 0);
    await log.close();
  });
});

import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { listDeadLetters } from "@invoicing/invoicectl/dead-letters";
import { eventually } from "@invoicing/local-stack/eventually";
import { invoiceOfPayment } from "@invoicing/local-stack/invoice-lookup";
import { startLocalStack, type LocalStack } from "@invoicing/local-stack/local-stack";
import { sampleOf, scrapeMetrics } from "@invoicing/local-stack/prometheus-scrape";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import type { ServiceProcess } from "@invoicing/local-stack/service-process";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";

// The render pool scaled out and losing a pod under load: three renderer processes behind one
// RENDERER_TARGET list (the invoice service's client does round_robin over them), a steady
// stream of payments through the order API, and one renderer SIGKILLed a third of the way in,
// preferably while it is rendering. Every invoice must still become READY with its own number,
// nothing may be dead-lettered, and the renderers' own Prometheus counters must show the work
// spread over all three before the kill and carried by the two survivors after it.

const PAYMENTS = 60;
/** Payments answered before one renderer is killed. */
const KILL_AFTER_PAID = 20;
/** Payments started at most this long apart... */
const ARRIVAL_INTERVAL_MS = 100;
/** ...with at most this many CreateOrder+CompletePayment sequences in flight. */
const CONCURRENCY = 4;
/**
 * Payment index from which the load waits for the kill to have happened, so that whatever the
 * machine's speed a good share of the payments comes after it (normally it has by then).
 */
const KILL_GATE_INDEX = 36;

type OrderClient = ReturnType<typeof createClient<typeof OrderService>>;
type InvoiceClient = ReturnType<typeof createClient<typeof InvoiceService>>;

interface Renderer {
  name: string;
  service: ServiceProcess;
  port: number;
  metricsPort: number;
}

interface Payment {
  index: number;
  paymentId: string;
  orderId: string;
  /** When CreateOrder was sent (epoch ms). */
  startedAtMs: number;
}

/** One renderer's Prometheus text, fetched the way a scraper would. */
const scrape = (renderer: Renderer) => scrapeMetrics(renderer.metricsPort);

/** The value of `name` in the series carrying `labels`, 0 when that series has no sample yet. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) => sampleOf(text, name, labels) || 0;

/** Successful renders so far: renderer_render_seconds_count{outcome="ok"} (renderer-metrics.ts). */
const renderedOk = async (renderer: Renderer) => sample(await scrape(renderer), "renderer_render_seconds_count", { outcome: "ok" });

const counts = (renderers: readonly Renderer[], values: ReadonlyMap<string, number>) =>
  renderers.map((r) => `${r.name}=${values.get(r.name) ?? "?"}`).join(", ");

describe("the render pool under load, losing one of three renderers", { timeout: 90_000 }, () => {
  let stack: LocalStack;
  let nc: NatsConnection;
  const renderers: Renderer[] = [];
  let invoiceService: ServiceProcess;
  let orders: OrderClient;
  let invoices: InvoiceClient;

  before(async () => {
    // No notifier: the invoices, not their mails, are under test. Two pages per renderer
    // whatever the core count: the same pool on every machine.
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), "invoicing-renderer-failover-e2e-")),
      topology: { renderers: 3, services: ["renderer", "invoice", "order"], env: { renderer: { RENDER_PAGES: "2" } } },
    });
    for (const name of ["renderer-1", "renderer-2", "renderer-3"]) {
      const service = stack.processes.get(name)!;
      renderers.push({ name, service, port: service.port, metricsPort: service.metricsPort });
    }
    invoiceService = stack.services.invoice;
    nc = await stack.nats.connect();
    orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl, defaultTimeoutMs: 15_000 }));
    invoices = createClient(InvoiceService, createGrpcTransport({ baseUrl: stack.invoiceUrl, defaultTimeoutMs: 15_000 }));
  });

  after(async () => {
    await nc?.close();
    await stack?.stop();
  });

  const invoiceOf = (paymentId: string) => invoiceOfPayment(invoices, paymentId);

  // Shared by the steps below, which run in order.
  const payments: Payment[] = [];
  let victim: Renderer | undefined;
  let survivors: Renderer[] = [];
  /** Each renderer's ok count read just before the kill (the victim's is its last). */
  const beforeKill = new Map<string, number>();
  /** Renders in flight on the victim in its last scrape. */
  let victimInFlight = 0;
  /** After the victim's process had exited (epoch ms). */
  let killedAtMs = 0;
  let loadStartedAtMs = 0;
  let loadEndedAtMs = 0;
  let settled: Map<string, Invoice | undefined> | undefined;

  /**
   * Waits until every renderer has rendered something, picks the renderer to kill (one with a
   * render in flight when one is seen within a second), notes every count, and SIGKILLs it.
   */
  const killOneRenderer = async () => {
    const seen = new Map<string, number>();
    const allRendered = await eventually(
      "every renderer to have rendered before the kill",
      async () => {
        for (const r of renderers) seen.set(r.name, await renderedOk(r));
        return renderers.every((r) => seen.get(r.name)! > 0) ? true : undefined;
      },
      15_000,
    ).catch((error: unknown) => error);
    assert.equal(
      allRendered,
      true,
      `each of the three renderers renders invoices before the kill (round robin), but after ${KILL_AFTER_PAID} payments: ` +
        `${counts(renderers, seen)} (${allRendered instanceof Error ? allRendered.message : ""})`,
    );

    let chosen: Renderer | undefined;
    const lookUntil = Date.now() + 1_000;
    while (!chosen && Date.now() < lookUntil) {
      for (const r of renderers) {
        const inFlight = sample(await scrape(r), "renderer_in_flight");
        if (inFlight > 0) {
          chosen = r;
          victimInFlight = inFlight;
          break;
        }
      }
    }
    victim = chosen ?? renderers[1]!;
    survivors = renderers.filter((r) => r !== victim);
    for (const r of survivors) beforeKill.set(r.name, await renderedOk(r));
    beforeKill.set(victim.name, await renderedOk(victim)); // read last: as close to the kill as it gets
    await victim.service.stop("SIGKILL");
    killedAtMs = Date.now();
  };

  it(`spreads ${PAYMENTS} payments' renders over three renderers and SIGKILLs one after ${KILL_AFTER_PAID}`, async (t) => {
    const runId = randomUUID().slice(0, 8);
    let paid = 0;
    let kill: Promise<void> | undefined;
    let inFlight = 0;
    let slotFreed: (() => void) | undefined;
    const work: Promise<void>[] = [];
    const failures: string[] = [];

    const pay = async (index: number) => {
      const startedAtMs = Date.now();
      const { order } = await orders.createOrder(sampleOrder(`Failover Buyer ${index}`));
      assert.ok(order, `CreateOrder ${index} returned an order`);
      const paymentId = `pay_failover_${runId}_${index}`;
      await orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });
      payments.push({ index, paymentId, orderId: order.orderId, startedAtMs });
      if (++paid === KILL_AFTER_PAID) {
        kill = killOneRenderer();
        kill.catch(() => undefined); // handled where it is awaited below
      }
    };

    loadStartedAtMs = Date.now();
    for (let index = 0; index < PAYMENTS; index++) {
      if (index === KILL_GATE_INDEX) {
        await eventually("the renderer kill to be under way", () => (kill ? true : undefined), 30_000);
        await kill;
      }
      while (inFlight >= CONCURRENCY) await new Promise<void>((resolve) => (slotFreed = resolve));
      inFlight++;
      work.push(
        pay(index)
          .catch((error: unknown) => {
            failures.push(`payment ${index}: ${error instanceof Error ? error.message : String(error)}`);
          })
          .finally(() => {
            inFlight--;
            slotFreed?.();
          }),
      );
      await sleep(ARRIVAL_INTERVAL_MS);
    }
    await Promise.all(work);
    await kill;
    loadEndedAtMs = Date.now();

    assert.deepEqual(failures, [], "every CreateOrder and CompletePayment answered");
    assert.equal(payments.length, PAYMENTS, "every payment answered");
    assert.ok(victim && killedAtMs > 0, "one renderer was killed");
    assert.equal(victim.service.process.signalCode, "SIGKILL", `${victim.name} ended by SIGKILL`);
    for (const r of renderers) {
      assert.ok((beforeKill.get(r.name) ?? 0) > 0, `${r.name} rendered invoices before the kill: ${counts(renderers, beforeKill)}`);
    }
    const afterKill = payments.filter((p) => p.startedAtMs >= killedAtMs).length;
    t.diagnostic(
      `load ${loadEndedAtMs - loadStartedAtMs} ms; killed ${victim.name} (${victimInFlight} render(s) in flight at its last scrape) ` +
        `${killedAtMs - loadStartedAtMs} ms in, after ${payments.filter((p) => p.startedAtMs < killedAtMs).length} payments started; ` +
        `${afterKill} started after it; rendered ok before the kill: ${counts(renderers, beforeKill)}`,
    );
  });

  it("issues every invoice READY, each with its own number, and dead-letters nothing", async (t) => {
    assert.equal(payments.length, PAYMENTS, "the load step made every payment");
    const latest = new Map<string, Invoice | undefined>();
    const pending = () => payments.filter((p) => latest.get(p.paymentId)?.status !== InvoiceStatus.READY);
    const waitStarted = Date.now();
    // Until every invoice is READY, or one has FAILED (the answer then is already known).
    await eventually(
      "every invoice to be READY",
      async () => {
        for (const p of pending()) latest.set(p.paymentId, await invoiceOf(p.paymentId));
        const failed = payments.some((p) => latest.get(p.paymentId)?.status === InvoiceStatus.FAILED);
        return pending().length === 0 || failed ? true : undefined;
      },
      40_000,
    ).catch(() => undefined);
    settled = latest;
    t.diagnostic(`all READY ${Date.now() - loadEndedAtMs} ms after the last payment (waited ${Date.now() - waitStarted} ms here)`);

    const notReady = pending().map((p) => {
      const invoice = latest.get(p.paymentId);
      if (!invoice) return `${p.paymentId} (payment ${p.index}): no invoice`;
      const reason = invoice.failureReason ? `: ${invoice.failureReason}` : "";
      return `${p.paymentId} (payment ${p.index}, ${invoice.number}): ${InvoiceStatus[invoice.status]}${reason}`;
    });
    const letters = await listDeadLetters(nc);
    assert.deepEqual(notReady, [], `${notReady.length} of ${PAYMENTS} invoices not READY:\n${notReady.join("\n")}`);
    assert.deepEqual(
      letters.map((l) => `${l.subject} after ${l.attempts} attempts: ${l.reason}`),
      [],
      "no dead letter in DEAD_LETTERS",
    );

    const numbers = payments.map((p) => latest.get(p.paymentId)!.number);
    const repeated = numbers.filter((n, i) => numbers.indexOf(n) !== i);
    assert.deepEqual(repeated, [], "every invoice has a number of its own");
    for (const n of numbers) assert.match(n, /^INV-\d{4}-\d{6}$/);
    // A fresh store, so gap-free means exactly 1..N: no number was burnt by a lost render.
    const counters = numbers.map((n) => Number(n.split("-").at(-1))).sort((a, b) => a - b);
    assert.deepEqual(
      counters,
      Array.from({ length: PAYMENTS }, (_, i) => i + 1),
      "the numbers run 1..N without gaps",
    );
  });

  it("moves the load to the two survivors", async (t) => {
    assert.ok(victim && settled, "the earlier steps ran");
    const afterKill = payments.filter((p) => p.startedAtMs >= killedAtMs).length;
    assert.ok(afterKill > 0, "some payments were made after the kill");
    for (const service of [...survivors.map((r) => r.service), invoiceService]) {
      const child = service.process;
      assert.ok(
        child.exitCode === null && child.signalCode === null,
        `${service.name} still runs (exit ${child.exitCode}, ${child.signalCode})`,
      );
    }

    const atEnd = new Map<string, number>();
    for (const r of survivors) atEnd.set(r.name, await renderedOk(r));
    const grew = survivors.map((r) => atEnd.get(r.name)! - beforeKill.get(r.name)!);
    const retries = readFileSync(join(stack.logDir, "invoice.log"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"transient failure, retrying"'));
    t.diagnostic(
      `rendered ok before the kill: ${counts(renderers, beforeKill)}; at the end: ${counts(survivors, atEnd)}; ` +
        `${afterKill} payments after the kill; message-level render retries in the invoice log: ${retries.length}`,
    );
    for (const [i, r] of survivors.entries()) {
      assert.ok(
        grew[i]! > 0,
        `${r.name} rendered after ${victim.name} was killed: ${beforeKill.get(r.name)} before, ${atEnd.get(r.name)} at the end`,
      );
    }
    const carried = grew.reduce((a, b) => a + b, 0);
    assert.ok(
      carried >= afterKill,
      `the survivors rendered ${carried} invoices after the kill (${survivors.map((r, i) => `${r.name} +${grew[i]}`).join(", ")}), ` +
        `fewer than the ${afterKill} payments made after it`,
    );
  });
});

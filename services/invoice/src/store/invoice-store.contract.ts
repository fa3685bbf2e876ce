import { create } from "@bufbuild/protobuf";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { documentSource, type InvoiceStore } from "../issuing/invoice-store.js";

/** The behaviour every InvoiceStore adapter must show; run once per adapter. */
export function invoiceStoreContract(name: string, open: () => Promise<InvoiceStore>): void {
  describe(`InvoiceStore contract: ${name}`, () => {
    let store: InvoiceStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    // Each test draws from its own series so the tests stay independent.
    const series = () => `T${randomUUID().slice(0, 6).toUpperCase()}`;
    const inYear = (year: number) => () => new Date(Date.UTC(year, 5, 1));
    const draft = (customerId = "c1"): Invoice =>
      create(InvoiceSchema, {
        invoiceId: `inv_${randomUUID()}`,
        paymentId: `pay_${randomUUID()}`,
        orderId: `ord_${randomUUID()}`,
        status: InvoiceStatus.PENDING,
        customer: { customerId, name: "Ada" },
        currency: "EUR",
        totals: { net: 1000n, tax: 190n, gross: 1190n },
        traceId: "0af7651916cd43dd8448eb211c80319c",
      });

    it("numbers invoices 1, 2, 3 in their series and year", async () => {
      const s = series();
      const numbers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { invoice, created } = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) });
        assert.equal(created, true);
        numbers.push(invoice.number);
      }
      assert.deepEqual(numbers, [`${s}-2026-000001`, `${s}-2026-000002`, `${s}-2026-000003`]);
      const nextYear = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2027) });
      assert.equal(nextYear.invoice.number, `${s}-2027-000001`);
    });

    it("returns the existing invoice for a payment seen before, using no number", async () => {
      const s = series();
      const first = draft();
      const a = await store.createNumbered({ invoice: first, series: s, clock: inYear(2026) });
      const again = await store.createNumbered({
        invoice: { ...draft(), paymentId: first.paymentId },
        series: s,
        clock: inYear(2026),
      });
      assert.equal(again.created, false);
      assert.equal(again.invoice.invoiceId, a.invoice.invoiceId);
      assert.equal(again.invoice.number, a.invoice.number);
      const next = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) });
      assert.equal(next.invoice.number, `${s}-2026-000002`);
    });

    it("gives one invoice and one number to concurrent duplicates, no gaps", async () => {
      const s = series();
      const payments = Array.from({ length: 5 }, () => draft());
      const calls = payments.flatMap((p) =>
        Array.from({ length: 4 }, () =>
          store.createNumbered({ invoice: { ...p, invoiceId: `inv_${randomUUID()}` }, series: s, clock: inYear(2026) }),
        ),
      );
      const results = await Promise.all(calls);
      assert.equal(results.filter((r) => r.created).length, 5);
      const numbers = new Set(results.map((r) => r.invoice.number));
      assert.deepEqual(
        [...numbers].sort(),
        [1, 2, 3, 4, 5].map((n) => `${s}-2026-00000${n}`),
      );
      for (const p of payments) {
        const forPayment = new Set(results.filter((r) => r.invoice.paymentId === p.paymentId).map((r) => r.invoice.invoiceId));
        assert.equal(forPayment.size, 1);
      }
    });

    it("keys a credit note by its refund: beside its payment's invoice, once per refund", async () => {
      const s = series();
      const cn = `C${s}`;
      const { invoice } = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) });
      const creditNote = (refundId: string) => ({
        invoice: {
          ...draft(),
          paymentId: invoice.paymentId,
          kind: DocumentKind.CREDIT_NOTE,
          refundId,
          creditedInvoiceNumber: invoice.number,
        },
        series: cn,
        clock: inYear(2026),
      });
      const [first, duplicate] = await Promise.all([store.createNumbered(creditNote("ref_1")), store.createNumbered(creditNote("ref_1"))]);
      assert.equal([first.created, duplicate.created].filter(Boolean).length, 1);
      assert.equal(first.invoice.invoiceId, duplicate.invoice.invoiceId);
      assert.equal(first.invoice.number, `${cn}-2026-000001`);
      const second = await store.createNumbered(creditNote("ref_2"));
      assert.equal(second.invoice.number, `${cn}-2026-000002`);
      assert.equal((await store.getBySource(documentSource.creditNote("ref_2")))?.invoiceId, second.invoice.invoiceId);
      // The invoice is still the payment's document, and its series moved on by itself only.
      assert.equal((await store.getBySource(documentSource.invoice(invoice.paymentId)))?.invoiceId, invoice.invoiceId);
      assert.equal((await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) })).invoice.number, `${s}-2026-000002`);
    });

    it("reads by id and by payment", async () => {
      const { invoice } = await store.createNumbered({ invoice: draft(), series: series(), clock: inYear(2026) });
      assert.equal((await store.get(invoice.invoiceId))?.number, invoice.number);
      assert.equal((await store.getBySource(documentSource.invoice(invoice.paymentId)))?.invoiceId, invoice.invoiceId);
      assert.equal(await store.get("inv_missing"), undefined);
      assert.equal(await store.getBySource(documentSource.invoice("pay_missing")), undefined);
    });

    it("marks READY with the PDF's size and hash, and FAILED with a reason", async () => {
      const s = series();
      const { invoice } = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) });
      const ready = await store.markReady(invoice.invoiceId, { size: 1234n, sha256: "ab".repeat(32), readyAt: new Date() });
      assert.equal(ready.status, InvoiceStatus.READY);
      const read = await store.get(invoice.invoiceId);
      assert.equal(read?.pdfSize, 1234n);
      assert.equal(read?.pdfSha256, "ab".repeat(32));
      // A READY invoice is never downgraded.
      await store.markFailed(invoice.invoiceId, "late failure");
      assert.equal((await store.get(invoice.invoiceId))?.status, InvoiceStatus.READY);
      // A second READY (a worker that lost a race) keeps the first PDF's hash.
      const again = await store.markReady(invoice.invoiceId, { size: 99n, sha256: "cd".repeat(32), readyAt: new Date() });
      assert.equal(again.pdfSha256, "ab".repeat(32));
      assert.equal((await store.get(invoice.invoiceId))?.pdfSize, 1234n);
      const other = await store.createNumbered({ invoice: draft(), series: s, clock: inYear(2026) });
      await store.markFailed(other.invoice.invoiceId, "renderer unavailable");
      const failed = await store.get(other.invoice.invoiceId);
      assert.equal(failed?.status, InvoiceStatus.FAILED);
      assert.equal(failed?.failureReason, "renderer unavailable");
    });

    it("lists a customer's invoices newest first, page by page", async () => {
      const customer = `cust_${randomUUID()}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        // Two share a timestamp, so the tie-breaker is exercised.
        const { invoice } = await store.createNumbered({
          invoice: draft(customer),
          series: series(),
          clock: () => new Date(1_764_000_000_000 + Math.min(i, 3) * 1000),
        });
        ids.push(invoice.invoiceId);
      }
      await store.createNumbered({ invoice: draft("someone-else"), series: series(), clock: inYear(2026) });
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.listByCustomer(customer, 2, token);
        seen.push(...page.invoices.map((i) => i.invoiceId));
        token = page.nextPageToken;
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.equal(seen.length, 5);
      assert.deepEqual(new Set(seen), new Set(ids));
      assert.equal(seen[4], ids[0], "oldest comes last");
    });
  });
}

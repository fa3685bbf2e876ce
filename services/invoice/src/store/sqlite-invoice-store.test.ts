import { create, toBinary } from "@bufbuild/protobuf";
import { InvoiceSchema, InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { documentSource } from "../issuing/invoice-store.js";
import { SqliteInvoiceStore } from "./sqlite-invoice-store.js";

describe("SqliteInvoiceStore on a file from before credit notes", () => {
  it("keeps its invoices and numbers, keyed by payment", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "invoice-migrate-")), "invoice.sqlite");
    const old = new Database(path);
    old.exec(`
      CREATE TABLE number_series (series_key TEXT PRIMARY KEY, last INTEGER NOT NULL);
      CREATE TABLE invoices (
        invoice_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL UNIQUE, number TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL, status INTEGER NOT NULL, issued_at INTEGER NOT NULL, invoice_pb BLOB NOT NULL);
      CREATE INDEX invoices_by_customer ON invoices(customer_id, issued_at DESC, invoice_id DESC);
      INSERT INTO number_series VALUES ('INV-2026', 1);
    `);
    const invoice = create(InvoiceSchema, {
      invoiceId: "inv_old",
      number: "INV-2026-000001",
      paymentId: "pay_old",
      status: InvoiceStatus.READY,
      customer: { customerId: "c1" },
    });
    old
      .prepare("INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run("inv_old", "pay_old", invoice.number, "c1", invoice.status, 1_764_000_000_000, toBinary(InvoiceSchema, invoice));
    old.close();

    const store = new SqliteInvoiceStore(path);
    try {
      assert.equal((await store.getBySource(documentSource.invoice("pay_old")))?.invoiceId, "inv_old");
      assert.equal((await store.listByCustomer("c1", 10, undefined)).invoices.length, 1);
      const next = await store.createNumbered({
        invoice: create(InvoiceSchema, { invoiceId: "inv_new", paymentId: "pay_new", status: InvoiceStatus.PENDING }),
        series: "INV",
        clock: () => new Date(Date.UTC(2026, 5, 1)),
      });
      assert.equal(next.invoice.number, "INV-2026-000002");
    } finally {
      await store.close();
    }
    // Opening it again finds the new shape and changes nothing.
    const reopened = new SqliteInvoiceStore(path);
    assert.equal((await reopened.get("inv_new"))?.number, "INV-2026-000002");
    await reopened.close();
  });
});

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { InvoiceSchema, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { openSqlite, whileBusy, type SqliteDatabase } from "@invoicing/service-kit/storage";
import {
  formatInvoiceNumber,
  sourceOf,
  type CreateResult,
  type InvoicePage,
  type InvoiceStore,
  type NewInvoice,
} from "../issuing/invoice-store.js";
import { applyFailed, applyReady, type StoredPdf } from "../issuing/invoice-status.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

const schema = `
CREATE TABLE IF NOT EXISTS number_series (
  series_key TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
  invoice_id TEXT PRIMARY KEY,
  source_key TEXT NOT NULL UNIQUE,
  payment_id TEXT NOT NULL,
  number TEXT NOT NULL UNIQUE,
  customer_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  invoice_pb BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_by_payment ON invoices(payment_id);
CREATE INDEX IF NOT EXISTS invoices_by_customer ON invoices(customer_id, issued_at DESC, invoice_id DESC);
`;

// Stores written before credit notes keyed invoices by a unique payment_id: rebuild the table
// with the source key, since SQLite cannot drop a UNIQUE constraint in place.
const migrateToSourceKeys = (db: SqliteDatabase) => {
  const migrated = () => {
    const columns = db.prepare("SELECT name FROM pragma_table_info('invoices')").all() as Array<{ name: string }>;
    return columns.length === 0 || columns.some((c) => c.name === "source_key");
  };
  if (migrated()) return;
  db.transaction(() => {
    // Asked again under the write lock: another worker opening the same file may have
    // migrated it since.
    if (migrated()) return;
    db.exec(`
      ALTER TABLE invoices RENAME TO invoices_before_sources;
      DROP INDEX IF EXISTS invoices_by_customer;
      ${schema}
      INSERT INTO invoices (invoice_id, source_key, payment_id, number, customer_id, status, issued_at, invoice_pb)
        SELECT invoice_id, 'payment:' || payment_id, payment_id, number, customer_id, status, issued_at, invoice_pb
        FROM invoices_before_sources;
      DROP TABLE invoices_before_sources;
    `);
  }).immediate();
};

type Row = { invoice_pb: Buffer };
const decode = (row: Row | undefined) => row && fromBinary(InvoiceSchema, row.invoice_pb);

export class SqliteInvoiceStore implements InvoiceStore {
  readonly #db: SqliteDatabase;

  constructor(path: string) {
    this.#db = openSqlite(path, schema, migrateToSourceKeys);
  }

  async createNumbered(input: NewInvoice): Promise<CreateResult> {
    return whileBusy(() => {
      const { invoice, series } = input;
      // BEGIN IMMEDIATE: the write lock is held from the first read, so between the lookup by
      // source and the insert no other worker (thread or process) can number anything. The
      // counter update and the invoice insert commit together or not at all: a crash before the
      // commit leaves the counter where it was, so no number is skipped; the lock and the unique
      // source mean no number is used twice and no payment (or refund) gets two documents.
      const source = sourceOf(invoice);
      const create = this.#db.transaction((): CreateResult => {
        const existing = decode(this.#db.prepare("SELECT invoice_pb FROM invoices WHERE source_key = ?").get(source) as Row);
        if (existing) return { invoice: existing, created: false };
        // Read under the write lock: the next number is never issued before an earlier one.
        const issuedAt = input.clock();
        const year = issuedAt.getUTCFullYear();
        const key = `${series}-${year}`;
        const { last } = this.#db
          .prepare(
            `INSERT INTO number_series (series_key, last) VALUES (?, 1)
             ON CONFLICT(series_key) DO UPDATE SET last = last + 1 RETURNING last`,
          )
          .get(key) as { last: number };
        const numbered: Invoice = {
          ...invoice,
          number: formatInvoiceNumber(series, year, last),
          issuedAt: timestampFromDate(issuedAt),
        };
        this.#db
          .prepare(
            `INSERT INTO invoices (invoice_id, source_key, payment_id, number, customer_id, status, issued_at, invoice_pb)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            numbered.invoiceId,
            source,
            numbered.paymentId,
            numbered.number,
            numbered.customer?.customerId ?? "",
            numbered.status,
            issuedAt.getTime(),
            toBinary(InvoiceSchema, numbered),
          );
        return { invoice: numbered, created: true };
      });
      return create.immediate();
    });
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    return whileBusy(() => {
      return decode(this.#db.prepare("SELECT invoice_pb FROM invoices WHERE invoice_id = ?").get(invoiceId) as Row);
    });
  }

  async getBySource(source: string): Promise<Invoice | undefined> {
    return whileBusy(() => {
      return decode(this.#db.prepare("SELECT invoice_pb FROM invoices WHERE source_key = ?").get(source) as Row);
    });
  }

  async listByCustomer(customerId: string, pageSize: number, pageToken: string | undefined): Promise<InvoicePage> {
    return whileBusy(() => {
      const after = pageToken ? decodePageToken(pageToken) : undefined;
      const rows = (
        after
          ? this.#db
              .prepare(
                `SELECT invoice_pb, issued_at, invoice_id FROM invoices
                 WHERE customer_id = ? AND (issued_at, invoice_id) < (?, ?)
                 ORDER BY issued_at DESC, invoice_id DESC LIMIT ?`,
              )
              .all(customerId, after.issuedAtMs, after.invoiceId, pageSize + 1)
          : this.#db
              .prepare(
                `SELECT invoice_pb, issued_at, invoice_id FROM invoices WHERE customer_id = ?
                 ORDER BY issued_at DESC, invoice_id DESC LIMIT ?`,
              )
              .all(customerId, pageSize + 1)
      ) as Array<Row & { issued_at: number; invoice_id: string }>;
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      return {
        invoices: page.map((row) => fromBinary(InvoiceSchema, row.invoice_pb)),
        nextPageToken:
          rows.length > pageSize && last ? encodePageToken({ issuedAtMs: last.issued_at, invoiceId: last.invoice_id }) : undefined,
      };
    });
  }

  async markReady(invoiceId: string, pdf: StoredPdf): Promise<Invoice> {
    return whileBusy(() => {
      const updated = this.#update(invoiceId, (invoice) => applyReady(invoice, pdf));
      if (!updated) throw new Error(`invoice ${invoiceId} does not exist`);
      return updated;
    });
  }

  async markFailed(invoiceId: string, reason: string): Promise<Invoice | undefined> {
    return whileBusy(() => {
      return this.#update(invoiceId, (invoice) => applyFailed(invoice, reason));
    });
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #update(invoiceId: string, change: (invoice: Invoice) => void): Invoice | undefined {
    return this.#db
      .transaction(() => {
        const invoice = decode(this.#db.prepare("SELECT invoice_pb FROM invoices WHERE invoice_id = ?").get(invoiceId) as Row);
        if (!invoice) return undefined;
        change(invoice);
        this.#db
          .prepare("UPDATE invoices SET status = ?, invoice_pb = ? WHERE invoice_id = ?")
          .run(invoice.status, toBinary(InvoiceSchema, invoice), invoiceId);
        return invoice;
      })
      .immediate();
  }
}

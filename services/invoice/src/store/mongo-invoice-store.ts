import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { isDuplicateKeyError, toInt64 } from "@invoicing/service-kit/storage";
import type { Collection, Db, Filter, MongoClient } from "mongodb";
import {
  formatInvoiceNumber,
  sourceOf,
  type CreateResult,
  type InvoicePage,
  type InvoiceStore,
  type NewInvoice,
} from "../issuing/invoice-store.js";
import type { StoredPdf } from "../issuing/invoice-status.js";
import { decode, newInvoiceDoc, type InvoiceDoc } from "./mongo-invoice-documents.js";
import { backfillNumberParts, migrateInvoices } from "./mongo-invoice-migrations.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

/**
 * A worker loses an attempt only to another worker's successful insert of the same number, so
 * under any real contention this is never reached; past it the call fails as transient (the
 * event is tried again later) rather than spin.
 */
const MAX_NUMBERING_ATTEMPTS = 100;

/**
 * Invoices in one MongoDB collection, relying only on single-document atomicity and unique
 * indexes: no transaction, no session, no pipeline update. So it runs alike on a standalone
 * mongod, a replica set and MongoDB-wire servers such as FerretDB.
 */
export class MongoInvoiceStore implements InvoiceStore {
  readonly #client: MongoClient;
  readonly #invoices: Collection<InvoiceDoc>;

  private constructor(client: MongoClient, db: Db) {
    this.#client = client;
    // Majority on both sides: a number read as taken, or a document read as a source's, has
    // been acknowledged by most of a replica set, so a failover cannot roll it back after a
    // number was derived from it (on a standalone mongod majority is the one node).
    this.#invoices = db.collection<InvoiceDoc>("invoices", {
      readConcern: { level: "majority" },
      writeConcern: { w: "majority" },
      readPreference: "primary",
    });
  }

  /**
   * Migrates documents of the older adapters in place and creates the indexes; idempotent and
   * safe beside running workers (see mongo-invoice-migrations.ts). The old number_series
   * collection is left as it was: nothing here reads it.
   */
  static async open(client: MongoClient, db: Db): Promise<MongoInvoiceStore> {
    const store = new MongoInvoiceStore(client, db);
    await migrateInvoices(store.#invoices);
    return store;
  }

  async createNumbered(input: NewInvoice): Promise<CreateResult> {
    const { invoice, series } = input;
    const source = sourceOf(invoice);
    let collided: number | undefined;
    for (let attempt = 1; attempt <= MAX_NUMBERING_ATTEMPTS; attempt++) {
      const existing = await this.getBySource(source);
      if (existing) return { invoice: existing, created: false };
      const year = input.clock().getUTCFullYear();
      const counter = (await this.#lastCounter(series, year)) + 1;
      // The issue date is read after the max, so dates rise with numbers with no lock: counter
      // n was inserted, with a date read before its insert, before this read could see it, so
      // this date is no earlier (across hosts, to within their clocks' skew). A year that ended
      // in between is numbered in the new year by the next attempt.
      const issuedAt = input.clock();
      if (issuedAt.getUTCFullYear() !== year) continue;
      const numbered: Invoice = { ...invoice, number: formatInvoiceNumber(series, year, counter), issuedAt: timestampFromDate(issuedAt) };
      // The number is assigned here, and only here: a number exists only as an inserted
      // document, and the insert of one document is atomic, so it is taken whole or not at all.
      // - No repeat: (series, year, counter) and number are unique indexes, so of two workers
      //   that read the same max only one insert succeeds; the other gets a duplicate key and
      //   reads again.
      // - No gap: documents are never deleted, and a counter is max+1 of those that exist, so
      //   counter n is inserted only after n-1 was (1 needs nothing). A crash before the insert
      //   leaves no number behind; nothing was reserved, so there is nothing to give back.
      // - One document per source: source_key is unique. A crash after the insert leaves the
      //   document; the event comes again and the lookup above (or, in a race, the duplicate
      //   key on source_key below) returns that document and its number, taking no other.
      try {
        await this.#invoices.insertOne(newInvoiceDoc(numbered, source, { series, year, counter }));
        return { invoice: numbered, created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Either another worker numbered this source (the lookup at the top returns it) or it
        // took this number first (the next max is higher). Which one, the loop finds out.
        // The same number twice means its holder has no counter to be found by: a document
        // inserted by a worker of the old adapter since open(), so give it one.
        if (collided === counter) await backfillNumberParts(this.#invoices);
        collided = counter;
      }
    }
    throw new Error(`source ${source}: no number taken in series ${series} after ${MAX_NUMBERING_ATTEMPTS} attempts lost to other workers`);
  }

  /** The highest counter of (series, year), read backwards along the unique index; 0 when none. */
  async #lastCounter(series: string, year: number): Promise<number> {
    const last = await this.#invoices.findOne(
      { series, year },
      { sort: { series: -1, year: -1, counter: -1 }, projection: { _id: 0, counter: 1 } },
    );
    return last?.counter ?? 0;
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    return decode(await this.#invoices.findOne({ invoice_id: invoiceId }));
  }

  async getBySource(source: string): Promise<Invoice | undefined> {
    return decode(await this.#invoices.findOne({ source_key: source }));
  }

  /** Keyset pages on (issued_at, invoice_id) descending, the same tokens as the SQLite adapter. */
  async listByCustomer(customerId: string, pageSize: number, pageToken: string | undefined): Promise<InvoicePage> {
    const after = pageToken ? decodePageToken(pageToken) : undefined;
    const filter: Filter<InvoiceDoc> = { customer_id: customerId };
    if (after) {
      const at = new Date(after.issuedAtMs);
      filter.$or = [{ issued_at: { $lt: at } }, { issued_at: at, invoice_id: { $lt: after.invoiceId } }];
    }
    const docs = await this.#invoices
      .find(filter)
      .sort({ issued_at: -1, invoice_id: -1 })
      .limit(pageSize + 1)
      .toArray();
    const page = docs.slice(0, pageSize);
    const last = page.at(-1);
    return {
      invoices: page.map((doc) => decode(doc)!),
      nextPageToken:
        docs.length > pageSize && last ? encodePageToken({ issuedAtMs: last.issued_at.getTime(), invoiceId: last.invoice_id }) : undefined,
    };
  }

  // The status rules of invoice-status.ts, said as filters: READY is final, so both updates
  // match only a document that is not READY yet, and the server applies the filter and the
  // $set to the one document atomically. A racing markReady and markFailed therefore cannot
  // interleave, and a second READY cannot replace the first PDF's hash.

  async markReady(invoiceId: string, pdf: StoredPdf): Promise<Invoice> {
    const updated = await this.#invoices.findOneAndUpdate(
      { invoice_id: invoiceId, status: { $ne: InvoiceStatus.READY } },
      {
        $set: {
          status: InvoiceStatus.READY,
          pdf_size: toInt64(pdf.size),
          pdf_sha256: pdf.sha256,
          ready_at: pdf.readyAt,
          failure_reason: "",
        },
      },
      { returnDocument: "after" },
    );
    // No match: already READY (the first PDF stands) or no such invoice.
    const invoice = decode(updated) ?? (await this.get(invoiceId));
    if (!invoice) throw new Error(`invoice ${invoiceId} does not exist`);
    return invoice;
  }

  async markFailed(invoiceId: string, reason: string): Promise<Invoice | undefined> {
    const updated = await this.#invoices.findOneAndUpdate(
      { invoice_id: invoiceId, status: { $ne: InvoiceStatus.READY } },
      { $set: { status: InvoiceStatus.FAILED, failure_reason: reason } },
      { returnDocument: "after" },
    );
    return decode(updated) ?? (await this.get(invoiceId));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

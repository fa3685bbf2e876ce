import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { isDuplicateKeyError, transactionOptions } from "@invoicing/service-kit/storage";
import type { ClientSession, Collection, Db, Filter, MongoClient } from "mongodb";
import {
  formatInvoiceNumber,
  sourceOf,
  type CreateResult,
  type InvoicePage,
  type InvoiceStore,
  type NewInvoice,
} from "../issuing/invoice-store.js";
import { applyFailed, applyReady, type StoredPdf } from "../issuing/invoice-status.js";
import { decode, invoiceFields, newInvoiceDoc, type InvoiceDoc, type SeriesDoc } from "./mongo-invoice-documents.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

/** Invoices and their number series in MongoDB; atomic by transaction (see createNumbered). */
export class MongoInvoiceStore implements InvoiceStore {
  readonly #client: MongoClient;
  readonly #invoices: Collection<InvoiceDoc>;
  readonly #series: Collection<SeriesDoc>;

  private constructor(client: MongoClient, db: Db) {
    this.#client = client;
    this.#invoices = db.collection<InvoiceDoc>("invoices");
    this.#series = db.collection<SeriesDoc>("number_series");
  }

  /**
   * Creates the indexes (a no-op when they exist with the same spec). This also creates the
   * collection, which servers before 4.4 refuse to do inside a transaction; number_series is
   * created by the first counter upsert, which runs outside one.
   */
  static async open(client: MongoClient, db: Db): Promise<MongoInvoiceStore> {
    const store = new MongoInvoiceStore(client, db);
    // Before credit notes, invoices were unique by payment: key those by their payment now.
    await store.#invoices.dropIndex("payment_id_unique").catch(() => undefined);
    await store.#invoices.updateMany({ source_key: { $exists: false } }, [
      { $set: { source_key: { $concat: ["payment:", "$payment_id"] } } },
    ]);
    await store.#invoices.createIndexes([
      { key: { invoice_id: 1 }, name: "invoice_id_unique", unique: true },
      { key: { source_key: 1 }, name: "source_key_unique", unique: true },
      { key: { payment_id: 1 }, name: "payment_id" },
      { key: { number: 1 }, name: "number_unique", unique: true },
      { key: { customer_id: 1, issued_at: -1, invoice_id: -1 }, name: "by_customer" },
    ]);
    return store;
  }

  async createNumbered(input: NewInvoice): Promise<CreateResult> {
    // Read once, before the counter is ensured: the MongoDB adapter has no numbering lock to
    // read it under, so two workers can commit in the other order than they read the clock.
    const issuedAt = input.clock();
    const key = `${input.series}-${issuedAt.getUTCFullYear()}`;
    // The counter document exists before the transaction: two transactions that both upsert a
    // missing one could fail with a duplicate key instead of a retryable write conflict.
    // Outside a transaction the server retries such an upsert itself (4.2+); a duplicate key
    // left over means the document exists, which is all this wants.
    await this.#series.updateOne({ _id: key }, { $setOnInsert: { last: 0 } }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    const session = this.#client.startSession();
    try {
      // withTransaction reruns this callback on a transient error (a write conflict on the
      // counter with another worker), so it keeps no state between runs and passes the
      // session to every operation.
      return await session.withTransaction((s) => this.#createIn(s, input, key, issuedAt), transactionOptions);
    } catch (error) {
      // A racing worker committed a document for this source first. Throwing out of the
      // callback aborted our transaction, so our counter increment is gone with it.
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.getBySource(sourceOf(input.invoice));
      if (winner) return { invoice: winner, created: false };
      throw error;
    } finally {
      await session.endSession();
    }
  }

  async #createIn(session: ClientSession, input: NewInvoice, key: string, issued: Date): Promise<CreateResult> {
    const { invoice, series } = input;
    const year = issued.getUTCFullYear();
    const source = sourceOf(invoice);
    const existing = decode(await this.#invoices.findOne({ source_key: source }, { session }));
    if (existing) return { invoice: existing, created: false };

    // No number is skipped: the increment and the invoice insert are one transaction, so they
    // commit together or, on any error or crash before the commit, neither does. No number is
    // repeated: the increment writes the counter document inside the transaction, so a second
    // transaction incrementing it meanwhile fails with a write conflict and is rerun from the
    // start, reading the committed value; the unique index on number backs this up.
    const counter = await this.#series.findOneAndUpdate(
      { _id: key },
      { $inc: { last: 1 } },
      { upsert: true, returnDocument: "after", session },
    );
    if (!counter) throw new Error(`number series ${key}: upsert returned no document`);
    const numbered: Invoice = {
      ...invoice,
      number: formatInvoiceNumber(series, year, counter.last),
      issuedAt: timestampFromDate(issued),
    };
    await this.#invoices.insertOne(newInvoiceDoc(numbered, source), { session });
    return { invoice: numbered, created: true };
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

  async markReady(invoiceId: string, pdf: StoredPdf): Promise<Invoice> {
    const updated = await this.#update(invoiceId, (invoice) => applyReady(invoice, pdf));
    if (!updated) throw new Error(`invoice ${invoiceId} does not exist`);
    return updated;
  }

  async markFailed(invoiceId: string, reason: string): Promise<Invoice | undefined> {
    return this.#update(invoiceId, (invoice) => applyFailed(invoice, reason));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Read, change, write back in one transaction, so a racing markReady and markFailed cannot interleave. */
  async #update(invoiceId: string, change: (invoice: Invoice) => void): Promise<Invoice | undefined> {
    const session = this.#client.startSession();
    try {
      return await session.withTransaction(async (s) => {
        // Decoded afresh on every run of the callback, so a rerun starts from the stored state.
        const invoice = decode(await this.#invoices.findOne({ invoice_id: invoiceId }, { session: s }));
        if (!invoice) return undefined;
        change(invoice);
        await this.#invoices.updateOne({ invoice_id: invoiceId }, { $set: invoiceFields(invoice) }, { session: s });
        return invoice;
      }, transactionOptions);
    } finally {
      await session.endSession();
    }
  }
}

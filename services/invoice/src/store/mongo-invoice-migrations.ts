import { ensureIndexes, isDuplicateKeyError } from "@invoicing/service-kit/storage";
import type { Collection, IndexDescription } from "mongodb";
import { documentSource } from "../issuing/invoice-store.js";
import type { InvoiceDoc } from "./mongo-invoice-documents.js";

// What MongoInvoiceStore.open() does to data written by older adapters. Every step is one
// single-document update whose filter matches only a document still in the old shape, so
// running it twice, or in two workers at once, writes each document at most once and always
// the same value; none needs a transaction or an update written as a pipeline.

const numberParts = /^(.+)-(\d{4})-(\d+)$/;

/** Before credit notes, a document was keyed by its payment only: key those by "payment:<id>". */
async function backfillSourceKeys(invoices: Collection<InvoiceDoc>): Promise<void> {
  const legacy = invoices.find({ source_key: { $exists: false } }, { projection: { _id: 1, payment_id: 1 } });
  for await (const doc of legacy) {
    await invoices.updateOne(
      { _id: doc._id, source_key: { $exists: false } },
      { $set: { source_key: documentSource.invoice(doc.payment_id) } },
    );
  }
}

/**
 * Before issue 13 a number lived only in `number` (its counter in number_series): split it
 * into the (series, year, counter) the unique index and the next number's read rely on.
 */
export async function backfillNumberParts(invoices: Collection<InvoiceDoc>): Promise<void> {
  const legacy = invoices.find({ counter: { $exists: false } }, { projection: { _id: 1, number: 1 } });
  for await (const doc of legacy) {
    const parts = numberParts.exec(doc.number);
    if (!parts) throw new Error(`invoice document ${String(doc._id)}: number ${JSON.stringify(doc.number)} is not SERIES-YYYY-COUNTER`);
    await invoices.updateOne(
      { _id: doc._id, counter: { $exists: false } },
      { $set: { series: parts[1]!, year: Number(parts[2]), counter: Number(parts[3]) } },
    );
  }
}

const indexes: IndexDescription[] = [
  { key: { invoice_id: 1 }, name: "invoice_id_unique", unique: true },
  { key: { source_key: 1 }, name: "source_key_unique", unique: true },
  { key: { payment_id: 1 }, name: "payment_id" },
  { key: { number: 1 }, name: "number_unique", unique: true },
  // Both what makes a number taken exactly once and what the next number is read from.
  { key: { series: 1, year: 1, counter: 1 }, name: "series_year_counter_unique", unique: true },
  { key: { customer_id: 1, issued_at: -1, invoice_id: -1 }, name: "by_customer" },
];

/**
 * Brings the collection to today's shape and creates the indexes (a no-op when they exist).
 * A worker of the old adapter still running may insert a document without number parts
 * between the backfill and the index build; two of those would both index as null and fail
 * the build, so it is backfilled and tried again.
 */
export async function migrateInvoices(invoices: Collection<InvoiceDoc>): Promise<void> {
  await invoices.dropIndex("payment_id_unique").catch(() => undefined);
  await backfillSourceKeys(invoices);
  for (let attempt = 1; ; attempt++) {
    await backfillNumberParts(invoices);
    try {
      await ensureIndexes(invoices, indexes);
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt === 3) throw error;
    }
  }
}

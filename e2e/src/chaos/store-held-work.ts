import Database from "better-sqlite3";
import { MongoClient, type Db } from "mongodb";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHAOS_MONGODB_DATABASE, type ChaosStack } from "./chaos-stack.js";

/**
 * Unfinished work a service's store shows, read as an operator could: events in the order
 * service's outbox the relay has not published, deliveries the notifier claimed and has not
 * recorded. Either lasts a few milliseconds at a payment a second, so the watch keeps one
 * connection open and is asked every millisecond or two: reopening it each time would look too
 * seldom and miss most of them.
 */
export interface StoreWatch {
  look: () => Promise<string | undefined>;
  everyMs: number;
  close: () => Promise<void>;
}

export function unpublishedEvents(stack: ChaosStack): StoreWatch {
  if (stack.store === "sqlite") {
    const sql = "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL";
    return sqliteWatch(join(stack.dataDir, "order.sqlite"), sql, "events in its outbox not yet published (order.sqlite)");
  }
  return mongoWatch(stack, async (db) => {
    // The event is embedded in its payment or refund (services/order/src/store/mongo-event-doc.ts).
    const [payments, refunds] = await Promise.all(
      ["payments", "sequenced_refunds"].map((name) => db.collection(name).countDocuments({ "event.pending": true }, { limit: 1 })),
    );
    return payments! + refunds! > 0 ? "events in its outbox not yet published (payments, sequenced_refunds)" : undefined;
  });
}

export function unrecordedClaims(stack: ChaosStack): StoreWatch {
  if (stack.store === "sqlite") {
    const sql =
      "SELECT count(*) AS n FROM delivery_claims c WHERE c.until > ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = c.invoice_id)";
    return sqliteWatch(join(stack.dataDir, "notifier.sqlite"), sql, "deliveries claimed and not recorded (notifier.sqlite)", () => [
      Date.now(),
    ]);
  }
  return mongoWatch(stack, async (db) => {
    const live = await db
      .collection<{ _id: string }>("delivery_claims")
      .find({ until: { $gt: new Date() } }, { projection: { _id: 1 } })
      .toArray();
    const open = await notRecorded(
      db,
      live.map((c) => c._id),
    );
    return open.length > 0 ? `${open.length} deliveries claimed and not recorded (delivery_claims)` : undefined;
  });
}

/**
 * The documents a killed notifier (by pid) had claimed and not recorded delivered, read from
 * its store once it is dead: exactly the ones it may have mailed inside the crash window.
 */
export async function abandonedClaims(stack: ChaosStack, pid: number): Promise<string[]> {
  // The holder is host:pid:instance (services/notifier/src/delivery).
  const heldBy = (holder: string) => holder.includes(`:${pid}:`);
  if (stack.store === "sqlite") {
    const db = new Database(join(stack.dataDir, "notifier.sqlite"), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          "SELECT invoice_id, holder FROM delivery_claims c WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = c.invoice_id)",
        )
        .all() as Array<{ invoice_id: string; holder: string }>;
      return rows.filter((r) => heldBy(r.holder)).map((r) => r.invoice_id);
    } finally {
      db.close();
    }
  }
  const client = new MongoClient(stack.mongodbUrl!, { directConnection: true });
  try {
    const db = client.db(CHAOS_MONGODB_DATABASE);
    const claims = await db.collection<{ _id: string; holder: string }>("delivery_claims").find({}).toArray();
    return await notRecorded(
      db,
      claims.filter((c) => heldBy(c.holder)).map((c) => c._id),
    );
  } finally {
    await client.close();
  }
}

async function notRecorded(db: Db, invoiceIds: string[]): Promise<string[]> {
  if (invoiceIds.length === 0) return [];
  const recorded = await db
    .collection<{ _id: string }>("deliveries")
    .find({ _id: { $in: invoiceIds } }, { projection: { _id: 1 } })
    .toArray();
  const done = new Set(recorded.map((d) => d._id));
  return invoiceIds.filter((id) => !done.has(id));
}

function sqliteWatch(path: string, sql: string, what: string, params: () => unknown[] = () => []): StoreWatch {
  let db: Database.Database | undefined;
  let query: Database.Statement | undefined;
  return {
    everyMs: 1,
    async look() {
      if (!query) {
        if (!existsSync(path)) return undefined;
        db = new Database(path, { readonly: true, fileMustExist: true });
        query = db.prepare(sql);
      }
      const { n } = query.get(...params()) as { n: number };
      return n > 0 ? `${n} ${what}` : undefined;
    },
    close: async () => {
      db?.close();
    },
  };
}

/** A query is a round trip to the server: every 2 ms keeps the watch from loading it much. */
function mongoWatch(stack: ChaosStack, look: (db: Db) => Promise<string | undefined>): StoreWatch {
  const client = new MongoClient(stack.mongodbUrl!, { directConnection: true, serverSelectionTimeoutMS: 2_000 });
  const db = client.db(CHAOS_MONGODB_DATABASE);
  return { everyMs: 2, look: () => look(db), close: () => client.close() };
}

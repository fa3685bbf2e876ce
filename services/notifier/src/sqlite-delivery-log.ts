import { openSqlite, type SqliteDatabase } from "@invoicing/service-kit/sqlite-database";
import type { Delivery, DeliveryLog } from "./delivery-log.js";

const schema = `
CREATE TABLE IF NOT EXISTS deliveries (
  invoice_id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  reference TEXT NOT NULL,
  delivered_at INTEGER NOT NULL
);
`;

export class SqliteDeliveryLog implements DeliveryLog {
  readonly #db: SqliteDatabase;

  constructor(path: string) {
    this.#db = openSqlite(path, schema);
  }

  async get(invoiceId: string): Promise<Delivery | undefined> {
    const row = this.#db.prepare("SELECT * FROM deliveries WHERE invoice_id = ?").get(invoiceId) as
      | { invoice_id: string; channel: string; reference: string; delivered_at: number }
      | undefined;
    return (
      row && {
        invoiceId: row.invoice_id,
        channel: row.channel,
        reference: row.reference,
        deliveredAt: new Date(row.delivered_at),
      }
    );
  }

  async record(delivery: Delivery): Promise<void> {
    this.#db
      .prepare(
        "INSERT INTO deliveries (invoice_id, channel, reference, delivered_at) VALUES (?, ?, ?, ?) ON CONFLICT(invoice_id) DO NOTHING",
      )
      .run(delivery.invoiceId, delivery.channel, delivery.reference, delivery.deliveredAt.getTime());
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

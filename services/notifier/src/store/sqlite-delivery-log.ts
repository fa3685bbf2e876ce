import { openSqlite, whileBusy, type SqliteDatabase } from "@invoicing/service-kit/storage";
import type { Claim, Delivery, DeliveryLog } from "../delivery/delivery-log.js";

const schema = `
CREATE TABLE IF NOT EXISTS deliveries (
  invoice_id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  reference TEXT NOT NULL,
  delivered_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS delivery_claims (
  invoice_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL
);
`;

type DeliveryRow = { invoice_id: string; channel: string; reference: string; delivered_at: number };
const toDelivery = (row: DeliveryRow): Delivery => ({
  invoiceId: row.invoice_id,
  channel: row.channel,
  reference: row.reference,
  deliveredAt: new Date(row.delivered_at),
});

export class SqliteDeliveryLog implements DeliveryLog {
  readonly #db: SqliteDatabase;

  constructor(path: string) {
    this.#db = openSqlite(path, schema);
  }

  async get(invoiceId: string): Promise<Delivery | undefined> {
    return whileBusy(() => {
      const row = this.#db.prepare("SELECT * FROM deliveries WHERE invoice_id = ?").get(invoiceId) as DeliveryRow | undefined;
      return row && toDelivery(row);
    });
  }

  async claim(invoiceId: string, holder: string, now: Date, leaseMs: number): Promise<Claim> {
    return whileBusy(() => {
      // IMMEDIATE: the read and the write of the claim happen under the file's write lock, so of
      // two processes claiming at once one sees the other's claim.
      const take = this.#db.transaction((): Claim => {
        const delivered = this.#db.prepare("SELECT * FROM deliveries WHERE invoice_id = ?").get(invoiceId) as DeliveryRow | undefined;
        if (delivered) return { state: "delivered", delivery: toDelivery(delivered) };
        const current = this.#db.prepare("SELECT holder, until FROM delivery_claims WHERE invoice_id = ?").get(invoiceId) as
          | { holder: string; until: number }
          | undefined;
        if (current && current.holder !== holder && current.until > now.getTime()) {
          return { state: "held", holder: current.holder, until: new Date(current.until) };
        }
        this.#db
          .prepare(
            `INSERT INTO delivery_claims (invoice_id, holder, until) VALUES (?, ?, ?)
             ON CONFLICT(invoice_id) DO UPDATE SET holder = excluded.holder, until = excluded.until`,
          )
          .run(invoiceId, holder, now.getTime() + leaseMs);
        return { state: "claimed" };
      });
      return take.immediate();
    });
  }

  async release(invoiceId: string, holder: string): Promise<void> {
    return whileBusy(() => {
      this.#db.prepare("DELETE FROM delivery_claims WHERE invoice_id = ? AND holder = ?").run(invoiceId, holder);
    });
  }

  async record(delivery: Delivery): Promise<void> {
    return whileBusy(() => {
      this.#db
        .transaction(() => {
          this.#db
            .prepare(
              "INSERT INTO deliveries (invoice_id, channel, reference, delivered_at) VALUES (?, ?, ?, ?) ON CONFLICT(invoice_id) DO NOTHING",
            )
            .run(delivery.invoiceId, delivery.channel, delivery.reference, delivery.deliveredAt.getTime());
          this.#db.prepare("DELETE FROM delivery_claims WHERE invoice_id = ?").run(delivery.invoiceId);
        })
        .immediate();
    });
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

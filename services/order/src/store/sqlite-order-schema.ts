import type { SqliteDatabase } from "@invoicing/service-kit/storage";

// The order store's tables. A payment's order_id is UNIQUE: an order is paid at most once,
// whatever races past a decision.

export const schema = `
CREATE TABLE IF NOT EXISTS orders (
  order_id TEXT PRIMARY KEY,
  status INTEGER NOT NULL,
  order_pb BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
  payment_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE REFERENCES orders(order_id),
  amount TEXT NOT NULL,
  method INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  completed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
  refund_id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments(payment_id),
  order_id TEXT NOT NULL,
  lines TEXT NOT NULL,
  amount TEXT NOT NULL,
  reason TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  refunded_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_by_payment ON refunds(payment_id, refunded_at);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  msg_id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  payload BLOB NOT NULL,
  traceparent TEXT NOT NULL,
  published_at INTEGER,
  delivered_at INTEGER,
  given_up_at INTEGER,
  given_up_reason TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox(published_at) WHERE delivered_at IS NULL AND published_at IS NOT NULL;
`;

const outboxColumns = (db: SqliteDatabase) =>
  (db.prepare("SELECT name FROM pragma_table_info('outbox')").all() as Array<{ name: string }>).map((c) => c.name);

/**
 * Brings an outbox written by an earlier version up to date by running `alter` once, unless
 * the outbox is new (the schema makes it whole) or has `column` already. Checked again inside
 * the write transaction: a competing process may have just added it.
 */
const addOutboxColumn = (db: SqliteDatabase, column: string, alter: string) => {
  const columns = outboxColumns(db);
  if (columns.length === 0 || columns.includes(column)) return;
  db.transaction(() => {
    if (!outboxColumns(db).includes(column)) db.exec(alter);
  }).immediate();
};

export const migrate = (db: SqliteDatabase) => {
  // Stores from before reconciliation: what was already published counts as delivered (it was,
  // as far as anything then could tell), so an upgrade does not republish the whole history.
  addOutboxColumn(db, "delivered_at", "ALTER TABLE outbox ADD COLUMN delivered_at INTEGER; UPDATE outbox SET delivered_at = published_at");
  // Stores from before failure reports: nothing was given up on then.
  addOutboxColumn(
    db,
    "given_up_at",
    "ALTER TABLE outbox ADD COLUMN given_up_at INTEGER; ALTER TABLE outbox ADD COLUMN given_up_reason TEXT",
  );
};

import { whileBusy, type SqliteDatabase } from "@invoicing/service-kit/storage";
import type { OutboxEntry } from "../payments/outbox-entry.js";

/** The outbox table of the SQLite order store: what the relay publishes and the reconciler puts back. */
export class SqliteOutbox {
  constructor(private readonly db: SqliteDatabase) {}

  /** Only inside the transaction that writes the event's cause. */
  queue(event: OutboxEntry): void {
    this.db
      .prepare("INSERT INTO outbox (msg_id, subject, payload, traceparent) VALUES (?, ?, ?, ?)")
      .run(event.msgId, event.subject, event.payload, event.traceparent);
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    return whileBusy(() => {
      const rows = this.db
        .prepare("SELECT msg_id, subject, payload, traceparent FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?")
        .all(limit) as Array<{ msg_id: string; subject: string; payload: Buffer; traceparent: string }>;
      return rows.map((row) => ({
        msgId: row.msg_id,
        subject: row.subject,
        payload: new Uint8Array(row.payload),
        traceparent: row.traceparent,
      }));
    });
  }

  async countPending(): Promise<number> {
    return whileBusy(() => {
      return (this.db.prepare("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").get() as { n: number }).n;
    });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    return whileBusy(() => {
      const mark = this.db.prepare("UPDATE outbox SET published_at = ? WHERE msg_id = ?");
      const now = Date.now();
      this.db.transaction(() => {
        for (const id of msgIds) mark.run(now, id);
      })();
    });
  }

  async markDelivered(msgId: string): Promise<boolean> {
    return whileBusy(() => {
      const marked = this.db.prepare("UPDATE outbox SET delivered_at = coalesce(delivered_at, ?) WHERE msg_id = ?").run(Date.now(), msgId);
      return marked.changes > 0;
    });
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    return whileBusy(() => {
      const known = this.db.prepare("SELECT 1 FROM outbox WHERE msg_id = ?").get(msgId);
      if (!known) return false;
      this.db
        .prepare("UPDATE outbox SET given_up_at = ?, given_up_reason = ? WHERE msg_id = ? AND given_up_at IS NULL")
        .run(Date.now(), reason, msgId);
      return true;
    });
  }

  async requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    return whileBusy(() => {
      const requeue = this.db.transaction(() => {
        const rows = this.db
          .prepare(
            `SELECT msg_id FROM outbox WHERE delivered_at IS NULL AND given_up_at IS NULL AND published_at IS NOT NULL AND published_at < ?
             ORDER BY published_at LIMIT ?`,
          )
          .all(publishedBefore.getTime(), limit) as Array<{ msg_id: string }>;
        const pending = this.db.prepare("UPDATE outbox SET published_at = NULL WHERE msg_id = ?");
        for (const row of rows) pending.run(row.msg_id);
        return rows.map((row) => row.msg_id);
      });
      return requeue.immediate();
    });
  }
}

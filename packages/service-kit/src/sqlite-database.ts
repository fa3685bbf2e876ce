import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating) an embedded database file. WAL lets readers run beside the one writer, and
 * the busy timeout lets several processes (competing workers) share the file safely.
 *
 * synchronous = FULL: every commit is fsynced to the WAL before it returns, so a payment the
 * caller was told succeeded, or an invoice number already mailed, survives a power cut. With
 * NORMAL, WAL commits reach the disk only at checkpoints, and a power cut can roll back the
 * last ones (a crash of the process alone cannot). The price is one fsync per write
 * transaction: see `pnpm bench:durability` and the README.
 */
export function openSqlite(
  path: string,
  schema: string,
  /** Brings a file written by an earlier version up to `schema`; runs before it. */
  migrate?: (db: SqliteDatabase) => void,
): SqliteDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  migrate?.(db);
  db.exec(schema);
  return db;
}

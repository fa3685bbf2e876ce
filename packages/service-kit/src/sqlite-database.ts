import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export type SqliteDatabase = Database.Database;

/**
 * What one attempt may block the event loop for while another process holds the write lock.
 * better-sqlite3 is synchronous: a longer busy timeout froze a service's whole API and its
 * health checks for as long as another process held the file (15 s of lock froze the invoice
 * service for 30 s). Past this, whileBusy waits asynchronously and tries again.
 */
const BLOCKING_WAIT_MS = 20;
const MAX_WAIT_MS = 60_000;

export class StoreBusyError extends Error {
  override name = "StoreBusyError";
}

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
};

/**
 * Runs `work` (one statement or one transaction, safe to repeat: a busy error leaves nothing
 * done) until the file's lock lets it through, yielding the event loop between tries, so reads,
 * other RPCs and health keep answering while another process holds the lock. Gives up with a
 * StoreBusyError after `maxWaitMs`.
 */
export async function whileBusy<T>(work: () => T, maxWaitMs = MAX_WAIT_MS): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() > deadline) throw new StoreBusyError(`store locked by another process for over ${maxWaitMs} ms`, { cause: error });
      await sleep(Math.min(250, 5 * 2 ** Math.min(attempt, 6)));
    }
  }
}

/**
 * Opens (creating) an embedded database file. WAL lets readers run beside the one writer, and
 * several processes (competing workers) share the file safely by waiting for its write lock:
 * briefly inside SQLite (busy_timeout, which blocks the event loop), then in whileBusy below,
 * which waits without blocking it.
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
  // Opening may wait long for another process (a competing worker creating or migrating the
  // file): nothing is served yet. Afterwards every statement runs through whileBusy.
  db.pragma("busy_timeout = 10000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  migrate?.(db);
  db.exec(schema);
  db.pragma(`busy_timeout = ${BLOCKING_WAIT_MS}`);
  return db;
}

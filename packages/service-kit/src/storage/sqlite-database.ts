import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { keepPreparedStatements } from "./prepared-statements.js";

export type SqliteDatabase = Database.Database;

/**
 * What one attempt may block the event loop for while another process holds the write lock:
 * nothing. better-sqlite3 is synchronous, so SQLite's busy timeout blocks the whole event loop,
 * and it does so once per waiting write: with 20 ms and 25 payments waiting behind a held lock,
 * the order service spent most of each second inside busy timeouts and its health checks timed
 * out (`e2e/src/store-locked.e2e.test.ts`). Waiting is whileBusy's job, asynchronously.
 */
const BLOCKING_WAIT_MS = 0;
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
 * Runs `step` of an open again while another process holds the file (SQLITE_BUSY), for up to
 * 10 s. Switching to WAL can answer BUSY at once, without SQLite's busy handler, while another
 * process opens or recovers the same file: four numbering workers starting together met it.
 * It blocks, as the open does: nothing is served yet.
 */
function retryBusyAtOpen<T>(step: () => T): T {
  const deadline = Date.now() + 10_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(100, 5 * 2 ** Math.min(attempt, 5)));
    }
  }
}

/**
 * Opens (creating) an embedded database file. WAL lets readers run beside the one writer, and
 * several processes (competing workers) share the file safely by waiting for its write lock
 * in whileBusy above, which waits without blocking the event loop.
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
  retryBusyAtOpen(() => db.pragma("journal_mode = WAL"));
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  migrate?.(db);
  db.exec(schema);
  db.pragma(`busy_timeout = ${BLOCKING_WAIT_MS}`);
  keepPreparedStatements(db);
  return db;
}

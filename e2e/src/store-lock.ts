import Database from "better-sqlite3";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Holds the write lock of a service's SQLite file for `ms`, as another process would (a
 * backup, a migration, an operator's sqlite3 shell left in a transaction). WAL readers still
 * read; every writer waits. Resolves once the lock is released.
 */
export async function holdWriteLock(path: string, ms: number): Promise<void> {
  const db = new Database(path, { fileMustExist: true, timeout: 10_000 });
  try {
    db.exec("BEGIN IMMEDIATE");
    await sleep(ms);
    db.exec("ROLLBACK");
  } finally {
    db.close();
  }
}

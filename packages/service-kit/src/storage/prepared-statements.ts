import type Database from "better-sqlite3";

/** More distinct statements than a store has: SQL built per call (an IN list) is not kept. */
const MOST_KEPT = 256;

/**
 * Makes `db.prepare(sql)` return the statement prepared the first time for that text. The
 * stores prepare their statements where they run them, which reads well; compiling the SQL
 * again on every call cost each service a few hundred microseconds per invoice (profile in
 * bench/README.md). Sharing a statement is safe here: better-sqlite3 runs it synchronously to
 * the end, and no store changes a statement's mode (pluck, raw, expand) after preparing it.
 */
export function keepPreparedStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const known = kept.get(sql);
    if (known) return known;
    const statement = prepare(sql);
    if (kept.size < MOST_KEPT) kept.set(sql, statement);
    return statement;
  }) as typeof db.prepare;
}

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSqlite } from "./sqlite-database.js";

test("an embedded store commits to disk before it answers: WAL with synchronous FULL", () => {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), "sqlite-durability-")), "s.sqlite"), "CREATE TABLE t (x)");
  try {
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    // 2 = FULL: the WAL is fsynced at every commit, not only at checkpoints (1 = NORMAL).
    assert.equal(db.pragma("synchronous", { simple: true }), 2);
  } finally {
    db.close();
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqlite } from "./sqlite-database.js";

test("a store's statement is compiled once and gives each call its own answer", () => {
  const db = openSqlite(":memory:", "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER)");
  const insert = "INSERT INTO t (k, v) VALUES (?, ?)";
  assert.equal(db.prepare(insert), db.prepare(insert));
  db.prepare(insert).run("a", 1);
  db.prepare(insert).run("b", 2);
  const read = "SELECT v FROM t WHERE k = ?";
  assert.deepEqual(db.prepare(read).get("a"), { v: 1 });
  assert.deepEqual(db.prepare(read).get("b"), { v: 2 });
  db.close();
});

test("SQL written per call is still prepared but not kept past the bound", () => {
  const db = openSqlite(":memory:", "CREATE TABLE IF NOT EXISTS t (k INTEGER)");
  for (let i = 0; i < 300; i++) db.prepare(`SELECT ${i} AS n`).get();
  const late = "SELECT 299 AS n";
  assert.notEqual(db.prepare(late), db.prepare(late));
  assert.deepEqual(db.prepare(late).get(), { n: 299 });
  db.close();
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSqlite, StoreBusyError, whileBusy } from "./sqlite-database.js";

const require = createRequire(import.meta.url);

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

test("a write waits out another process's lock without blocking the event loop, and reads go on meanwhile", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "sqlite-locked-")), "s.sqlite");
  const db = openSqlite(path, "CREATE TABLE IF NOT EXISTS t (x INTEGER)");
  db.prepare("INSERT INTO t VALUES (1)").run();
  // Another process takes the write lock and holds it for 1.5 s.
  const locker = spawn(
    process.execPath,
    [
      "-e",
      `const D = require(${JSON.stringify(require.resolve("better-sqlite3"))});
       const db = new D(${JSON.stringify(path)}); db.exec("BEGIN IMMEDIATE");
       process.stdout.write("locked\\n"); setTimeout(() => { db.exec("COMMIT"); process.exit(0); }, 1500);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) => locker.stdout.once("data", () => resolve()));
  try {
    let worstLagMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const write = whileBusy(() => db.prepare("INSERT INTO t VALUES (2)").run());
    // WAL: readers are not blocked by another process's write lock.
    assert.equal((db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 1);
    await write;
    const waitedMs = performance.now() - started;
    clearInterval(ticker);
    console.log(`# write waited ${waitedMs.toFixed(0)} ms for the lock; worst event-loop lag ${worstLagMs.toFixed(0)} ms`);
    assert.ok(waitedMs > 1_000, "the write waited for the lock");
    assert.ok(worstLagMs < 250, `the event loop kept turning (worst lag ${worstLagMs.toFixed(0)} ms)`);
    assert.equal((db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 2);
  } finally {
    locker.kill();
    db.close();
  }
});

test("gives up with StoreBusyError when the lock outlasts the wait it was given", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "sqlite-locked-")), "s.sqlite");
  const holder = openSqlite(path, "CREATE TABLE IF NOT EXISTS t (x INTEGER)");
  const other = openSqlite(path, "CREATE TABLE IF NOT EXISTS t (x INTEGER)");
  holder.exec("BEGIN IMMEDIATE");
  try {
    await assert.rejects(
      whileBusy(() => other.prepare("INSERT INTO t VALUES (1)").run(), 300),
      StoreBusyError,
    );
  } finally {
    holder.exec("ROLLBACK");
    holder.close();
    other.close();
  }
});

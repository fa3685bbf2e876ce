import { connectMongo } from "@invoicing/service-kit/storage";
import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const workerScript = fileURLToPath(new URL("../testing/numbering-worker.ts", import.meta.url));

interface Numbered {
  paymentId: string;
  invoiceId: string;
  number: string;
  created: boolean;
}

interface Row {
  payment_id: string;
  invoice_id: string;
  number: string;
}

/** A store the workers share: how a worker is told to open it, and every row read back from it. */
interface SharedStore {
  workerArgs: string[];
  rows(): Promise<Row[]>;
}

function sqliteStore(): SharedStore {
  const path = join(mkdtempSync(join(tmpdir(), "numbering-race-")), "invoice.sqlite");
  return {
    workerArgs: [path],
    rows: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare("SELECT payment_id, invoice_id, number FROM invoices").all() as Row[];
      } finally {
        db.close();
      }
    },
  };
}

function mongoStore(url: string): SharedStore {
  const database = `numbering_race_${randomBytes(4).toString("hex")}`;
  return {
    workerArgs: [url, database],
    rows: async () => {
      const { client, db } = await connectMongo(url, database);
      try {
        const rows = await db
          .collection<Row>("invoices")
          .find({}, { projection: { _id: 0, payment_id: 1, invoice_id: 1, number: 1 } })
          .toArray();
        await db.dropDatabase();
        return rows;
      } finally {
        await client.close();
      }
    },
  };
}

/**
 * Starts a worker process on the shared store; resolves with what it numbered until it ended,
 * or until it was SIGKILLed after `killAfter` results, somewhere inside its next numbering.
 */
function runWorker(store: SharedStore, series: string, paymentIds: string[], killAfter?: number) {
  const [target, ...rest] = store.workerArgs;
  const child = spawn(process.execPath, ["--import", "tsx", workerScript, target!, series, ...rest], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  child.stdin.end(JSON.stringify(paymentIds));
  const results: Numbered[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const record = JSON.parse(line) as Numbered & { ready?: boolean };
    if (record.ready) return;
    results.push(record);
    if (results.length === killAfter) child.kill("SIGKILL");
  });
  return new Promise<{ results: Numbered[]; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (_code, signal) => resolve({ results, signal })),
  );
}

const shuffled = <T>(items: T[]) =>
  items
    .map((item) => [Math.random(), item] as const)
    .sort(([a], [b]) => a - b)
    .map(([, item]) => item);

const mongodbUrl = process.env.MONGODB_URL;
const stores: Array<[string, (() => SharedStore) | undefined]> = [
  ["sqlite", sqliteStore],
  ["mongodb", mongodbUrl ? () => mongoStore(mongodbUrl) : undefined],
];
if (!mongodbUrl) process.stderr.write("numbering race on MongoDB skipped: MONGODB_URL is not set\n");

for (const [name, openShared] of stores) {
  describe(`numbering with several worker processes on one store: ${name}`, { timeout: 120_000 }, () => {
    it("gives each payment one invoice and the numbers 1..N, with racing duplicates and a worker killed mid-run", {
      skip: openShared ? false : "MONGODB_URL is not set",
    }, async (t) => {
      const store = openShared!();
      const series = "RACE";
      // Every worker gets the same 60 shared payments (duplicate deliveries) plus 40 of its own.
      const shared = Array.from({ length: 60 }, () => `pay_shared_${randomUUID()}`);
      // The first has many more, and is killed after 40 results, while the others still run.
      const own = (w: number) => Array.from({ length: w === 0 ? 1_000 : 40 }, () => `pay_w${w}_${randomUUID()}`);
      const workers = Array.from({ length: 4 }, (_, w) => shuffled([...shared, ...own(w)]));
      const runs = await Promise.all(workers.map((ids, w) => runWorker(store, series, ids, w === 0 ? 40 : undefined)));
      assert.equal(runs[0]!.signal, "SIGKILL", "the first worker was killed mid-run");

      // What the store holds is the truth: every row read back, not only what workers printed.
      const rows = await store.rows();
      const byPayment = new Map<string, string[]>();
      for (const row of rows) byPayment.set(row.payment_id, [...(byPayment.get(row.payment_id) ?? []), row.invoice_id]);
      assert.ok(
        [...byPayment.values()].every((ids) => ids.length === 1),
        "one invoice per payment",
      );
      const counters = rows.map((row) => Number(row.number.slice(-6))).sort((a, b) => a - b);
      assert.deepEqual(
        counters,
        Array.from({ length: rows.length }, (_, i) => i + 1),
        "numbers 1..N without gap or repeat",
      );

      // Every payment a surviving worker finished is in the store under the number it was told.
      const survivors = runs.slice(1).flatMap((run) => run.results);
      for (const result of survivors) {
        const row = rows.find((r) => r.payment_id === result.paymentId);
        assert.equal(row?.invoice_id, result.invoiceId);
        assert.equal(row?.number, result.number);
      }
      for (const paymentId of [...shared, ...workers.slice(1).flat()]) assert.ok(byPayment.has(paymentId), `${paymentId} numbered`);
      // Duplicates really raced: shared payments were answered "already exists" many times.
      assert.ok(survivors.filter((r) => !r.created).length >= 60, "duplicates were seen by the other workers");
      t.diagnostic(
        `${name}: ${rows.length} invoices numbered 1..${rows.length}; ${survivors.filter((r) => !r.created).length} duplicate deliveries answered with the existing invoice`,
      );
    });
  });
}

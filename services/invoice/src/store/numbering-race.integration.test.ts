import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
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

/**
 * Starts a worker process on the shared file; resolves with what it numbered until it ended,
 * or until it was SIGKILLed after `killAfter` results, somewhere inside its next transaction.
 */
function runWorker(path: string, series: string, paymentIds: string[], killAfter?: number) {
  const child = spawn(process.execPath, ["--import", "tsx", workerScript, path, series], {
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

describe("numbering with several worker processes on one store", { timeout: 120_000 }, () => {
  it("gives each payment one invoice and the numbers 1..N, with racing duplicates and a worker killed mid-run", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "numbering-race-")), "invoice.sqlite");
    const series = "RACE";
    // Every worker gets the same 60 shared payments (duplicate deliveries) plus 40 of its own.
    const shared = Array.from({ length: 60 }, () => `pay_shared_${randomUUID()}`);
    // The first has many more, and is killed after 40 results, while the others still run.
    const own = (w: number) => Array.from({ length: w === 0 ? 1_000 : 40 }, () => `pay_w${w}_${randomUUID()}`);
    const workers = Array.from({ length: 4 }, (_, w) => shuffled([...shared, ...own(w)]));
    const runs = await Promise.all(workers.map((ids, w) => runWorker(path, series, ids, w === 0 ? 40 : undefined)));
    assert.equal(runs[0]!.signal, "SIGKILL", "the first worker was killed mid-run");

    // What the store holds is the truth: every row read back, not only what workers printed.
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT payment_id, invoice_id, number FROM invoices").all() as Array<{
      payment_id: string;
      invoice_id: string;
      number: string;
    }>;
    db.close();
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
  });
});

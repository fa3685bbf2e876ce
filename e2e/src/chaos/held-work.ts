import { InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import Database from "better-sqlite3";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosProcessName, ChaosStack } from "./chaos-stack.js";
import type { InvoiceApi } from "./invoice-api.js";

/**
 * Waits until `target` holds unfinished work, read from the outside as an operator could (its
 * metrics, its log, its store), so that a kill aimed at it abandons something: a kill that hits
 * an idle process proves only that it restarts. Resolves with what it held; rejects when it
 * held nothing within `withinMs`.
 */
export async function whenHoldingWork(target: ChaosProcessName, stack: ChaosStack, api: InvoiceApi, withinMs = 15_000): Promise<string> {
  const deadline = Date.now() + withinMs;
  const watch = lookFor(target, stack, api);
  try {
    for (;;) {
      const held = await watch.look().catch(() => undefined);
      if (held) return held;
      if (Date.now() > deadline) throw new Error(`${target} held no unfinished work within ${withinMs} ms`);
      await sleep(watch.everyMs);
    }
  } finally {
    watch.close?.();
  }
}

interface WorkWatch {
  look: () => Promise<string | undefined>;
  /** How often to look: an event sits in the outbox for a few milliseconds only. */
  everyMs: number;
  close?: () => void;
}

function lookFor(target: ChaosProcessName, stack: ChaosStack, api: InvoiceApi): WorkWatch {
  if (target === "order") return outboxWatch(join(stack.dataDir, "order.sqlite"));
  return { look: lookFromOutside(target, stack, api), everyMs: 20 };
}

/**
 * Events the relay has not yet published: only the outbox has them. At a payment a second the
 * relay empties it within a few milliseconds of each write, so one read-only handle is kept
 * open and asked every millisecond: reopening the file each time would look too seldom and
 * miss most of those windows.
 */
function outboxWatch(path: string): WorkWatch {
  let db: Database.Database | undefined;
  let pending: Database.Statement | undefined;
  return {
    everyMs: 1,
    async look() {
      if (!pending) {
        if (!existsSync(path)) return undefined;
        db = new Database(path, { readonly: true, fileMustExist: true });
        pending = db.prepare("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL");
      }
      const { n } = pending.get() as { n: number };
      return n > 0 ? `${n} events in its outbox not yet published (order.sqlite)` : undefined;
    },
    close: () => db?.close(),
  };
}

function lookFromOutside(target: ChaosProcessName, stack: ChaosStack, api: InvoiceApi): () => Promise<string | undefined> {
  if (target.startsWith("renderer")) {
    return async () => {
      const inFlight = await scrapeSample(stack.metricsPort(target), "renderer_in_flight");
      return inFlight > 0 ? `${inFlight} renders in flight (renderer_in_flight)` : undefined;
    };
  }
  if (target.startsWith("invoice")) {
    // A document this process numbered (its "document numbered" log line) that is not READY:
    // its render or its store write is under way in this process.
    return async () => {
      const pid = stack.pid(target);
      const numbered = logRecords(join(stack.logDir, `${target}.log`))
        .filter((r) => r["pid"] === pid && r["created"] === true && typeof r["payment_id"] === "string")
        .slice(-4);
      for (const record of numbered.reverse()) {
        const { invoice } = await api.call((c) => c.getInvoice({ paymentId: String(record["payment_id"]) }));
        if (invoice && invoice.status !== InvoiceStatus.READY)
          return `document ${invoice.number} numbered and not READY (its log, GetInvoice)`;
      }
      return undefined;
    };
  }
  // The notifier: a document claimed and not yet recorded delivered, a mail being sent.
  return async () => {
    const sending = storeCount(
      join(stack.dataDir, "notifier.sqlite"),
      "SELECT count(*) AS n FROM delivery_claims c WHERE c.until > ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = c.invoice_id)",
      Date.now(),
    );
    return sending > 0 ? `${sending} deliveries claimed and not recorded (notifier.sqlite)` : undefined;
  };
}

/**
 * The documents a killed notifier (by pid) had claimed and not recorded delivered, read from
 * its store once it is dead: exactly the ones it may have mailed inside the crash window.
 */
export function abandonedClaims(stack: ChaosStack, pid: number): string[] {
  const db = new Database(join(stack.dataDir, "notifier.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        "SELECT invoice_id FROM delivery_claims c WHERE c.holder LIKE ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = c.invoice_id)",
      )
      .all(`%:${pid}:%`) as Array<{ invoice_id: string }>;
    return rows.map((r) => r.invoice_id);
  } finally {
    db.close();
  }
}

function storeCount(path: string, sql: string, ...params: unknown[]): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The records at the end of a log: polled every 20 ms, so only its last 64 KiB are read. */
function logRecords(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  const fd = openSync(path, "r");
  let tail: string;
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, 65_536));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    tail = buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
  return tail.split("\n").flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

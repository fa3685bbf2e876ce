import { InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosProcessName, ChaosStack } from "./chaos-stack.js";
import type { InvoiceApi } from "./invoice-api.js";
import { NumberingWatch } from "./numbering-watch.js";

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
  if (target === "order") {
    const sql = "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL";
    return storeWatch(join(stack.dataDir, "order.sqlite"), sql, "events in its outbox not yet published (order.sqlite)");
  }
  if (target === "notifier") {
    const sql =
      "SELECT count(*) AS n FROM delivery_claims c WHERE c.until > ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = c.invoice_id)";
    return storeWatch(join(stack.dataDir, "notifier.sqlite"), sql, "deliveries claimed and not recorded (notifier.sqlite)", () => [
      Date.now(),
    ]);
  }
  if (target.startsWith("invoice")) {
    const numbering = new NumberingWatch(join(stack.logDir, `${target}.log`), stack.pid(target));
    return {
      everyMs: 2,
      look: async () => {
        for (const [invoiceId, number] of numbering.unfinished()) {
          const { invoice } = await api.call((c) => c.getInvoice({ invoiceId }));
          if (invoice && invoice.status !== InvoiceStatus.READY) return `document ${number} numbered and not READY (its log, GetInvoice)`;
          numbering.forget(invoiceId);
        }
        return undefined;
      },
    };
  }
  return rendererWatch(target, stack);
}

/**
 * Unfinished work a service's store shows: events in the order service's outbox the relay has
 * not published, deliveries the notifier claimed and has not recorded. Either lasts a few
 * milliseconds at a payment a second, so one read-only handle is kept open and asked every
 * millisecond: reopening the file each time would look too seldom and miss most of them.
 */
function storeWatch(path: string, sql: string, what: string, params: () => unknown[] = () => []): WorkWatch {
  let db: Database.Database | undefined;
  let query: Database.Statement | undefined;
  return {
    everyMs: 1,
    async look() {
      if (!query) {
        if (!existsSync(path)) return undefined;
        db = new Database(path, { readonly: true, fileMustExist: true });
        query = db.prepare(sql);
      }
      const { n } = query.get(...params()) as { n: number };
      return n > 0 ? `${n} ${what}` : undefined;
    },
    close: () => db?.close(),
  };
}

function rendererWatch(target: ChaosProcessName, stack: ChaosStack): WorkWatch {
  return {
    everyMs: 5,
    async look() {
      const inFlight = await scrapeSample(stack.metricsPort(target), "renderer_in_flight");
      return inFlight > 0 ? `${inFlight} renders in flight (renderer_in_flight)` : undefined;
    },
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

import { InvoiceStatus } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosProcessName, ChaosStack } from "./chaos-stack.js";
import type { InvoiceApi } from "./invoice-api.js";
import { NumberingWatch } from "./numbering-watch.js";
import { unpublishedEvents, unrecordedClaims } from "./store-held-work.js";

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
    await watch.close?.();
  }
}

interface WorkWatch {
  look: () => Promise<string | undefined>;
  /** How often to look: an event sits in the outbox for a few milliseconds only. */
  everyMs: number;
  close?: () => Promise<void>;
}

function lookFor(target: ChaosProcessName, stack: ChaosStack, api: InvoiceApi): WorkWatch {
  if (target === "order") return unpublishedEvents(stack);
  if (target === "notifier") return unrecordedClaims(stack);
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

function rendererWatch(target: ChaosProcessName, stack: ChaosStack): WorkWatch {
  return {
    everyMs: 5,
    async look() {
      const inFlight = await scrapeSample(stack.metricsPort(target), "renderer_in_flight");
      return inFlight > 0 ? `${inFlight} renders in flight (renderer_in_flight)` : undefined;
    },
  };
}

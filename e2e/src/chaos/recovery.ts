import { timestampMs } from "@bufbuild/protobuf/wkt";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import type { FaultRecord } from "./fault-schedule.js";
import type { SubmittedPayment } from "./payment-load.js";
import type { LogRecord } from "./service-logs.js";
import type { ParsedMail } from "mailparser";

/** How one fault was lived through, measured from the moment it struck. */
export interface FaultRecovery {
  fault: FaultRecord;
  /** Until the next invoice anywhere became READY: the pipeline kept (or got back to) going. */
  nextReadyMs: number | undefined;
  /** From the restart of the killed process until it reported ready. */
  restartMs: number | undefined;
  /** For nats-server: from its restart until the last service had reconnected. */
  reconnectMs?: number | undefined;
  /** The work the fault hit (described), and until the last of it was done. */
  affected: string;
  affectedCount: number;
  settledMs: number | undefined;
}

export function measureRecoveries(options: {
  faults: readonly FaultRecord[];
  invoices: readonly Invoice[];
  payments: readonly SubmittedPayment[];
  logs: readonly LogRecord[];
  /** Every mail the sink accepted, and when, index for index. */
  mails: readonly ParsedMail[];
  mailAcceptedAtMs: readonly number[];
}): FaultRecovery[] {
  const readyAt = new Map<string, number>();
  for (const invoice of options.invoices) {
    if (invoice.status === InvoiceStatus.READY && invoice.readyAt) readyAt.set(invoice.paymentId, Number(timestampMs(invoice.readyAt)));
  }
  const readyTimes = [...readyAt.values()].sort((a, b) => a - b);
  const paymentOfOrder = new Map(options.payments.map((p) => [p.orderId, p.paymentId]));
  const mailedAt = new Map<string, number>();
  options.mails.forEach((mail, i) => {
    const id = String(mail.headers.get("x-invoice-id") ?? "");
    if (!mailedAt.has(id)) mailedAt.set(id, options.mailAcceptedAtMs[i]!);
  });
  const invoiceReadyAt = new Map(
    options.invoices.flatMap((i) => (i.readyAt ? [[i.invoiceId, Number(timestampMs(i.readyAt))] as const] : [])),
  );
  const paidBetween = (from: number, to: number) =>
    options.payments.filter((p) => p.paidAtMs >= from && p.paidAtMs <= to).map((p) => p.paymentId);

  return options.faults.map((fault) => {
    const from = fault.struckAtMs;
    const next = readyTimes.find((t) => t > from);
    // Documents READY before `to` and not mailed before `from`: what a mail fault held back.
    const unmailed = (to: number) =>
      [...invoiceReadyAt].filter(([id, ready]) => ready <= to && (mailedAt.get(id) ?? Infinity) > from).map(([id]) => id);
    const mailed = (invoiceIds: string[], what: string) => handled(invoiceIds, mailedAt, from, what);
    const settle = (paymentIds: Iterable<string>, what: string) => {
      const ids = [...new Set(paymentIds)];
      const times = ids.map((id) => readyAt.get(id));
      const done = times.every((t) => t !== undefined);
      return {
        affected: what,
        affectedCount: ids.length,
        settledMs: ids.length > 0 && done ? Math.max(0, Math.max(...(times as number[])) - from) : undefined,
      };
    };
    const afterFault = (r: LogRecord) => r.time >= from;
    const base = {
      fault,
      nextReadyMs: next === undefined ? undefined : next - from,
      restartMs: fault.readyAtMs && fault.restartedAtMs ? fault.readyAtMs - fault.restartedAtMs : undefined,
    };
    switch (fault.kind) {
      case "kill-invoice-worker": {
        // What the killed process had taken up and was not READY when it died: only a
        // redelivery to the other worker (or to the restarted one) can finish it.
        const held = options.logs
          .filter((r) => r.process === fault.target && r.pid === fault.killedPid && isNumberedRecord(r))
          .map((r) => String(r["payment_id"]))
          .filter((id) => (readyAt.get(id) ?? Infinity) > from);
        return { ...base, ...settle(held, "invoices it held unfinished") };
      }
      case "kill-renderer": {
        const windowEnd = (fault.readyAtMs ?? from) + 5_000;
        const failed = options.logs
          .filter((r) => r.process.startsWith("invoice") && r.msg === "transient failure, retrying" && /render/.test(String(r["reason"])))
          .filter((r) => afterFault(r) && r.time <= windowEnd)
          .map((r) => paymentOfOrder.get(String(r["subject"]).split(".").pop() ?? ""))
          .filter((id): id is string => id !== undefined);
        return { ...base, ...settle(failed, "invoices whose render failed and was retried") };
      }
      case "restart-nats": {
        // Taken while the broker was down (or just before, still in the outbox).
        const during = options.payments.filter((p) => p.paidAtMs >= from - 1_000 && p.paidAtMs <= (fault.readyAtMs ?? from));
        const restartedAt = fault.restartedAtMs ?? from;
        const reconnects = firstTimes(
          options.logs.filter((r) => r.time >= restartedAt && r["nats"] === "reconnect"),
          (r) => `${r.process} ${r.pid}`,
        );
        return {
          ...base,
          reconnectMs: reconnects.size > 0 ? Math.max(...reconnects.values()) - restartedAt : undefined,
          ...settle(
            during.map((p) => p.paymentId),
            "payments taken while nats-server was down",
          ),
        };
      }
      case "kill-order":
        // Paid just before it died: their events may still have been in its outbox.
        return { ...base, ...settle(paidBetween(from - 2_000, from), "payments taken in the 2 s before it died") };
      case "kill-notifier":
        return { ...base, ...mailed(unmailed(from), "READY documents it had not mailed yet") };
      case "delete-nats-store": {
        // Everything not READY when the store went, and what was paid while it came back.
        const open = options.payments.filter(
          (p) => p.paidAtMs <= (fault.readyAtMs ?? from) && (readyAt.get(p.paymentId) ?? Infinity) > from,
        );
        return {
          ...base,
          ...settle(
            open.map((p) => p.paymentId),
            "payments not READY when the store was deleted",
          ),
        };
      }
      case "lock-store":
        return fault.store === "notifier"
          ? { ...base, ...mailed(unmailed(fault.endedAtMs ?? from), "documents to mail while notifier.sqlite was locked") }
          : { ...base, ...settle(paidBetween(from, fault.endedAtMs ?? from), `payments taken while ${fault.store}.sqlite was locked`) };
      case "kill-store-server":
        // Every service writes there: a payment made while it was down waits for it (the
        // driver holds the call until the server is back) and is answered just after.
        return {
          ...base,
          ...settle(
            paidBetween(from, (fault.readyAtMs ?? from) + 5_000),
            "payments answered while the MongoDB server was down or in the 5 s after",
          ),
        };
      case "fill-disk":
        return { ...base, ...settle(paidBetween(from, fault.endedAtMs ?? from), "payments taken while the disk was full") };
      case "refuse-smtp":
        return { ...base, ...mailed(unmailed(fault.endedAtMs ?? from), "documents to mail while SMTP refused") };
      case "forged-events": {
        const subjects = (fault.injected ?? []).map((m) => m.subject);
        const seen = firstTimes(
          options.logs.filter((r) => afterFault(r) && r.msg === "message dead-lettered"),
          (r) => String(r["subject"]),
        );
        return { ...base, ...handled(subjects, seen, from, "forged events dead-lettered") };
      }
      case "duplicate-events": {
        const ids = (fault.injected ?? []).map((m) => m.paymentId ?? "");
        // A duplicate is handled when a worker finds the invoice already there for it.
        const seen = firstTimes(
          options.logs.filter((r) => afterFault(r) && isNumberedRecord(r) && r["created"] === false),
          (r) => String(r["payment_id"]),
        );
        return { ...base, ...handled(ids, seen, from, "duplicates") };
      }
      case "garbage-events": {
        const subjects = (fault.injected ?? []).map((m) => m.subject);
        const seen = firstTimes(
          options.logs.filter((r) => afterFault(r) && r.msg === "message dead-lettered"),
          (r) => String(r["subject"]),
        );
        return { ...base, ...handled(subjects, seen, from, "garbage messages dead-lettered") };
      }
      default: {
        // A new fault kind without a recovery measure fails to compile here.
        const unmeasured: never = fault.kind;
        throw new Error(`no recovery measure for ${String(unmeasured)}`);
      }
    }
  });

  function handled(keys: string[], seen: Map<string, number>, from: number, what: string) {
    const times = keys.map((k) => seen.get(k));
    return {
      affected: what,
      affectedCount: keys.length,
      settledMs: keys.length > 0 && times.every((t) => t !== undefined) ? Math.max(...(times as number[])) - from : undefined,
    };
  }
}

// The invoice worker's line for a document it numbered or found ("document numbered",
// "document already exists for its source"): it carries payment_id and created.
const isNumberedRecord = (r: LogRecord) =>
  r.process.startsWith("invoice") && typeof r["created"] === "boolean" && typeof r["payment_id"] === "string";

function firstTimes(records: readonly LogRecord[], key: (r: LogRecord) => string): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of records) if (!first.has(key(r)) || first.get(key(r))! > r.time) first.set(key(r), r.time);
  return first;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function describeRecovery(r: FaultRecovery, loadStartedAtMs: number): string {
  const f = r.fault;
  const at = `${((f.struckAtMs - loadStartedAtMs) / 1000).toFixed(1)}s`;
  const target = f.target ? ` ${f.target}` : "";
  const restart = r.restartMs === undefined ? "" : `, ready ${seconds(r.restartMs)} after its restart (${f.downtimeMs} ms down)`;
  const reconnect = r.reconnectMs === undefined ? "" : `, services reconnected +${seconds(r.reconnectMs)}`;
  // No invoice after it: every one was READY already, the pipeline had nothing left to do.
  const next = r.nextReadyMs === undefined ? "no invoice READY after it" : `next invoice READY +${seconds(r.nextReadyMs)}`;
  const settled =
    r.affectedCount === 0
      ? `no ${r.affected}`
      : `${r.affectedCount} ${r.affected}: ${r.settledMs === undefined ? "NOT all done" : `all done +${seconds(r.settledMs)}`}`;
  return `recovery ${f.kind}${target} at ${at}${restart}${reconnect}; ${next}; ${settled}`;
}

import { equals } from "@bufbuild/protobuf";
import { InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { CustomerSchema, LineItemSchema } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import type { Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { createHash } from "node:crypto";
import type { ParsedMail } from "mailparser";
import type { UnexpectedExit } from "./chaos-stack.js";
import type { SubmittedPayment } from "./payment-load.js";
import type { PipelineState } from "./pipeline-state.js";
import type { InjectedMessage } from "./stream-faults.js";

/** The figures of the last line. */
export interface ChaosFigures {
  payments: number;
  invoices: number;
  /** Payments without a READY invoice. */
  lost: number;
  /** Extra invoices for a payment + numbers used twice + extra mails for an invoice (outside the crash window). */
  duplicated: number;
  /** Second mails of documents a killed notifier had mailed and not recorded: the guarantee's one exception. */
  resentInCrashWindow: number;
  /** Numbers missing from 1..highest. */
  gaps: number;
  /** Mails to anyone but the order's customer, and invoices whose buyer, lines or total differ from the order. */
  wrong: number;
  deadLetters: number;
  /** Processes that exited without the harness killing them + fatal/uncaught log lines. */
  crashes: number;
}

export interface ChaosVerdict {
  figures: ChaosFigures;
  /** One line per check, printed before the summary. */
  lines: string[];
  /** Empty when every check passed. */
  failures: string[];
}

export interface ChaosEvidence {
  planned: number;
  payments: readonly SubmittedPayment[];
  state: PipelineState;
  garbage: readonly InjectedMessage[];
  unexpectedExits: readonly UnexpectedExit[];
  crashLines: readonly string[];
  retryProblems: readonly string[];
  retried: number;
  /** The order service's record of every order paid. */
  orders: ReadonlyMap<string, Order>;
  claimLeaseMs: number;
  /** Each notifier kill, and the documents it died holding claims on. */
  crashWindows: ReadonlyArray<{ killedAtMs: number; claims: readonly string[] }>;
}

const NUMBER = /^([A-Z][A-Z0-9]*)-(\d{4})-(\d{6})$/;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Judges the end state against what the pipeline promises, counting through its API. */
export function judgeRun(evidence: ChaosEvidence): ChaosVerdict {
  const failures: string[] = [];
  const lines: string[] = [];
  const { state, payments } = evidence;

  if (payments.length !== evidence.planned) failures.push(`only ${payments.length} of ${evidence.planned} payments were taken`);

  // Invoices per payment, from ListInvoices: not trusting the store's unique constraint.
  const byPayment = groupBy(state.invoices, (i) => i.paymentId);
  const ours = new Set(payments.map((p) => p.paymentId));
  const strangers = state.invoices.filter((i) => !ours.has(i.paymentId));
  let none = 0;
  let extraInvoices = 0;
  let lost = 0;
  const statusCounts = new Map<string, number>();
  for (const payment of payments) {
    const found = byPayment.get(payment.paymentId) ?? [];
    if (found.length === 0) none++;
    extraInvoices += Math.max(0, found.length - 1);
    if (!found.some((i) => i.status === InvoiceStatus.READY)) lost++;
    for (const invoice of found) {
      const status = InvoiceStatus[invoice.status] ?? String(invoice.status);
      statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
    }
  }
  const ready = statusCounts.get("READY") ?? 0;
  lines.push(
    `invoices READY: ${ready} of ${payments.length} payments (${
      [...statusCounts]
        .filter(([s]) => s !== "READY")
        .map(([s, n]) => `${n} ${s}`)
        .join(", ") || "none in another state"
    }, ${none} missing)`,
  );
  lines.push(
    `invoices per payment: ${payments.length - none - countWhere(byPayment, ours, (n) => n > 1)} exactly 1, ${none} none, ${countWhere(byPayment, ours, (n) => n > 1)} more than 1; ${strangers.length} invoices for unknown payments`,
  );
  if (lost > 0) failures.push(`${lost} payments have no READY invoice`);
  if (extraInvoices > 0) failures.push(`${extraInvoices} extra invoices for already invoiced payments`);
  if (strangers.length > 0) failures.push(`${strangers.length} invoices for payments never made`);

  // Numbers: exactly 1..N per series and year, none skipped, none used twice.
  const numbers = checkNumbers(state.invoices);
  lines.push(numbers.line);
  failures.push(...numbers.failures);

  // Mails: one per invoice, carrying that invoice's PDF.
  const mails = checkMails(state.invoices, state.mails, state.mailAcceptedAtMs, evidence.crashWindows);
  lines.push(mails.line);
  failures.push(...mails.failures);

  // Each invoice says what the order says, and went to the order's customer and nobody else.
  const records = checkRecords(
    state.invoices.filter((i) => ours.has(i.paymentId)),
    evidence.orders,
    state.mails,
  );
  lines.push(...records.lines);
  failures.push(...records.failures);
  lines.push(mailGuarantee(evidence.claimLeaseMs, mails.resent, evidence.crashWindows.length));

  // Dead letters: exactly the garbage and the forgeries, byte for byte, nothing else.
  const letters = checkDeadLetters(state, evidence.garbage);
  lines.push(letters.line);
  failures.push(...letters.failures);

  lines.push(`client retries: ${evidence.retried} CompletePayment calls repeated, ${evidence.retryProblems.length} answered differently`);
  failures.push(...evidence.retryProblems);

  const crashes = evidence.unexpectedExits.length + evidence.crashLines.length;
  lines.push(
    `crashes: ${evidence.unexpectedExits.length} processes exited unasked${evidence.unexpectedExits.map((e) => ` [${e.name} pid ${e.pid} code ${e.code} signal ${e.signal}]`).join("")}, ${evidence.crashLines.length} fatal or uncaught log lines`,
  );
  for (const line of evidence.crashLines.slice(0, 10)) lines.push(`  ${line}`);
  if (crashes > 0) failures.push(`${crashes} crashes`);

  return {
    figures: {
      payments: evidence.planned,
      invoices: state.invoices.length,
      lost,
      duplicated: extraInvoices + numbers.repeated + mails.extra,
      resentInCrashWindow: mails.resent,
      gaps: numbers.gaps,
      wrong: records.wrong,
      deadLetters: state.deadLetters.length,
      crashes,
    },
    lines,
    failures,
  };
}

export function summaryLine(f: ChaosFigures): string {
  return `chaos: ${f.payments} payments, ${f.invoices} invoices, ${f.lost} lost, ${f.duplicated} duplicated${f.resentInCrashWindow ? ` (+${f.resentInCrashWindow} resent in the crash window, same Message-ID)` : ""}, ${f.gaps} gaps, ${f.wrong} wrong, ${f.deadLetters} dead letters, ${f.crashes} crashes`;
}

function checkNumbers(invoices: readonly Invoice[]) {
  const failures: string[] = [];
  const bySeriesYear = new Map<string, number[]>();
  for (const invoice of invoices) {
    const match = NUMBER.exec(invoice.number);
    if (!match) {
      failures.push(`invoice ${invoice.invoiceId} has the number "${invoice.number}"`);
      continue;
    }
    const key = `${match[1]}-${match[2]}`;
    bySeriesYear.set(key, [...(bySeriesYear.get(key) ?? []), Number(match[3])]);
  }
  let gaps = 0;
  let repeated = 0;
  const ranges: string[] = [];
  for (const [key, used] of bySeriesYear) {
    const distinct = new Set(used);
    const highest = Math.max(...used);
    const missing = highest - [...distinct].filter((n) => n >= 1).length;
    gaps += missing;
    repeated += used.length - distinct.size;
    ranges.push(`${key}-${pad(Math.min(...used))}..${pad(highest)}`);
    if (Math.min(...used) !== 1) failures.push(`${key} does not start at 1`);
  }
  if (gaps > 0) failures.push(`${gaps} numbers skipped`);
  if (repeated > 0) failures.push(`${repeated} numbers used twice`);
  return {
    gaps,
    repeated,
    failures,
    line: `numbers: ${ranges.join(", ") || "none"}, ${invoices.length} used, ${gaps} gaps, ${repeated} repeated`,
  };
}

/**
 * A second mail is the guarantee's exception, not a duplicate, only when all of these hold: a
 * notifier was killed holding the document's claim with no delivery recorded, the first copy
 * reached the mail server before that kill (or while it was dying, within 1 s), and both
 * copies carry the same Message-ID. Anything else is counted as duplicated.
 */
function resentInCrashWindow(
  invoiceId: string,
  copies: ReadonlyArray<{ mail: ParsedMail; acceptedAtMs: number }>,
  crashWindows: ChaosEvidence["crashWindows"],
): boolean {
  if (copies.length !== 2 || copies[0]!.mail.messageId !== copies[1]!.mail.messageId) return false;
  const first = copies[0]!.acceptedAtMs;
  return crashWindows.some((w) => w.claims.includes(invoiceId) && first <= w.killedAtMs + 1_000 && copies[1]!.acceptedAtMs > w.killedAtMs);
}

function checkMails(
  invoices: readonly Invoice[],
  mails: readonly ParsedMail[],
  acceptedAtMs: readonly number[],
  crashWindows: ChaosEvidence["crashWindows"],
) {
  const failures: string[] = [];
  const byInvoice = groupBy(mails, (m) => String(m.headers.get("x-invoice-id") ?? ""));
  const known = new Map(invoices.map((i) => [i.invoiceId, i]));
  let exactlyOne = 0;
  let without = 0;
  let extra = 0;
  let wrongPdf = 0;
  let resent = 0;
  const copiesOf = (invoiceId: string) =>
    mails.flatMap((mail, i) =>
      String(mail.headers.get("x-invoice-id") ?? "") === invoiceId ? [{ mail, acceptedAtMs: acceptedAtMs[i] ?? Infinity }] : [],
    );
  for (const invoice of invoices.filter((i) => i.status === InvoiceStatus.READY)) {
    const got = byInvoice.get(invoice.invoiceId) ?? [];
    if (got.length === 0) without++;
    if (got.length === 1) exactlyOne++;
    if (got.length > 1 && resentInCrashWindow(invoice.invoiceId, copiesOf(invoice.invoiceId), crashWindows)) resent++;
    else extra += Math.max(0, got.length - 1);
    for (const mail of got) {
      const pdf = mail.attachments.find((a) => a.contentType === "application/pdf");
      const right =
        mail.messageId === `<${invoice.invoiceId}@invoicing.local>` &&
        pdf?.filename === `${invoice.number}.pdf` &&
        sha256(pdf.content) === invoice.pdfSha256;
      if (!right) wrongPdf++;
    }
  }
  const strangers = [...byInvoice.keys()].filter((id) => !known.has(id)).length;
  if (without > 0) failures.push(`${without} READY invoices were never mailed`);
  if (extra > 0) failures.push(`${extra} extra mails for already mailed invoices`);
  if (wrongPdf > 0) failures.push(`${wrongPdf} mails with a wrong Message-ID or PDF`);
  if (strangers > 0) failures.push(`${strangers} mails for unknown invoices`);
  return {
    extra,
    resent,
    failures,
    line: `mails per invoice: ${exactlyOne} exactly 1, ${without} none, ${extra} extra, ${resent} resent in the crash window, ${wrongPdf} with a wrong Message-ID or PDF, ${strangers} for unknown invoices (${mails.length} mails in all)`,
  };
}

const recipientsOf = (mail: ParsedMail) => [mail.to].flat().flatMap((to) => to?.value.map((a) => a.address ?? "") ?? []);

function checkRecords(invoices: readonly Invoice[], orders: ReadonlyMap<string, Order>, mails: readonly ParsedMail[]) {
  const failures: string[] = [];
  let wrongContent = 0;
  let unknownOrder = 0;
  for (const invoice of invoices) {
    const order = orders.get(invoice.orderId);
    if (!order) {
      unknownOrder++;
      continue;
    }
    const same =
      invoice.customer !== undefined &&
      order.customer !== undefined &&
      equals(CustomerSchema, invoice.customer, order.customer) &&
      invoice.items.length === order.items.length &&
      invoice.items.every((item, i) => equals(LineItemSchema, item, order.items[i]!)) &&
      invoice.currency === order.currency &&
      invoice.totals?.gross === order.total;
    if (!same) wrongContent++;
  }
  const invoiceById = new Map(invoices.map((i) => [i.invoiceId, i]));
  let wrongRecipients = 0;
  for (const mail of mails) {
    const invoice = invoiceById.get(String(mail.headers.get("x-invoice-id") ?? ""));
    const expected = invoice ? orders.get(invoice.orderId)?.customer?.email : undefined;
    const to = recipientsOf(mail);
    if (expected === undefined || to.length !== 1 || to[0] !== expected) wrongRecipients++;
  }
  if (wrongContent > 0) failures.push(`${wrongContent} invoices whose buyer, lines or total differ from the order`);
  if (unknownOrder > 0) failures.push(`${unknownOrder} invoices for orders the order service does not know`);
  if (wrongRecipients > 0) failures.push(`${wrongRecipients} mails to someone other than the order's customer`);
  return {
    wrong: wrongContent + unknownOrder + wrongRecipients,
    failures,
    lines: [
      `records: ${invoices.length - wrongContent - unknownOrder} of ${invoices.length} invoices state the order's buyer, lines, currency and total (GetOrder); ${wrongContent} differ, ${unknownOrder} unknown orders`,
      `recipients: ${mails.length - wrongRecipients} of ${mails.length} mails went to exactly the order's customer; ${wrongRecipients} wrong`,
    ],
  };
}

/** The guarantee the notifier gives, and what this run saw of it. */
function mailGuarantee(claimLeaseMs: number, resent: number, notifierKills: number): string {
  return (
    `mail guarantee: at most one mail per document, except when a notifier dies after the mail server accepted a mail and before it recorded it: ` +
    `that document is mailed once more, with the same Message-ID, when its claim lease (${claimLeaseMs} ms) has run out. ` +
    `This run: ${notifierKills} notifier kills, ${resent} documents resent across that window, every other second mail counted as duplicated`
  );
}

function checkDeadLetters(state: PipelineState, garbage: readonly InjectedMessage[]) {
  const failures: string[] = [];
  const expected = new Map(garbage.map((g) => [`${g.subject} ${hex(g.data)}`, 0]));
  const others: string[] = [];
  for (const letter of state.deadLetters) {
    const key = `${letter.originalSubject} ${hex(letter.data)}`;
    if (expected.has(key)) expected.set(key, expected.get(key)! + 1);
    else others.push(`${letter.originalSubject}: ${letter.reason}`);
  }
  const matched = [...expected.values()].filter((n) => n === 1).length;
  const twice = [...expected.values()].filter((n) => n > 1).length;
  if (matched !== garbage.length) failures.push(`${garbage.length - matched} garbage messages not dead-lettered exactly once`);
  if (others.length > 0) failures.push(`${others.length} dead letters that are not the garbage: ${others.slice(0, 5).join("; ")}`);
  return {
    failures,
    line: `dead letters: ${state.deadLetters.length} in DEAD_LETTERS, ${matched} of ${garbage.length} garbage messages byte for byte${twice ? ` (${twice} twice)` : ""}, ${others.length} others`,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function countWhere<T>(groups: Map<string, T[]>, keys: ReadonlySet<string>, test: (size: number) => boolean): number {
  let count = 0;
  for (const key of keys) if (test(groups.get(key)?.length ?? 0)) count++;
  return count;
}

const pad = (n: number) => String(n).padStart(6, "0");

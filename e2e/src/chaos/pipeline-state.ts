import type { Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { readDeadLetterEnvelope } from "@invoicing/service-kit/messaging";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { ParsedMail } from "mailparser";
import type { InvoiceApi } from "./invoice-api.js";

const DEAD_LETTER_STREAM = "DEAD_LETTERS";
/** The durable consumers whose backlog must be empty before the run is judged. */
const CONSUMERS = [
  ["PAYMENTS", "invoice-generator"],
  ["INVOICES", "notifier"],
] as const;

export interface DeadLetter {
  subject: string;
  data: Uint8Array;
  /** The original subject and why it was dead-lettered, from the headers. */
  originalSubject: string;
  reason: string;
}

/** Everything the checks look at, read from the outside: the API, the mail sink, the streams. */
export interface PipelineState {
  invoices: Invoice[];
  mails: readonly ParsedMail[];
  /** When the sink accepted each of `mails`, index for index. */
  mailAcceptedAtMs: readonly number[];
  deadLetters: DeadLetter[];
  /** Nothing pending or awaiting an ack on either consumer: no work is left to come. */
  consumersIdle: boolean;
  readAtMs: number;
}

export async function readPipelineState(options: {
  api: InvoiceApi;
  customerIds: readonly string[];
  nc: NatsConnection;
  mails: readonly ParsedMail[];
  mailAcceptedAtMs: readonly number[];
}): Promise<PipelineState> {
  const invoices = (await Promise.all(options.customerIds.map((id) => options.api.listAll(id)))).flat();
  const jsm = await jetstreamManager(options.nc);
  let consumersIdle = true;
  for (const [stream, durable] of CONSUMERS) {
    const info = await jsm.consumers.info(stream, durable);
    if (info.num_pending > 0 || info.num_ack_pending > 0) consumersIdle = false;
  }
  const deadLetters: DeadLetter[] = [];
  const dlq = await jsm.streams.info(DEAD_LETTER_STREAM).catch(() => undefined);
  if (dlq && dlq.state.messages > 0) {
    for (let seq = dlq.state.first_seq; seq <= dlq.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq }).catch(() => null);
      if (!m) continue;
      const envelope = readDeadLetterEnvelope(m.header);
      deadLetters.push({ subject: m.subject, data: m.data, originalSubject: envelope?.subject ?? "", reason: envelope?.reason ?? "" });
    }
  }
  return {
    invoices,
    mails: [...options.mails],
    mailAcceptedAtMs: [...options.mailAcceptedAtMs],
    deadLetters,
    consumersIdle,
    readAtMs: Date.now(),
  };
}

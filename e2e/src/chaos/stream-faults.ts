import { fromBinary } from "@bufbuild/protobuf";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import type { SeededRandom } from "./seeded-random.js";

const PAYMENTS_STREAM = "PAYMENTS";
const PAYMENT_SUBJECT_PREFIX = "payments.completed.";

/** A message this harness put into the PAYMENTS stream itself. */
export interface InjectedMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
  /** For duplicates: the payment the copied event belongs to. */
  paymentId?: string;
}

/**
 * Copies of PaymentCompleted events already in the stream, same bytes and headers, under a
 * new Nats-Msg-Id: JetStream's duplicate window does not catch them, so the invoice consumer
 * really receives each event twice, as after a producer retry past the window.
 */
export async function republishDuplicates(
  nc: NatsConnection,
  options: { count: number; paymentIds: ReadonlySet<string>; runId: string; random: SeededRandom },
): Promise<InjectedMessage[]> {
  const jsm = await withRetry(() => jetstreamManager(nc));
  const { state } = await withRetry(() => jsm.streams.info(PAYMENTS_STREAM));
  const candidates: Array<{ seq: number; paymentId: string }> = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const stored = await withRetry(() => jsm.streams.getMessage(PAYMENTS_STREAM, { seq }));
    if (!stored?.subject.startsWith(PAYMENT_SUBJECT_PREFIX)) continue;
    const paymentId = paymentIdOf(stored.data);
    // Only this run's events, and each payment once (an earlier duplicate is not a candidate).
    if (paymentId && options.paymentIds.has(paymentId) && !candidates.some((c) => c.paymentId === paymentId)) {
      candidates.push({ seq, paymentId });
    }
  }
  const chosen = options.random.shuffle(candidates).slice(0, options.count);
  const js = jetstream(nc);
  const republished: InjectedMessage[] = [];
  for (const { seq, paymentId } of chosen) {
    const original = (await withRetry(() => jsm.streams.getMessage(PAYMENTS_STREAM, { seq })))!;
    const hdrs = natsHeaders();
    for (const key of original.header.keys()) {
      if (key.toLowerCase() === "nats-msg-id") continue;
      for (const value of original.header.values(key)) hdrs.append(key, value);
    }
    // Stable per copy, so a publish retried after a lost ack does not add a third copy.
    const ack = await withRetry(() =>
      js.publish(original.subject, original.data, { headers: hdrs, msgID: `${options.runId}-duplicate-${paymentId}` }),
    );
    republished.push({ subject: original.subject, seq: ack.seq, data: original.data, paymentId });
  }
  return republished;
}

/** Bytes that cannot be a PaymentCompleted: an illegal first tag, then noise. */
export function garbagePayloads(random: SeededRandom, count: number): Uint8Array[] {
  return Array.from({ length: count }, () => {
    const payload = Uint8Array.from([0x0f, ...random.bytes(random.int(4, 64))]);
    if (paymentIdOf(payload) !== undefined) throw new Error("garbage that decodes: fix garbagePayloads");
    return payload;
  });
}

/** Publishes each payload on its own payments.completed.<id> subject, as a broken producer would. */
export async function publishGarbage(nc: NatsConnection, payloads: readonly Uint8Array[], runId: string): Promise<InjectedMessage[]> {
  const js = jetstream(nc);
  const published: InjectedMessage[] = [];
  for (const [i, data] of payloads.entries()) {
    const subject = `${PAYMENT_SUBJECT_PREFIX}${runId}-garbage-${i}`;
    const ack = await withRetry(() => js.publish(subject, data, { msgID: `${runId}-garbage-${i}` }));
    published.push({ subject, seq: ack.seq, data });
  }
  return published;
}

function paymentIdOf(data: Uint8Array): string | undefined {
  try {
    return fromBinary(PaymentCompletedSchema, data).paymentId;
  } catch {
    return undefined;
  }
}

/**
 * The harness's own connection may still be reconnecting after a broker restart, and a
 * request sent just before a disconnect is never answered (nats.js drops its outbound buffer).
 */
async function withRetry<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 10) throw error;
      await sleep(500);
    }
  }
}

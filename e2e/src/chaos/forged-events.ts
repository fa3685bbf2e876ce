import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { OrderStatus, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { signedHeaders } from "@invoicing/local-stack/event-keys";
import { eventSigner } from "@invoicing/service-kit/messaging";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { InjectedMessage } from "./stream-faults.js";

const SUBJECT_PREFIX = "payments.completed.";
export const ATTACKER_EMAIL = "mallory@example.net";

/**
 * What someone holding a NATS credential (a leaked secret, a compromised pod) can publish:
 * a PaymentCompleted nobody signed, one signed with the attacker's own key, each for an order
 * that never existed but a real customer id (so a wrongly issued invoice would show in that
 * customer's list), and a genuine stored event with its buyer's address changed to the
 * attacker's and its real signature kept. Each must end as a dead letter, byte for byte, and
 * never as an invoice or a mail.
 */
export async function publishForgeries(
  nc: NatsConnection,
  options: { runId: string; customerId: string; genuinePaymentIds: ReadonlySet<string> },
): Promise<InjectedMessage[]> {
  const js = jetstream(nc);
  const attacker = eventSigner(generateKeyPairSync("ed25519").privateKey);
  const forged: InjectedMessage[] = [];
  const publish = async (subject: string, data: Uint8Array, headers: ReturnType<typeof natsHeaders> | undefined, paymentId: string) => {
    const ack = await js.publish(subject, data, { headers, msgID: `${options.runId}-forged-${forged.length}`, timeout: 10_000 });
    forged.push({ subject, seq: ack.seq, data, paymentId });
  };

  for (const signed of [false, true]) {
    const orderId = `${options.runId}-forged-order-${forged.length}`;
    const paymentId = `pay_forged_${randomUUID()}`;
    const subject = `${SUBJECT_PREFIX}${orderId}`;
    const data = toBinary(
      PaymentCompletedSchema,
      create(PaymentCompletedSchema, {
        eventId: `payment-completed:${paymentId}`,
        occurredAt: timestampNow(),
        traceId: randomUUID().replaceAll("-", ""),
        paymentId,
        amount: 1190n,
        method: PaymentMethod.CARD,
        order: {
          orderId,
          customer: { customerId: options.customerId, name: "Mallory", email: ATTACKER_EMAIL },
          items: [{ description: "Nothing", quantity: 1n, unitPrice: 1000n, taxRateBps: 1900 }],
          currency: "EUR",
          status: OrderStatus.PAID,
        },
      }),
    );
    await publish(subject, data, signed ? signedHeaders(attacker, subject, data) : undefined, paymentId);
  }

  // The newest genuine event of this run in the stream, redirected.
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info("PAYMENTS");
  for (let seq = state.last_seq; seq >= state.first_seq; seq--) {
    const stored = await jsm.streams.getMessage("PAYMENTS", { seq }).catch(() => null);
    if (!stored?.subject.startsWith(SUBJECT_PREFIX)) continue;
    let event;
    try {
      event = fromBinary(PaymentCompletedSchema, stored.data);
    } catch {
      continue;
    }
    if (!options.genuinePaymentIds.has(event.paymentId) || !event.order?.customer) continue;
    event.order.customer.email = ATTACKER_EMAIL;
    const hdrs = natsHeaders();
    for (const key of stored.header.keys()) {
      if (key.toLowerCase() !== "nats-msg-id") for (const value of stored.header.values(key)) hdrs.append(key, value);
    }
    await publish(stored.subject, toBinary(PaymentCompletedSchema, event), hdrs, event.paymentId);
    break;
  }
  return forged;
}

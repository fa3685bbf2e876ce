// What trusting an event costs: CPU per sign (the producer) and per verify (each consumer) of a
// real PaymentCompleted (the demo's ten-line order), in rounds, printed as median [min-max].
// `pnpm bench:signatures`; a few seconds.
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { OrderStatus, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { eventSigner, eventVerifier } from "@invoicing/service-kit/messaging";
import { generateKeyPairSync } from "node:crypto";

const ROUNDS = 7;
const PER_ROUND = 2_000;

const keys = generateKeyPairSync("ed25519");
const signer = eventSigner(keys.privateKey);
const verifier = eventVerifier("order", [keys.publicKey]);
const { customer, items, currency, locale } = sampleOrder();
const payload = toBinary(
  PaymentCompletedSchema,
  create(PaymentCompletedSchema, {
    eventId: "payment-completed:pay_1",
    occurredAt: timestampNow(),
    traceId: "0af7651916cd43dd8448eb211c80319c",
    paymentId: "pay_1",
    amount: 1n,
    method: PaymentMethod.CARD,
    order: { orderId: "ord_1", customer, items, currency, locale, status: OrderStatus.PAID },
  }),
);
const subject = "payments.completed.ord_1";
const header = signer.sign(subject, payload);

/** CPU microseconds per call of `work`, one figure per round. */
function rounds(work: () => void): number[] {
  for (let i = 0; i < 500; i++) work(); // warm up
  return Array.from({ length: ROUNDS }, () => {
    const start = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) work();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / PER_ROUND;
  });
}

const summary = (us: number[]) => {
  const sorted = [...us].sort((a, b) => a - b);
  const f = (n: number) => (n / 1000).toFixed(3);
  return `${f(sorted[Math.floor(sorted.length / 2)]!)} ms [${f(sorted[0]!)}-${f(sorted.at(-1)!)}]`;
};

const sign = rounds(() => signer.sign(subject, payload));
const verify = rounds(() => {
  if (verifier.problem(subject, payload, header)) throw new Error("verification failed");
});
console.log(`event of ${payload.length} bytes, ${ROUNDS} rounds of ${PER_ROUND}, CPU per call, median [min-max]`);
console.log(`sign (order service, once per event)        ${summary(sign)}`);
console.log(`verify (invoice service, once per delivery) ${summary(verify)}`);
// Three signed events per invoice: PaymentCompleted, InvoiceGenerated, DocumentDelivered.
console.log(`per invoice (sign and verify each of its three events) ~${((3 * median(sign) + 3 * median(verify)) / 1000).toFixed(3)} ms`);

function median(us: number[]): number {
  return [...us].sort((a, b) => a - b)[Math.floor(us.length / 2)]!;
}

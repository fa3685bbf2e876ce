import { create, toBinary } from "@bufbuild/protobuf";
import { InvoiceGeneratedSchema, PaymentCompletedSchema, PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { DEAD_LETTER_HEADERS } from "@invoicing/service-kit/messaging";
import { headers as natsHeaders } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describePayload, formatDeadLetterTable, replayHeaders, replayMsgId, type DeadLetter } from "./dead-letter-format.js";

function letter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  const headers = natsHeaders();
  headers.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  headers.append("X-Tag", "a");
  headers.append("X-Tag", "b");
  headers.set("Nats-Expected-Stream", "PAYMENTS");
  headers.set("Replayed-From", "DEAD_LETTERS:1");
  for (const name of Object.values(DEAD_LETTER_HEADERS)) headers.set(name, "x");
  return {
    seq: 42,
    time: new Date("2026-03-01T10:00:00Z"),
    stream: "PAYMENTS",
    consumer: "invoice-generator",
    subject: "payments.completed.ord_1",
    streamSeq: 7,
    attempts: 10,
    reason: "gave up after 10 attempts: render failed: UNAVAILABLE",
    data: new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]),
    headers,
    ...overrides,
  };
}

describe("dead letter format", () => {
  it("replays with the original headers, without Dead-Letter-* and Nats-*, with Replayed-From", () => {
    const h = replayHeaders(letter());
    assert.deepEqual(h.keys().sort(), ["Replayed-From", "X-Tag", "traceparent"]);
    assert.equal(h.get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert.deepEqual(h.values("X-Tag"), ["a", "b"]);
    assert.equal(h.get("Replayed-From"), "DEAD_LETTERS:42");
    assert.equal(replayMsgId(42), "replay:DEAD_LETTERS:42");
  });

  it("names the ids of the pipeline's events by subject, and shows other bytes in hex", () => {
    const completed = toBinary(PaymentCompletedSchema, create(PaymentCompletedSchema, { paymentId: "pay_1" }));
    const refunded = toBinary(PaymentRefundedSchema, create(PaymentRefundedSchema, { refundId: "ref_1", paymentId: "pay_1" }));
    const generated = toBinary(
      InvoiceGeneratedSchema,
      create(InvoiceGeneratedSchema, { invoiceId: "inv_1", invoiceNumber: "INV-2026-000001" }),
    );
    assert.equal(describePayload({ subject: "payments.completed.o", data: completed }), "payment pay_1");
    assert.equal(describePayload({ subject: "payments.refunded.o", data: refunded }), "refund ref_1 of payment pay_1");
    assert.equal(describePayload({ subject: "invoices.generated.inv_1", data: generated }), "invoice inv_1 INV-2026-000001");
    assert.equal(
      describePayload({ subject: "payments.completed.o", data: new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]) }),
      "0xffffff0f01",
    );
    assert.equal(describePayload({ subject: "other", data: new Uint8Array(20).fill(1) }), `0x${"01".repeat(12)}…`);
    assert.equal(describePayload({ subject: "other", data: new Uint8Array() }), "(empty)");
  });

  it("prints one row per dead letter with its reason under it", () => {
    const text = formatDeadLetterTable([letter()]);
    assert.match(text, /^SEQ\s+DEAD-LETTERED AT\s+ORIGINAL\s+SUBJECT\s+CONSUMER\s+ATTEMPTS\s+SIZE\s+PAYLOAD$/m);
    assert.match(
      text,
      /^42\s+2026-03-01T10:00:00.000Z\s+PAYMENTS:7\s+payments.completed.ord_1\s+invoice-generator\s+10\s+5 B\s+0xffffff0f01$/m,
    );
    assert.match(text, /^ {4}reason: gave up after 10 attempts: render failed: UNAVAILABLE$/m);
    assert.match(text, /^1 dead letter$/m);
    assert.equal(formatDeadLetterTable([]), "no dead letters in DEAD_LETTERS\n");
  });
});

import { headers as natsHeaders } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_REASON_MAX_CHARS,
  headersWithoutEnvelope,
  readDeadLetterEnvelope,
  writeDeadLetterHeaders,
  type DeadLetterEnvelope,
} from "./dead-letter-envelope.js";

const envelope: DeadLetterEnvelope = {
  reason: "invalid PaymentCompleted: amount: 1 does not equal the order total 2",
  stream: "PAYMENTS",
  consumer: "invoice-generator",
  subject: "payments.completed.ord_1",
  sequence: 17,
  attempts: 3,
};

function original() {
  const h = natsHeaders();
  h.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  h.append("X-Tag", "a");
  h.append("X-Tag", "b");
  h.set("Nats-Msg-Id", "pay_1");
  h.set("Nats-Expected-Stream", "PAYMENTS");
  return h;
}

describe("dead-letter envelope", () => {
  it("reads back what it wrote", () => {
    assert.deepEqual(readDeadLetterEnvelope(writeDeadLetterHeaders(original(), envelope)), envelope);
    assert.deepEqual(readDeadLetterEnvelope(writeDeadLetterHeaders(undefined, envelope)), envelope);
  });

  it("keeps the original headers, all their values, but not NATS's own instructions", () => {
    const written = writeDeadLetterHeaders(original(), envelope);
    assert.equal(written.get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert.deepEqual(written.values("X-Tag"), ["a", "b"]);
    assert.equal(written.has("Nats-Msg-Id"), false);
    assert.equal(written.has("Nats-Expected-Stream"), false);
    assert.deepEqual(headersWithoutEnvelope(written).keys().sort(), ["X-Tag", "traceparent"]);
  });

  it("cuts a long reason to its bound", () => {
    const written = writeDeadLetterHeaders(undefined, { ...envelope, reason: "x".repeat(5_000) });
    assert.equal(readDeadLetterEnvelope(written)?.reason.length, DEAD_LETTER_REASON_MAX_CHARS);
  });

  it("finds no envelope without a subject or stream, and reads garbled numbers as 0", () => {
    assert.equal(readDeadLetterEnvelope(undefined), undefined);
    assert.equal(readDeadLetterEnvelope(original()), undefined);
    const noStream = writeDeadLetterHeaders(undefined, envelope);
    noStream.delete(DEAD_LETTER_HEADERS.stream);
    assert.equal(readDeadLetterEnvelope(noStream), undefined);
    const garbled = writeDeadLetterHeaders(undefined, envelope);
    garbled.set(DEAD_LETTER_HEADERS.sequence, "seventeen");
    garbled.delete(DEAD_LETTER_HEADERS.attempts);
    assert.deepEqual(readDeadLetterEnvelope(garbled), { ...envelope, sequence: 0, attempts: 0 });
  });
});

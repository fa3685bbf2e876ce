import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deadLetterMsgId } from "./dead-letter-id.js";

describe("deadLetterMsgId", () => {
  it("stays the same for the same message, so a repeat is deduplicated", () => {
    assert.equal(deadLetterMsgId("PAYMENTS", "invoice-generator", 7, 1_000n), deadLetterMsgId("PAYMENTS", "invoice-generator", 7, 1_000n));
  });

  it("differs for a message that reuses a sequence after the stream was created again", () => {
    assert.notEqual(
      deadLetterMsgId("PAYMENTS", "invoice-generator", 7, 1_000n),
      deadLetterMsgId("PAYMENTS", "invoice-generator", 7, 2_000n),
    );
  });

  it("differs between consumers that give up on the same message", () => {
    assert.notEqual(deadLetterMsgId("INVOICES", "notifier", 3, 5n), deadLetterMsgId("INVOICES", "order-reconciler", 3, 5n));
  });
});

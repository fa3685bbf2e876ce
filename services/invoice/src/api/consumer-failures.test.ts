import { PermanentFailure } from "@invoicing/service-kit/messaging";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DocumentRefused, InvalidDocumentEvent, InvoiceNotYetIssued } from "../issuing/issuing-errors.js";
import { RenderFailed } from "../issuing/pdf-renderer.js";
import { toConsumerFailure } from "./consumer-failures.js";

describe("toConsumerFailure", () => {
  it("dead-letters what can never be issued, with the domain's words as the reason", () => {
    for (const error of [
      new InvalidDocumentEvent("invalid PaymentCompleted: payment_id: must be set"),
      new DocumentRefused("render failed: INVALID_ARGUMENT html: too large"),
    ]) {
      const mapped = toConsumerFailure(error);
      assert.ok(mapped instanceof PermanentFailure, `${error.name} is dead-lettered`);
      assert.equal(mapped.message, error.message);
      assert.equal(mapped.cause, error);
    }
  });

  it("leaves a waiting refund and an outage to the loop's retries", () => {
    for (const error of [
      new InvoiceNotYetIssued("refund ref_1: payment pay_1 has no invoice yet"),
      new RenderFailed("render failed: UNAVAILABLE", false),
      new Error("SQLITE_BUSY"),
    ]) {
      assert.equal(toConsumerFailure(error), error, error.name);
    }
  });
});

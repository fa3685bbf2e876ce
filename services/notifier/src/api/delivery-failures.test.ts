import { create } from "@bufbuild/protobuf";
import { InvoiceSchema } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { PermanentFailure, RetryLater } from "@invoicing/service-kit/messaging";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DeliveryInProgress, NothingToDeliver } from "../delivery/delivery-errors.js";
import { UndeliverableDocument } from "../delivery/undeliverable-document.js";
import { asConsumerFailure, undeliverableBehind } from "./delivery-failures.js";

describe("asConsumerFailure", () => {
  it("dead-letters an undeliverable document and keeps it for the failure report", () => {
    const undeliverable = new UndeliverableDocument(create(InvoiceSchema, { invoiceId: "inv_1" }), "invoice inv_1 has no customer email");
    const failure = asConsumerFailure(undeliverable);
    assert.ok(failure instanceof PermanentFailure);
    assert.equal(failure.message, "invoice inv_1 has no customer email");
    assert.equal(undeliverableBehind(failure)?.invoice.invoiceId, "inv_1");
  });

  it("dead-letters what can never be delivered without reporting it", () => {
    const failure = asConsumerFailure(new NothingToDeliver("invoice inv_2 is FAILED, not READY"));
    assert.ok(failure instanceof PermanentFailure);
    assert.equal(undeliverableBehind(failure), undefined);
  });

  it("tries a delivery held by another notifier again when its claim runs out", () => {
    const failure = asConsumerFailure(new DeliveryInProgress("held by b", 42_000));
    assert.ok(failure instanceof RetryLater);
    assert.equal(failure.afterMs, 42_000);
  });

  it("leaves any other failure transient", () => {
    const transient = new Error("421 service not available");
    assert.equal(asConsumerFailure(transient), transient);
  });
});

import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { type LineItemSchema, TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import {
  CreateOrderRequestSchema,
  OrderStatus,
  PaymentMethod,
  type CreateOrderRequest,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { repoRoot } from "@invoicing/local-stack/service-process";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ORDER_SERVER_LIMITS } from "./order-server-limits.js";
import { MAX_ITEMS, validateCreateOrder } from "./order-request-validation.js";

const order = (items: MessageInitShape<typeof LineItemSchema>[]) =>
  create(CreateOrderRequestSchema, {
    customer: {
      customerId: "cust-1",
      name: "Erika Mustermann",
      email: "erika@example.com",
      billingAddress: { line1: "Musterweg 1", postalCode: "10115", city: "Berlin", countryCode: "DE" },
    },
    items,
    currency: "EUR",
  });

function rejection(req: CreateOrderRequest): ConnectError {
  try {
    validateCreateOrder(req);
  } catch (error) {
    if (error instanceof ConnectError) return error;
    throw error;
  }
  assert.fail("accepted");
}

describe("validateCreateOrder: totals beyond int64", () => {
  it("answers INVALID_ARGUMENT naming the line at which the total passes int64", () => {
    // Each line is within its own bounds (10^6 × 10^12 = 10^18); ten of them pass 2^63-1.
    const items = Array.from({ length: 12 }, () => ({
      description: "gold bar",
      quantity: 1_000_000n,
      unitPrice: 1_000_000_000_000n,
      taxRateBps: 0,
    }));
    const error = rejection(order(items));
    assert.equal(error.code, Code.InvalidArgument);
    assert.match(error.rawMessage, /^items\[9\]\.unit_price: the totals pass the int64 maximum/);
  });

  it("counts the tax: nine such lines fit, and pass int64 once one is taxed at 50 %", () => {
    const items = Array.from({ length: 9 }, () => ({
      description: "gold bar",
      quantity: 1_000_000n,
      unitPrice: 1_000_000_000_000n,
      taxRateBps: 0,
    }));
    validateCreateOrder(order(items)); // 9 × 10^18 fits
    items[8]!.taxRateBps = 5000;
    assert.match(rejection(order(items)).rawMessage, /^items\[8\]\.unit_price:/);
  });
});

describe("validateCreateOrder: string bounds", () => {
  it("bounds address line 2, region and locale, which were unbounded", () => {
    const long = (n: number) => "x".repeat(n);
    const withAddress = (patch: object) => {
      const req = order([{ description: "a", quantity: 1n, unitPrice: 1n, taxRateBps: 0 }]);
      Object.assign(req.customer!.billingAddress!, patch);
      return req;
    };
    assert.match(rejection(withAddress({ line2: long(201) })).rawMessage, /^customer\.billing_address\.line2:/);
    assert.match(rejection(withAddress({ region: long(101) })).rawMessage, /^customer\.billing_address\.region:/);
    const locale = order([{ description: "a", quantity: 1n, unitPrice: 1n, taxRateBps: 0 }]);
    locale.locale = `de-DE-${Array.from({ length: 10 }, (_, i) => `x${i}abcd`).join("-")}`;
    assert.match(rejection(locale).rawMessage, /^locale:/);
  });
});

/** The largest order validation accepts: every string at its bound in 3-byte UTF-8 characters. */
function largestOrder(): CreateOrderRequest {
  const wide = (n: number) => "€".repeat(n);
  const req = create(CreateOrderRequestSchema, {
    customer: {
      customerId: "c".repeat(128),
      name: wide(200),
      email: `${wide(120)}@${wide(130)}.de`,
      billingAddress: {
        line1: wide(200),
        line2: wide(200),
        postalCode: wide(20),
        city: wide(100),
        region: wide(100),
        countryCode: "DE",
      },
      vatId: `DE${"9".repeat(13)}`,
    },
    items: Array.from({ length: MAX_ITEMS }, () => ({
      description: wide(500),
      quantity: 1_000_000n,
      // Large (a five-byte varint), and 500 such lines taxed at 100 % still sum within int64.
      unitPrice: 9_000_000_000n,
      taxRateBps: 10_000,
    })),
    currency: "EUR",
    locale: "de-DE-1996-x-abcdefgh-abcdefgh-a",
  });
  assert.equal(req.customer!.email.length, 254);
  validateCreateOrder(req);
  return req;
}

// NATS refuses a message past max_payload (headers included), so an order that validates but
// whose PaymentCompleted does not fit would be paid and never invoiced.
describe("the largest valid order", () => {
  const req = largestOrder();
  const requestBytes = toBinary(CreateOrderRequestSchema, req).length;
  const event = create(PaymentCompletedSchema, {
    eventId: `payment-completed:${"p".repeat(128)}`,
    occurredAt: timestampNow(),
    traceId: "0".repeat(32),
    paymentId: "p".repeat(128),
    amount: 2n ** 62n,
    method: PaymentMethod.BANK_TRANSFER,
    order: {
      orderId: `ord_${"0".repeat(32)}`,
      customer: req.customer,
      items: req.items,
      currency: req.currency,
      locale: req.locale,
      status: OrderStatus.PAID,
      createdAt: timestampNow(),
      total: 2n ** 62n,
    },
  });
  const eventBytes = toBinary(PaymentCompletedSchema, event).length;
  console.log(`largest CreateOrderRequest ${requestBytes} bytes, its PaymentCompleted ${eventBytes} bytes`);

  it("fits the order server's request limit", () => {
    assert.ok(requestBytes <= ORDER_SERVER_LIMITS.maxRequestBytes!, `${requestBytes} bytes`);
  });

  it("has a PaymentCompleted that fits NATS max_payload as deployed, with room for headers", () => {
    // Headers count against max_payload: Nats-Msg-Id, traceparent, a signature, and the
    // Dead-Letter-* headers when it is dead-lettered. 64 KiB is far more than they take.
    const headroom = 64 * 1024;
    for (const file of ["deploy/k8s/base/nats/nats.conf", "deploy/k8s/overlays/prod/nats-cluster.conf"]) {
      const conf = readFileSync(join(repoRoot, file), "utf8");
      const maxPayload = Number(/^max_payload:\s*(\d+)\s*$/m.exec(conf)?.[1]);
      assert.ok(maxPayload > 0, `${file} sets max_payload in bytes`);
      assert.ok(eventBytes + headroom <= maxPayload, `${eventBytes} bytes + headers in ${maxPayload} (${file})`);
    }
  });
});

describe("validateCreateOrder: VAT categories", () => {
  it("names the buyer's VAT id a reverse-charge line needs, and the reason an exempt line needs", () => {
    const reverseCharge = order([
      {
        description: "audit",
        quantity: 1n,
        unitPrice: 100n,
        taxRateBps: 0,
        taxCategory: TaxCategory.REVERSE_CHARGE,
        taxExemptionReason: "Reverse charge",
      },
    ]);
    const error = rejection(reverseCharge);
    assert.equal(error.code, Code.InvalidArgument);
    assert.equal(error.rawMessage, "customer.vat_id: must be set: items[0] is TAX_CATEGORY_REVERSE_CHARGE, which names the buyer's VAT id");
    reverseCharge.customer!.vatId = "FR12345678901";
    validateCreateOrder(reverseCharge);
    const exempt = order([{ description: "lesson", quantity: 1n, unitPrice: 100n, taxRateBps: 0, taxCategory: TaxCategory.EXEMPT }]);
    assert.match(rejection(exempt).rawMessage, /^items\[0\]\.tax_exemption_reason: must be set/);
  });
});

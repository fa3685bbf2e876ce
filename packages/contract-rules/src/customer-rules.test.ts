import { create } from "@bufbuild/protobuf";
import { CustomerSchema } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { customerProblem } from "./customer-rules.js";

const customer = () =>
  create(CustomerSchema, {
    customerId: "cust-1",
    name: "Ada Lovelace",
    email: "ada@example.com",
    billingAddress: { line1: "12 St James's Square", postalCode: "SW1Y 4JH", city: "London", countryCode: "GB" },
    vatId: "GB123456789",
  });

describe("customerProblem", () => {
  it("accepts a complete customer", () => {
    assert.equal(customerProblem(customer(), "customer"), undefined);
  });

  it("names each broken field by its path under the one given", () => {
    const cases: Array<[string, (c: ReturnType<typeof customer>) => void]> = [
      [
        "order.customer.customer_id",
        (c) => {
          c.customerId = "has space";
        },
      ],
      [
        "order.customer.name",
        (c) => {
          c.name = "  ";
        },
      ],
      [
        "order.customer.email",
        (c) => {
          c.email = "not-an-address";
        },
      ],
      [
        "order.customer.billing_address.city",
        (c) => {
          c.billingAddress!.city = "";
        },
      ],
      [
        "order.customer.billing_address.line2",
        (c) => {
          c.billingAddress!.line2 = "x".repeat(201);
        },
      ],
      [
        "order.customer.billing_address.country_code",
        (c) => {
          c.billingAddress!.countryCode = "gb";
        },
      ],
      [
        "order.customer.vat_id",
        (c) => {
          c.vatId = "123";
        },
      ],
    ];
    for (const [field, breakIt] of cases) {
      const broken = customer();
      breakIt(broken);
      assert.equal(customerProblem(broken, "order.customer")?.field, field);
    }
  });

  it("says a missing customer or address must be set", () => {
    assert.deepEqual(customerProblem(undefined, "customer"), { field: "customer", problem: "must be set" });
    const noAddress = customer();
    noAddress.billingAddress = undefined;
    assert.equal(customerProblem(noAddress, "customer")?.field, "customer.billing_address");
  });
});

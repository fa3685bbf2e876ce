import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CreateOrderRequestSchema } from "@invoicing/contracts/invoicing/order/v1/order_pb";

/** The order the demo and the end-to-end test buy: two tax rates, ten lines, a VAT id. */
export function sampleOrder(buyerName = "Ada Lovelace"): MessageInitShape<typeof CreateOrderRequestSchema> {
  const items = [
    ["Analytical engine, rental (month)", 1n, 149_900n, 1900],
    ["Punch cards, box of 500", 3n, 1_250n, 1900],
    ["Brass gear set", 2n, 8_999n, 1900],
    ["Operating manual (print)", 1n, 2_450n, 700],
    ["Notes on the engine (book)", 2n, 1_999n, 700],
    ["Installation service, hours", 4n, 8_500n, 1900],
    ["Steam connector", 1n, 3_333n, 1900],
    ["Oil, litre", 5n, 799n, 1900],
    ["Spare crank", 1n, 12_000n, 1900],
    ["Newsletter subscription", 1n, 1_000n, 700],
  ] as const;
  return {
    customer: {
      customerId: "cust-ada",
      name: buyerName,
      email: "ada@example.com",
      billingAddress: { line1: "12 St James's Square", postalCode: "SW1Y 4JH", city: "London", countryCode: "GB" },
      vatId: "GB123456789",
    },
    items: items.map(([description, quantity, unitPrice, taxRateBps]) => ({ description, quantity, unitPrice, taxRateBps })),
    currency: "EUR",
    locale: "de-DE",
  };
}

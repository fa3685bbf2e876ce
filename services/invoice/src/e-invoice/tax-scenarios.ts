import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type CustomerSchema,
  type LineItemSchema,
  LineItemSchema as LineItems,
  TaxCategory,
} from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { DocumentKind, InvoiceSchema, InvoiceStatus, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import { computeTotals, refundTotals } from "@invoicing/money";

// The sales the e-invoice tests issue, one per kind of VAT treatment the contracts can state,
// each as an invoice and as a credit note of its first line: a test fixture, not a rule.

export interface TaxScenario {
  name: string;
  locale: string;
  customer: MessageInitShape<typeof CustomerSchema>;
  items: MessageInitShape<typeof LineItemSchema>[];
}

const germanBuyer = {
  customerId: "cust_de",
  name: "Erika Mustermann",
  email: "erika@example.de",
  billingAddress: { line1: "Musterweg 1", postalCode: "50667", city: "Köln", countryCode: "DE" },
};

export const TAX_SCENARIOS: TaxScenario[] = [
  {
    name: "german-domestic",
    locale: "de-DE",
    customer: { ...germanBuyer, buyerReference: "04011000-12345-67" },
    items: [
      {
        description: "Beratung, Stunden",
        quantity: 3n,
        unitPrice: 12_000n,
        taxRateBps: 1900,
        taxCategory: TaxCategory.STANDARD,
        unitCode: "HUR",
      },
      { description: "Fachbuch", quantity: 2n, unitPrice: 2_450n, taxRateBps: 700, taxCategory: TaxCategory.STANDARD },
    ],
  },
  {
    name: "french-sale",
    locale: "fr-FR",
    customer: {
      customerId: "cust_fr",
      name: "Camille Martin",
      email: "camille@example.fr",
      billingAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", countryCode: "FR" },
    },
    items: [{ description: "Abonnement annuel", quantity: 1n, unitPrice: 9_900n, taxRateBps: 2000, taxCategory: TaxCategory.STANDARD }],
  },
  {
    name: "reverse-charge",
    locale: "fr-FR",
    customer: {
      customerId: "cust_fr_b2b",
      name: "Atelier Lumière SARL",
      email: "compta@atelier-lumiere.example",
      vatId: "FR32123456789",
      billingAddress: { line1: "4 quai des Chartrons", postalCode: "33000", city: "Bordeaux", countryCode: "FR" },
    },
    items: [
      {
        description: "Audit de sécurité",
        quantity: 2n,
        unitPrice: 95_000n,
        taxRateBps: 0,
        taxCategory: TaxCategory.REVERSE_CHARGE,
        taxExemptionReason: "Autoliquidation, article 196 de la directive 2006/112/CE",
        unitCode: "DAY",
      },
    ],
  },
  {
    name: "intra-community",
    locale: "de-AT",
    customer: {
      customerId: "cust_at",
      name: "Alpenholz GmbH",
      email: "einkauf@alpenholz.example",
      vatId: "ATU12345678",
      billingAddress: { line1: "Landstraße 5", postalCode: "4020", city: "Linz", countryCode: "AT" },
    },
    items: [
      {
        description: "Zahnradsatz, Messing",
        quantity: 40n,
        unitPrice: 8_999n,
        taxRateBps: 0,
        taxCategory: TaxCategory.INTRA_COMMUNITY,
        taxExemptionReason: "Steuerfreie innergemeinschaftliche Lieferung nach § 4 Nr. 1b UStG",
      },
    ],
  },
  {
    name: "export",
    locale: "en-US",
    customer: {
      customerId: "cust_us",
      name: "Babbage Engines Inc.",
      email: "ap@babbage.example",
      billingAddress: { line1: "1 Market St", postalCode: "94105", city: "San Francisco", region: "CA", countryCode: "US" },
    },
    items: [
      {
        description: "Analytical engine, rental (month)",
        quantity: 1n,
        unitPrice: 149_900n,
        taxRateBps: 0,
        taxCategory: TaxCategory.EXPORT,
        taxExemptionReason: "Export outside the EU, exempt under § 4 Nr. 1a UStG",
      },
    ],
  },
  {
    name: "exempt-line",
    locale: "de-DE",
    customer: germanBuyer,
    items: [
      { description: "Lehrbuch Analytische Maschine", quantity: 1n, unitPrice: 4_990n, taxRateBps: 700, taxCategory: TaxCategory.STANDARD },
      {
        description: "Unterricht, Stunden",
        quantity: 4n,
        unitPrice: 6_000n,
        taxRateBps: 0,
        taxCategory: TaxCategory.EXEMPT,
        taxExemptionReason: "Steuerfrei nach § 4 Nr. 21 UStG",
        unitCode: "HUR",
      },
    ],
  },
  {
    name: "not-subject",
    locale: "de-DE",
    // A VAT id the buyer gave, which a document outside VAT's scope must not state.
    customer: { ...germanBuyer, customerId: "cust_de_b2b", name: "Muster Maschinenbau GmbH", vatId: "DE987654321" },
    items: [
      {
        description: "Schadensersatz für verspätete Rücksendung",
        quantity: 1n,
        unitPrice: 25_000n,
        taxRateBps: 0,
        taxCategory: TaxCategory.NOT_SUBJECT,
        taxExemptionReason: "Nicht steuerbarer echter Schadensersatz",
      },
    ],
  },
];

/** The scenario's invoice, numbered and issued as the finisher would record it. */
export function scenarioInvoice(scenario: TaxScenario, index: number): Invoice {
  const items = scenario.items.map((item) => create(LineItems, item));
  return create(InvoiceSchema, {
    ...common(scenario),
    invoiceId: `inv_${scenario.name}`,
    number: `INV-2026-${String(100 + index).padStart(6, "0")}`,
    kind: DocumentKind.INVOICE,
    items,
    totals: computeTotals(items),
    issuedAt: timestampFromDate(new Date("2026-12-03T10:15:00Z")),
  });
}

/** A credit note taking back the invoice's first line, priced as the order service prices refunds. */
export function scenarioCreditNote(scenario: TaxScenario, index: number): Invoice {
  const items = [create(LineItems, scenario.items[0])];
  return create(InvoiceSchema, {
    ...common(scenario),
    invoiceId: `cn_${scenario.name}`,
    number: `CN-2026-${String(100 + index).padStart(6, "0")}`,
    kind: DocumentKind.CREDIT_NOTE,
    refundId: `ref_${scenario.name}`,
    refundReason: "Returned",
    creditedInvoiceId: `inv_${scenario.name}`,
    creditedInvoiceNumber: `INV-2026-${String(100 + index).padStart(6, "0")}`,
    items,
    totals: refundTotals([], items),
    issuedAt: timestampFromDate(new Date("2026-12-05T08:00:00Z")),
  });
}

const common = (scenario: TaxScenario) => ({
  status: InvoiceStatus.PENDING,
  paymentId: `pay_${scenario.name}`,
  orderId: `ord_${scenario.name}`,
  customer: scenario.customer,
  currency: "EUR",
  locale: scenario.locale,
});

import { type Customer, type LineItem, TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { taxCategoryOf } from "@invoicing/money";
import { E_INVOICE_UNITS } from "./e-invoice-code-lists.js";
import { type FieldProblem, fieldPath, textProblem } from "./field-problem.js";

// What EN 16931 asks of a line's VAT category, checked where an order comes in and again where
// an event spends a number on it, so a document that could never be a valid e-invoice is
// refused naming the field instead of being numbered and then refused.

/** The categories whose lines are untaxed for a legal reason the document must state (BT-120). */
const NEEDS_REASON = new Set([
  TaxCategory.EXEMPT,
  TaxCategory.REVERSE_CHARGE,
  TaxCategory.INTRA_COMMUNITY,
  TaxCategory.EXPORT,
  TaxCategory.NOT_SUBJECT,
]);
/** The buyer owes or declares the VAT, so the document names the buyer's VAT id (BR-AE-02, BR-IC-02). */
const NEEDS_BUYER_VAT_ID = new Set([TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY]);
/** UN/ECE Recommendation 20 codes are two or three capitals or digits ("C62", "HUR", "KGM"). */
const UNIT_CODE = /^[A-Z0-9]{2,3}$/;

const nameOf = (category: TaxCategory) => `TAX_CATEGORY_${TaxCategory[category]}`;

/** The first rule a line's category, rate, exemption reason or unit breaks. */
export function lineTaxProblem(item: LineItem, at: string): FieldProblem | undefined {
  if (TaxCategory[item.taxCategory] === undefined) {
    return { field: `${at}.tax_category`, problem: `must be a TaxCategory, got ${item.taxCategory}` };
  }
  const category = taxCategoryOf(item);
  if (category === TaxCategory.STANDARD && item.taxRateBps === 0) {
    return { field: `${at}.tax_rate_bps`, problem: "must be above 0 for TAX_CATEGORY_STANDARD (an untaxed line names its category)" };
  }
  if (category !== TaxCategory.STANDARD && item.taxRateBps !== 0) {
    return { field: `${at}.tax_rate_bps`, problem: `must be 0 for ${nameOf(category)}` };
  }
  if (NEEDS_REASON.has(category)) {
    const reason = textProblem(item.taxExemptionReason, `${at}.tax_exemption_reason`, 300);
    if (reason) return { ...reason, problem: `${reason.problem}: ${nameOf(category)} states why the line is untaxed` };
  } else if (item.taxExemptionReason !== "") {
    return { field: `${at}.tax_exemption_reason`, problem: `must be empty for ${nameOf(category)}` };
  }
  if (item.unitCode !== "" && (!UNIT_CODE.test(item.unitCode) || !E_INVOICE_UNITS.has(item.unitCode))) {
    return { field: `${at}.unit_code`, problem: `must be a UN/ECE Recommendation 20 code such as C62 or HUR, got "${item.unitCode}"` };
  }
  return undefined;
}

/**
 * Lines of one category share one VAT breakdown, which carries one exemption reason; a line
 * not subject to VAT shares its document with no other category (BR-O-11..14).
 */
export function sharedReasonProblem(items: readonly LineItem[], field: string): FieldProblem | undefined {
  const first = new Map<TaxCategory, number>();
  const notSubject = items.findIndex((item) => taxCategoryOf(item) === TaxCategory.NOT_SUBJECT);
  for (const [i, item] of items.entries()) {
    const category = taxCategoryOf(item);
    if (notSubject >= 0 && category !== TaxCategory.NOT_SUBJECT) {
      return {
        field: `${field}[${i}].tax_category`,
        problem: `must be TAX_CATEGORY_NOT_SUBJECT like ${field}[${notSubject}]: a document not subject to VAT has no other category`,
      };
    }
    const earlier = first.get(category);
    if (earlier === undefined) first.set(category, i);
    else if (items[earlier]!.taxExemptionReason !== item.taxExemptionReason) {
      return {
        field: `${field}[${i}].tax_exemption_reason`,
        problem: `must equal ${field}[${earlier}]'s: lines of one category share one VAT breakdown and its reason`,
      };
    }
  }
  return undefined;
}

/** A reverse-charge or intra-community line needs the buyer's VAT id. */
export function buyerVatIdProblem(customer: Customer | undefined, customerPath: string, items: readonly LineItem[], itemsPath: string) {
  if (customer?.vatId) return undefined;
  const index = items.findIndex((item) => NEEDS_BUYER_VAT_ID.has(taxCategoryOf(item)));
  if (index < 0) return undefined;
  return {
    field: fieldPath(customerPath, "vat_id"),
    problem: `must be set: ${itemsPath}[${index}] is ${nameOf(taxCategoryOf(items[index]!))}, which names the buyer's VAT id`,
  };
}

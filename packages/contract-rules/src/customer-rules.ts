import type { Customer } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { type FieldProblem, fieldPath, textProblem } from "./field-problem.js";
import { E_INVOICE_COUNTRIES } from "./e-invoice-code-lists.js";
import { ID } from "./id-rules.js";

const EMAIL = /^[^\s@<>\p{Cc}]+@[^\s@<>\p{Cc}]+\.[^\s@<>\p{Cc}]+$/u;
const COUNTRY = /^[A-Z]{2}$/;
const VAT_ID = /^[A-Z]{2}[A-Z0-9+*.]{2,13}$/;

/** The first rule `customer` (at `path`) breaks: who is billed, and where. */
export function customerProblem(customer: Customer | undefined, path: string): FieldProblem | undefined {
  const at = (field: string) => fieldPath(path, field);
  if (!customer) return { field: path, problem: "must be set" };
  if (!ID.test(customer.customerId)) return { field: at("customer_id"), problem: "must be 1-128 letters, digits or ._:-" };
  const name = textProblem(customer.name, at("name"), 200);
  if (name) return name;
  if (!EMAIL.test(customer.email) || customer.email.length > 254) {
    return { field: at("email"), problem: `must be an email address, got "${customer.email}"` };
  }
  const address = customer.billingAddress;
  const addressAt = (field: string) => at(`billing_address.${field}`);
  if (!address) return { field: at("billing_address"), problem: "must be set" };
  const text =
    textProblem(address.line1, addressAt("line1"), 200) ??
    textProblem(address.line2, addressAt("line2"), 200, false) ??
    textProblem(address.postalCode, addressAt("postal_code"), 20) ??
    textProblem(address.city, addressAt("city"), 100) ??
    textProblem(address.region, addressAt("region"), 100, false);
  if (text) return text;
  if (!COUNTRY.test(address.countryCode) || !E_INVOICE_COUNTRIES.has(address.countryCode)) {
    return { field: addressAt("country_code"), problem: `must be an ISO 3166-1 alpha-2 code such as DE, got "${address.countryCode}"` };
  }
  if (customer.vatId !== "" && !VAT_ID.test(customer.vatId)) {
    return { field: at("vat_id"), problem: `must be a VAT id such as DE123456789, got "${customer.vatId}"` };
  }
  return textProblem(customer.buyerReference, at("buyer_reference"), 200, false);
}

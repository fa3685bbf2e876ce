import { Code, ConnectError } from "@connectrpc/connect";
import type { CompletePaymentRequest, CreateOrderRequest, RefundPaymentRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { firstLineBeyondInt64, INT64_MAX, isCurrencyCode } from "@invoicing/money";

// Request checks, each naming the field by its proto path so a caller can fix the request.

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const COUNTRY = /^[A-Z]{2}$/;
const VAT_ID = /^[A-Z]{2}[A-Z0-9+*.]{2,13}$/;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Every string has a bound, so the largest order (and its PaymentCompleted, which carries the
// whole order) has a known size: order-request-validation.test.ts builds it and checks it fits the
// order server's request limit and NATS max_payload.
export const MAX_ITEMS = 500;
const MAX_LOCALE = 35; // RFC 5646's practical bound for a language tag

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

function requireText(value: string, field: string, max: number): void {
  if (value.trim() === "") throw invalid(field, "must be set");
  if (value.length > max) throw invalid(field, `must be at most ${max} characters`);
}

export function isValidLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

export function validateCreateOrder(req: CreateOrderRequest): void {
  const customer = req.customer;
  if (!customer) throw invalid("customer", "must be set");
  if (!ID.test(customer.customerId)) throw invalid("customer.customer_id", "must be 1-128 letters, digits or ._:-");
  requireText(customer.name, "customer.name", 200);
  if (!EMAIL.test(customer.email) || customer.email.length > 254) {
    throw invalid("customer.email", `must be an email address, got "${customer.email}"`);
  }
  const address = customer.billingAddress;
  if (!address) throw invalid("customer.billing_address", "must be set");
  requireText(address.line1, "customer.billing_address.line1", 200);
  if (address.line2.length > 200) throw invalid("customer.billing_address.line2", "must be at most 200 characters");
  requireText(address.postalCode, "customer.billing_address.postal_code", 20);
  requireText(address.city, "customer.billing_address.city", 100);
  if (address.region.length > 100) throw invalid("customer.billing_address.region", "must be at most 100 characters");
  if (!COUNTRY.test(address.countryCode)) {
    throw invalid("customer.billing_address.country_code", "must be an ISO 3166-1 alpha-2 code such as DE");
  }
  if (customer.vatId !== "" && !VAT_ID.test(customer.vatId)) {
    throw invalid("customer.vat_id", `must be a VAT id such as DE123456789, got "${customer.vatId}"`);
  }
  if (req.items.length === 0) throw invalid("items", "must hold at least one line item");
  if (req.items.length > MAX_ITEMS) throw invalid("items", `must hold at most ${MAX_ITEMS} line items`);
  req.items.forEach((item, i) => {
    requireText(item.description, `items[${i}].description`, 500);
    if (item.quantity < 1n || item.quantity > 1_000_000n) throw invalid(`items[${i}].quantity`, "must be 1..1000000");
    if (item.unitPrice < 0n || item.unitPrice > 1_000_000_000_000n) {
      throw invalid(`items[${i}].unit_price`, "must be 0..10^12 minor units");
    }
    if (item.taxRateBps < 0 || item.taxRateBps > 10_000) throw invalid(`items[${i}].tax_rate_bps`, "must be 0..10000");
  });
  // Each line is bounded above, but 500 of them are not: the total must still be an int64.
  const beyond = firstLineBeyondInt64(req.items);
  if (beyond !== undefined) {
    throw invalid(`items[${beyond}].unit_price`, `the order's totals pass the int64 maximum of ${INT64_MAX} minor units at this line`);
  }
  if (!isCurrencyCode(req.currency)) throw invalid("currency", `must be an ISO 4217 code such as EUR, got "${req.currency}"`);
  if (req.locale.length > MAX_LOCALE || (req.locale !== "" && !isValidLocale(req.locale))) {
    throw invalid("locale", `must be a BCP 47 locale such as de-DE, got "${req.locale}"`);
  }
}

export function validateCompletePayment(req: CompletePaymentRequest): void {
  if (!req.orderId) throw invalid("order_id", "must be set");
  if (!ID.test(req.paymentId)) throw invalid("payment_id", "must be 1-128 letters, digits or ._:-");
  if (req.amount <= 0n) throw invalid("amount", "must be positive");
  if (req.method === PaymentMethod.UNSPECIFIED || !(req.method in PaymentMethod)) {
    throw invalid("method", "must be CARD, BANK_TRANSFER or WALLET");
  }
}

export function validateRefundPayment(req: RefundPaymentRequest): void {
  if (!ID.test(req.paymentId)) throw invalid("payment_id", "must be 1-128 letters, digits or ._:-");
  if (!ID.test(req.refundId)) throw invalid("refund_id", "must be 1-128 letters, digits or ._:-");
  if (req.reason.length > 500) throw invalid("reason", "must be at most 500 characters");
  if (req.lines.length > MAX_ITEMS) throw invalid("lines", `must hold at most ${MAX_ITEMS} lines`);
  const seen = new Set<number>();
  req.lines.forEach((line, i) => {
    if (line.itemIndex < 0) throw invalid(`lines[${i}].item_index`, "must be 0 or more");
    if (seen.has(line.itemIndex)) throw invalid(`lines[${i}].item_index`, `item ${line.itemIndex} is listed twice`);
    seen.add(line.itemIndex);
    if (line.quantity < 1n) throw invalid(`lines[${i}].quantity`, "must be 1 or more");
  });
}

import { isCurrencyCode, minorUnitDigits } from "@invoicing/money";
import { E_INVOICE_CURRENCIES } from "./e-invoice-code-lists.js";
import type { FieldProblem } from "./field-problem.js";

const MAX_LOCALE = 35; // RFC 5646's practical bound for a language tag

/** EN 16931 amounts have at most two decimals; a currency whose minor unit has more cannot be invoiced. */
const MAX_E_INVOICE_DECIMALS = 2;

export function currencyProblem(currency: string, field: string): FieldProblem | undefined {
  if (!isCurrencyCode(currency) || !E_INVOICE_CURRENCIES.has(currency)) {
    return { field, problem: `must be an ISO 4217 code such as EUR, got "${currency}"` };
  }
  if (minorUnitDigits(currency) > MAX_E_INVOICE_DECIMALS) {
    return { field, problem: `${currency} has ${minorUnitDigits(currency)} decimals; an e-invoice states amounts with at most two` };
  }
  return undefined;
}

export function isValidLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

/** Empty means the default; anything else must be one BCP 47 tag Intl accepts. */
export function localeProblem(locale: string, field: string): FieldProblem | undefined {
  if (locale.length > MAX_LOCALE || (locale !== "" && !isValidLocale(locale))) {
    return { field, problem: `must be a BCP 47 locale such as de-DE, got "${locale}"` };
  }
  return undefined;
}

import { isCurrencyCode } from "@invoicing/money";
import { E_INVOICE_CURRENCIES } from "./e-invoice-code-lists.js";
import type { FieldProblem } from "./field-problem.js";

const MAX_LOCALE = 35; // RFC 5646's practical bound for a language tag

export function currencyProblem(currency: string, field: string): FieldProblem | undefined {
  return isCurrencyCode(currency) && E_INVOICE_CURRENCIES.has(currency)
    ? undefined
    : { field, problem: `must be an ISO 4217 code such as EUR, got "${currency}"` };
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

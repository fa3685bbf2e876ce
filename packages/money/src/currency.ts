import { numberFormat } from "./intl-formatters.js";

// ISO 4217 facts from the runtime's ICU data, so new currencies need no code change.

const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** Digits after the decimal point of the currency's minor unit: EUR 2, JPY 0, BHD 3. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits =
      numberFormat("en", `currency default ${currency}`, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    // Bounded as the formatters are: codes arrive with requests.
    if (digitsByCurrency.size < 512) digitsByCurrency.set(currency, digits);
  }
  return digits;
}

const digitsByCurrency = new Map<string, number>();

/**
 * Formats an amount in minor units for a locale. The amount goes to Intl as an exact decimal
 * string, never through a float, so 2^53 and beyond print correctly.
 */
export function formatMoney(minor: bigint, currency: string, locale: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0n;
  const magnitude = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : "";
  const decimal = `${negative ? "-" : ""}${whole}${fraction}`;
  const formatter = numberFormat(locale, `currency ${currency} ${digits} digits`, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // ES2023 Intl.NumberFormat v3 takes a decimal string; the lib types lag behind.
  return formatter.format(decimal as unknown as number);
}

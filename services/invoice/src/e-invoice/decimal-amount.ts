import { minorUnitDigits } from "@invoicing/money";

// EN 16931 amounts are decimals in the currency's major unit ("39.98"); ours are integers in
// minor units. Converted with bigint arithmetic so no amount passes through a float.
export function decimalAmount(minor: bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0n;
  const magnitude = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}

/** A rate in basis points as the percentage EN 16931 prints (BT-152): 1900 → "19", 550 → "5.5". */
export function percentFromBps(rateBps: number): string {
  const whole = Math.trunc(rateBps / 100);
  const fraction = (rateBps % 100).toString().padStart(2, "0").replace(/0+$/, "");
  return fraction === "" ? `${whole}` : `${whole}.${fraction}`;
}

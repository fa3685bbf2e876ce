import { TaxCategory } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import { numberFormat } from "./intl-formatters.js";

// Invoice arithmetic in integer minor units. Tax is rounded once per VAT breakdown line (the
// lines of one category at one rate), on the sum of their net amounts (not per line), half
// away from zero: the convention of most EU VAT regimes, and it keeps the tax breakdown
// consistent with the totals. EN 16931 asks for one breakdown per category and rate (BG-23).

export interface PricedLine {
  quantity: bigint;
  /** Net price of one unit, minor units. */
  unitPrice: bigint;
  /** 1900 = 19 %. */
  taxRateBps: number;
  /** Unset or UNSPECIFIED: see taxCategoryOf. */
  taxCategory?: TaxCategory;
  /** Why the line is untaxed (BT-120); lines of one category share one. */
  taxExemptionReason?: string;
}

export interface TaxAtRate {
  rateBps: number;
  net: bigint;
  tax: bigint;
  /** Resolved: never UNSPECIFIED. */
  category: TaxCategory;
  exemptionReason: string;
}

export interface Totals {
  net: bigint;
  tax: bigint;
  gross: bigint;
  /** One entry per category and rate, by rate ascending, then by category. */
  taxLines: TaxAtRate[];
}

const BPS_PER_UNIT = 10_000n;

export function lineNet(line: PricedLine): bigint {
  return line.quantity * line.unitPrice;
}

/** `amount * rateBps / 10000`, rounded half away from zero. */
export function taxFor(amount: bigint, rateBps: number): bigint {
  const scaled = amount * BigInt(rateBps);
  const half = BPS_PER_UNIT / 2n;
  return scaled >= 0n ? (scaled + half) / BPS_PER_UNIT : (scaled - half) / BPS_PER_UNIT;
}

/**
 * A line's category as lines were read before categories existed: standard (S) above a zero
 * rate, zero rated (Z) at 0.
 */
export function taxCategoryOf(line: Pick<PricedLine, "taxCategory" | "taxRateBps">): TaxCategory {
  const category = line.taxCategory ?? TaxCategory.UNSPECIFIED;
  if (category !== TaxCategory.UNSPECIFIED) return category;
  return line.taxRateBps > 0 ? TaxCategory.STANDARD : TaxCategory.ZERO_RATED;
}

/**
 * Whether the lines are outside VAT's scope: then the document states no VAT id of seller or
 * buyer (EN 16931 BR-O-02..04). contract-rules keeps such a line alone in its category on its document.
 */
export function isOutsideVatScope(lines: readonly Pick<PricedLine, "taxCategory" | "taxRateBps">[]): boolean {
  return lines.some((line) => taxCategoryOf(line) === TaxCategory.NOT_SUBJECT);
}

interface Breakdown {
  category: TaxCategory;
  rateBps: number;
  exemptionReason: string;
  net: bigint;
}

const breakdownKey = (category: TaxCategory, rateBps: number) => `${category}:${rateBps}`;

function netByBreakdown(lines: readonly PricedLine[]): Map<string, Breakdown> {
  const sums = new Map<string, Breakdown>();
  for (const line of lines) {
    const category = taxCategoryOf(line);
    const key = breakdownKey(category, line.taxRateBps);
    const sum = sums.get(key) ?? { category, rateBps: line.taxRateBps, exemptionReason: line.taxExemptionReason ?? "", net: 0n };
    sum.net += lineNet(line);
    sums.set(key, sum);
  }
  return sums;
}

function totalsOf(taxLines: TaxAtRate[]): Totals {
  taxLines.sort((a, b) => a.rateBps - b.rateBps || a.category - b.category);
  const net = taxLines.reduce((sum, line) => sum + line.net, 0n);
  const tax = taxLines.reduce((sum, line) => sum + line.tax, 0n);
  return { net, tax, gross: net + tax, taxLines };
}

export function computeTotals(lines: readonly PricedLine[]): Totals {
  return totalsOf([...netByBreakdown(lines).values()].map(({ net, ...at }) => ({ ...at, net, tax: taxFor(net, at.rateBps) })));
}

/**
 * Totals of a refund (a credit note) given what earlier refunds of the same invoice took
 * back. Tax in each breakdown is the tax of everything refunded so far minus the tax of what
 * was refunded before, both rounded as the invoice rounds. Refunds of the whole invoice, in
 * any number of parts, then add up to exactly the invoice's tax and total: rounding each part
 * on its own could pay back a cent more or less than was charged.
 */
export function refundTotals(before: readonly PricedLine[], refund: readonly PricedLine[]): Totals {
  const netBefore = netByBreakdown(before);
  return totalsOf(
    [...netByBreakdown(refund)].map(([key, { net, ...at }]) => {
      const earlier = netBefore.get(key)?.net ?? 0n;
      return { ...at, net, tax: taxFor(earlier + net, at.rateBps) - taxFor(earlier, at.rateBps) };
    }),
  );
}

/** "19 %" style label for a rate in basis points, locale-formatted ("7,5 %" in de-DE). */
export function formatRate(rateBps: number, locale: string): string {
  return numberFormat(locale, "percent", { style: "percent", maximumFractionDigits: 2 }).format(rateBps / 10_000);
}

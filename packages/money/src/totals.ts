// Invoice arithmetic in integer minor units. Tax is rounded once per rate, on the sum of the
// net amounts at that rate (not per line), half away from zero: the convention of most EU VAT
// regimes, and it keeps the tax breakdown consistent with the totals.

export interface PricedLine {
  quantity: bigint;
  /** Net price of one unit, minor units. */
  unitPrice: bigint;
  /** 1900 = 19 %. */
  taxRateBps: number;
}

export interface TaxAtRate {
  rateBps: number;
  net: bigint;
  tax: bigint;
}

export interface Totals {
  net: bigint;
  tax: bigint;
  gross: bigint;
  /** One entry per distinct rate, ascending. */
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

function netByRate(lines: readonly PricedLine[]): Map<number, bigint> {
  const sums = new Map<number, bigint>();
  for (const line of lines) sums.set(line.taxRateBps, (sums.get(line.taxRateBps) ?? 0n) + lineNet(line));
  return sums;
}

function totalsOf(taxLines: TaxAtRate[]): Totals {
  taxLines.sort((a, b) => a.rateBps - b.rateBps);
  const net = taxLines.reduce((sum, line) => sum + line.net, 0n);
  const tax = taxLines.reduce((sum, line) => sum + line.tax, 0n);
  return { net, tax, gross: net + tax, taxLines };
}

export function computeTotals(lines: readonly PricedLine[]): Totals {
  return totalsOf([...netByRate(lines)].map(([rateBps, net]) => ({ rateBps, net, tax: taxFor(net, rateBps) })));
}

/**
 * Totals of a refund (a credit note) given what earlier refunds of the same invoice took
 * back. Tax at each rate is the tax of everything refunded so far minus the tax of what was
 * refunded before, both rounded as the invoice rounds. Refunds of the whole invoice, in any
 * number of parts, then add up to exactly the invoice's tax and total: rounding each part
 * on its own could pay back a cent more or less than was charged.
 */
export function refundTotals(before: readonly PricedLine[], refund: readonly PricedLine[]): Totals {
  const netBefore = netByRate(before);
  return totalsOf(
    [...netByRate(refund)].map(([rateBps, net]) => {
      const earlier = netBefore.get(rateBps) ?? 0n;
      return { rateBps, net, tax: taxFor(earlier + net, rateBps) - taxFor(earlier, rateBps) };
    }),
  );
}

/** "19 %" style label for a rate in basis points, locale-formatted ("7,5 %" in de-DE). */
export function formatRate(rateBps: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(rateBps / 10_000);
}

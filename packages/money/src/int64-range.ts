import { computeTotals, lineNet, type PricedLine, type Totals } from "./totals.js";

// Amounts cross every boundary as protobuf int64. Arithmetic here is bigint and never
// overflows, so a total past int64 would only fail at encoding, as INTERNAL, far from the
// field that caused it. These checks let a caller reject it up front and name the line.

export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

export const fitsInt64 = (value: bigint): boolean => value >= INT64_MIN && value <= INT64_MAX;

export function totalsFitInt64(totals: Totals): boolean {
  return (
    fitsInt64(totals.net) &&
    fitsInt64(totals.tax) &&
    fitsInt64(totals.gross) &&
    totals.taxLines.every((line) => fitsInt64(line.net) && fitsInt64(line.tax))
  );
}

/**
 * The index of the first line whose net amount, or the totals of the lines up to it, leave
 * int64; undefined when every amount fits.
 */
export function firstLineBeyondInt64(lines: readonly PricedLine[]): number | undefined {
  const linesFit = lines.every((line) => fitsInt64(lineNet(line)));
  if (linesFit && totalsFitInt64(computeTotals(lines))) return undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!fitsInt64(lineNet(lines[i]!)) || !totalsFitInt64(computeTotals(lines.slice(0, i + 1)))) return i;
  }
  // Only with negative amounts can a prefix fit and the whole not: blame the last line.
  return lines.length - 1;
}

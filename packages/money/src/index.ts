export { formatMoney, isCurrencyCode, minorUnitDigits } from "./currency.js";
export { computeTotals, formatRate, lineNet, refundTotals, taxFor } from "./totals.js";
export type { PricedLine, TaxAtRate, Totals } from "./totals.js";

export { formatMoney, isCurrencyCode, minorUnitDigits } from "./currency.js";
export { computeTotals, formatRate, isOutsideVatScope, lineNet, refundTotals, taxCategoryOf, taxFor } from "./totals.js";
export type { PricedLine, TaxAtRate, Totals } from "./totals.js";
export { firstLineBeyondInt64, fitsInt64, INT64_MAX, INT64_MIN, totalsFitInt64 } from "./int64-range.js";
export { dateFormat, numberFormat } from "./intl-formatters.js";

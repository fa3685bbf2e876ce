export { customerProblem } from "./customer-rules.js";
export { ID } from "./id-rules.js";
export { describeProblem, type FieldProblem, fieldPath, textProblem } from "./field-problem.js";
export { lineItemsProblem, MAX_ITEMS } from "./line-item-rules.js";
export { currencyProblem, isValidLocale, localeProblem } from "./money-rules.js";
export { buyerVatIdProblem } from "./tax-category-rules.js";

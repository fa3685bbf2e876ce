import { readFileSync } from "node:fs";
import type { EInvoiceCodeLists } from "./e-invoice-code-lists-source.js";

// What an e-invoice may state for a country, a unit and a currency: the e-invoice library's own
// code lists (see scripts/refresh-e-invoice-code-lists.ts). A value outside them would be taken
// here, numbered, and then refused by the e-invoice step for good; checked here it is refused
// before anything is spent, naming the field.

const lists = JSON.parse(readFileSync(new URL("./e-invoice-code-lists.json", import.meta.url), "utf8")) as EInvoiceCodeLists;

export const E_INVOICE_COUNTRIES: ReadonlySet<string> = new Set(lists.countries);
export const E_INVOICE_UNITS: ReadonlySet<string> = new Set(lists.units);
export const E_INVOICE_CURRENCIES: ReadonlySet<string> = new Set(lists.currencies);

/** The code lists contract-rules checks, as they stand in an e-invoice-eu JSON schema. */
export interface EInvoiceCodeLists {
  countries: string[];
  units: string[];
  currencies: string[];
}

export function eInvoiceCodeListsOf(schema: unknown): EInvoiceCodeLists {
  const lists = (schema as { $defs: { codeLists: Record<string, { enum: string[] }> } }).$defs.codeLists;
  const list = (name: string) => {
    const values = lists[name]?.enum;
    if (!values) throw new Error(`the e-invoice schema has no code list ${name}`);
    return [...values].sort();
  };
  return { countries: list("ISO3166"), units: list("UNECERec20"), currencies: list("ISO4217") };
}

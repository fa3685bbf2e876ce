import { documentLanguage, type InEveryLanguage } from "@invoicing/document-language";

/** Every label the invoice and credit note print. */
export interface DocumentLabels {
  invoice: string;
  creditNote: string;
  corrects: string;
  refund: string;
  reason: string;
  credited: string;
  issued: string;
  order: string;
  billTo: string;
  payment: string;
  vatId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  net: string;
  netTotal: string;
  tax: string;
  on: string;
  grandTotal: string;
  thanks: string;
  /** The VAT categories a document names beside an untaxed breakdown line, with its reason. */
  zeroRated: string;
  exempt: string;
  reverseCharge: string;
  intraCommunity: string;
  export: string;
  notSubject: string;
}

// The words each market's invoices use. German calls a corrective document
// "Rechnungskorrektur": its "Gutschrift" is a self-billed invoice (§ 14 Abs. 2 UStG), another
// thing. Spain's is the "factura rectificativa"; France's the "avoir". French and Italian
// invoices say HT/TTC and "imponibile" for net and gross.
const LABELS: InEveryLanguage<DocumentLabels> = {
  en: {
    invoice: "Invoice",
    creditNote: "Credit note",
    corrects: "Corrects invoice",
    refund: "Refund",
    reason: "Reason",
    credited: "Total credited",
    issued: "Issued",
    order: "Order",
    billTo: "Bill to",
    payment: "Payment",
    vatId: "VAT ID",
    description: "Description",
    quantity: "Qty",
    unitPrice: "Unit price",
    taxRate: "Tax",
    net: "Net",
    netTotal: "Net total",
    tax: "Tax",
    on: "on",
    grandTotal: "Total",
    thanks: "Thank you for your business",
    zeroRated: "Zero rated",
    exempt: "Exempt from VAT",
    reverseCharge: "Reverse charge: VAT to be accounted for by the recipient",
    intraCommunity: "Intra-community supply, exempt from VAT",
    export: "Export, exempt from VAT",
    notSubject: "Not subject to VAT",
  },
  de: {
    invoice: "Rechnung",
    creditNote: "Rechnungskorrektur",
    corrects: "Korrigiert Rechnung",
    refund: "Erstattung",
    reason: "Grund",
    credited: "Erstattet gesamt",
    issued: "Rechnungsdatum",
    order: "Bestellung",
    billTo: "Rechnungsempfänger",
    payment: "Zahlung",
    vatId: "USt-IdNr.",
    description: "Beschreibung",
    quantity: "Menge",
    unitPrice: "Einzelpreis",
    taxRate: "USt.",
    net: "Netto",
    netTotal: "Nettobetrag",
    tax: "USt.",
    on: "auf",
    grandTotal: "Gesamtbetrag",
    thanks: "Vielen Dank für Ihren Auftrag",
    zeroRated: "Nullsatz",
    exempt: "Steuerfrei",
    reverseCharge: "Steuerschuldnerschaft des Leistungsempfängers",
    intraCommunity: "Steuerfreie innergemeinschaftliche Lieferung",
    export: "Steuerfreie Ausfuhrlieferung",
    notSubject: "Nicht steuerbar",
  },
  fr: {
    invoice: "Facture",
    creditNote: "Avoir",
    corrects: "Rectifie la facture",
    refund: "Remboursement",
    reason: "Motif",
    credited: "Total remboursé",
    issued: "Date d'émission",
    order: "Commande",
    billTo: "Facturé à",
    payment: "Paiement",
    vatId: "N° TVA",
    description: "Désignation",
    quantity: "Qté",
    unitPrice: "Prix unitaire HT",
    taxRate: "TVA",
    net: "Montant HT",
    netTotal: "Total HT",
    tax: "TVA",
    on: "sur",
    grandTotal: "Total TTC",
    thanks: "Merci de votre confiance",
    zeroRated: "Taux zéro",
    exempt: "Exonération de TVA",
    reverseCharge: "Autoliquidation",
    intraCommunity: "Livraison intracommunautaire exonérée de TVA",
    export: "Exportation exonérée de TVA",
    notSubject: "Non soumis à la TVA",
  },
  es: {
    invoice: "Factura",
    creditNote: "Factura rectificativa",
    corrects: "Rectifica la factura",
    refund: "Reembolso",
    reason: "Motivo",
    credited: "Total abonado",
    issued: "Fecha de emisión",
    order: "Pedido",
    billTo: "Facturar a",
    payment: "Pago",
    vatId: "NIF-IVA",
    description: "Descripción",
    quantity: "Cant.",
    unitPrice: "Precio unitario",
    taxRate: "IVA",
    net: "Neto",
    netTotal: "Base imponible",
    tax: "IVA",
    on: "sobre",
    grandTotal: "Total",
    thanks: "Gracias por su confianza",
    zeroRated: "Tipo cero",
    exempt: "Exento de IVA",
    reverseCharge: "Inversión del sujeto pasivo",
    intraCommunity: "Entrega intracomunitaria exenta de IVA",
    export: "Exportación exenta de IVA",
    notSubject: "No sujeto a IVA",
  },
  it: {
    invoice: "Fattura",
    creditNote: "Nota di credito",
    corrects: "Rettifica la fattura",
    refund: "Rimborso",
    reason: "Motivo",
    credited: "Totale accreditato",
    issued: "Data di emissione",
    order: "Ordine",
    billTo: "Intestata a",
    payment: "Pagamento",
    vatId: "Partita IVA",
    description: "Descrizione",
    quantity: "Q.tà",
    unitPrice: "Prezzo unitario",
    taxRate: "IVA",
    net: "Imponibile",
    netTotal: "Totale imponibile",
    tax: "IVA",
    on: "su",
    grandTotal: "Totale",
    thanks: "Grazie per la fiducia",
    zeroRated: "Aliquota zero",
    exempt: "Esente IVA",
    reverseCharge: "Inversione contabile",
    intraCommunity: "Cessione intracomunitaria non imponibile",
    export: "Esportazione non imponibile",
    notSubject: "Fuori campo IVA",
  },
};

/** The labels in the invoice's language (its locale's), English for any other. */
export function documentLabels(locale: string): DocumentLabels {
  return LABELS[documentLanguage(locale)];
}

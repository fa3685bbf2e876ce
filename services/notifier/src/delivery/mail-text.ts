import { documentLanguage, type InEveryLanguage } from "@invoicing/document-language";

/** What the mail of a document says: its subject and its text, given the values they name. */
interface MailWords {
  invoiceSubject: (number: string) => string;
  invoiceText: (name: string, number: string, total: string) => string;
  creditNoteSubject: (number: string) => string;
  creditNoteText: (name: string, number: string, total: string) => string;
}

// The document names match the PDF's (services/invoice/src/issuing/document-labels.ts).
const WORDS: InEveryLanguage<MailWords> = {
  en: {
    invoiceSubject: (number) => `Invoice ${number}`,
    invoiceText: (name, number, total) => `Hello ${name},\n\nplease find attached invoice ${number} over ${total}.\n`,
    creditNoteSubject: (number) => `Credit note ${number}`,
    creditNoteText: (name, number, total) =>
      `Hello ${name},\n\nplease find attached credit note ${number}: ${total} will be refunded to you.\n`,
  },
  de: {
    invoiceSubject: (number) => `Rechnung ${number}`,
    invoiceText: (name, number, total) => `Guten Tag ${name},\n\nanbei erhalten Sie die Rechnung ${number} über ${total}.\n`,
    creditNoteSubject: (number) => `Rechnungskorrektur ${number}`,
    creditNoteText: (name, number, total) =>
      `Guten Tag ${name},\n\nanbei erhalten Sie die Rechnungskorrektur ${number}: ${total} werden Ihnen erstattet.\n`,
  },
  fr: {
    invoiceSubject: (number) => `Facture ${number}`,
    invoiceText: (name, number, total) => `Bonjour ${name},\n\nveuillez trouver ci-joint la facture ${number} d'un montant de ${total}.\n`,
    creditNoteSubject: (number) => `Avoir ${number}`,
    creditNoteText: (name, number, total) =>
      `Bonjour ${name},\n\nveuillez trouver ci-joint l'avoir ${number} : ${total} vous seront remboursés.\n`,
  },
  es: {
    invoiceSubject: (number) => `Factura ${number}`,
    invoiceText: (name, number, total) => `Hola ${name}:\n\nadjuntamos la factura ${number} por un importe de ${total}.\n`,
    creditNoteSubject: (number) => `Factura rectificativa ${number}`,
    creditNoteText: (name, number, total) =>
      `Hola ${name}:\n\nadjuntamos la factura rectificativa ${number}: le reembolsaremos ${total}.\n`,
  },
  it: {
    invoiceSubject: (number) => `Fattura ${number}`,
    invoiceText: (name, number, total) => `Gentile ${name},\n\nin allegato trova la fattura ${number} di ${total}.\n`,
    creditNoteSubject: (number) => `Nota di credito ${number}`,
    creditNoteText: (name, number, total) =>
      `Gentile ${name},\n\nin allegato trova la nota di credito ${number}: le saranno rimborsati ${total}.\n`,
  },
};

/** The mail's words in the invoice's language (its locale's), English for any other. */
export function mailWords(locale: string): MailWords {
  return WORDS[documentLanguage(locale)];
}

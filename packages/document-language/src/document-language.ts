/** The languages the documents (PDF labels, mail text) are written in. */
export const DOCUMENT_LANGUAGES = ["en", "de", "fr", "es", "it"] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/** What a document falls back to when its locale's language is not one of ours. */
export const FALLBACK_LANGUAGE: DocumentLanguage = "en";

/**
 * The language of an invoice's locale (a BCP 47 tag: "de-AT", "fr", "es-MX"), if the documents
 * are written in it, else English. Only the language decides: an Austrian buyer reads the
 * German labels, while numbers, dates and currency still follow the whole locale. A tag that
 * is no locale at all (the contracts refuse those; an old record might hold one) falls back too.
 */
export function documentLanguage(locale: string): DocumentLanguage {
  let language: string;
  try {
    language = new Intl.Locale(locale).language;
  } catch {
    return FALLBACK_LANGUAGE;
  }
  return (DOCUMENT_LANGUAGES as readonly string[]).includes(language) ? (language as DocumentLanguage) : FALLBACK_LANGUAGE;
}

/** A table with a text for every language, so none can be forgotten when one is added. */
export type InEveryLanguage<T> = Record<DocumentLanguage, T>;

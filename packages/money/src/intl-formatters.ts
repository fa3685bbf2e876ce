// An Intl formatter costs tens of microseconds to build (ICU loads locale data) and almost
// nothing to use; an invoice formats some forty amounts, so building one per call was most of
// the template's CPU. Kept per locale and options, in a bounded map: locales arrive with
// requests, and a caller sending a new one each time must not grow memory without end.

const MOST_KEPT = 256;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function kept<F>(formats: Map<string, F>, key: string, make: () => F): F {
  const known = formats.get(key);
  if (known) return known;
  const made = make();
  // Dropping them all at the bound is crude and enough: a real locale set is a few dozen.
  if (formats.size >= MOST_KEPT) formats.clear();
  formats.set(key, made);
  return made;
}

/** `new Intl.NumberFormat(locale, options)`, built once per locale and `optionsKey`. */
export function numberFormat(locale: string, optionsKey: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return kept(numberFormats, `${locale}\u0000${optionsKey}`, () => new Intl.NumberFormat(locale, options));
}

/** `new Intl.DateTimeFormat(locale, options)`, built once per locale and `optionsKey`. */
export function dateFormat(locale: string, optionsKey: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return kept(dateFormats, `${locale}\u0000${optionsKey}`, () => new Intl.DateTimeFormat(locale, options));
}

/** A field that breaks a rule, named by its proto path (e.g. `customer.billing_address.city`). */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** "field: problem", the form every error message and dead-letter reason takes. */
export const describeProblem = ({ field, problem }: FieldProblem) => `${field}: ${problem}`;

/** `path` joined with `field`, for rules applied to a message nested in another. */
export const fieldPath = (path: string, field: string) => (path ? `${path}.${field}` : field);

/**
 * Characters no XML 1.0 document may hold (C0 controls but tab, line feed and carriage return;
 * U+FFFE, U+FFFF; a surrogate without its pair): a text holding one could not be written into
 * the document's e-invoice, so it is refused where it arrives.
 */
const NOT_IN_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(value: string, field: string, max: number, required = true): FieldProblem | undefined {
  if (required && value.trim() === "") return { field, problem: "must be set" };
  if (value.length > max) return { field, problem: `must be at most ${max} characters` };
  const bad = NOT_IN_XML.exec(value);
  if (bad) {
    const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    return { field, problem: `must not hold control characters other than tab and line breaks, or unpaired surrogates; holds ${code}` };
  }
  return undefined;
}

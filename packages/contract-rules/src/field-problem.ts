/** A field that breaks a rule, named by its proto path (e.g. `customer.billing_address.city`). */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** "field: problem", the form every error message and dead-letter reason takes. */
export const describeProblem = ({ field, problem }: FieldProblem) => `${field}: ${problem}`;

/** `path` joined with `field`, for rules applied to a message nested in another. */
export const fieldPath = (path: string, field: string) => (path ? `${path}.${field}` : field);

export function textProblem(value: string, field: string, max: number, required = true): FieldProblem | undefined {
  if (required && value.trim() === "") return { field, problem: "must be set" };
  if (value.length > max) return { field, problem: `must be at most ${max} characters` };
  return undefined;
}

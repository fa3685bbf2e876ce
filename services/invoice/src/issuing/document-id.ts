import { randomUUID } from "node:crypto";

/** A new invoice or credit note id; the same prefix for both, as they share one id space and one store. */
export const newDocumentId = () => `inv_${randomUUID().replaceAll("-", "")}`;

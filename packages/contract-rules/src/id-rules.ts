/**
 * Ids the callers choose (customer, payment, refund): bounded, and safe as a NATS subject
 * token, which payment and refund ids become (see documentSourceOf in service-kit's messaging).
 */
export const ID = /^[A-Za-z0-9._:-]{1,128}$/;

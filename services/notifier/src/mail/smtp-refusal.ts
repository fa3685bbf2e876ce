/**
 * Whether an SMTP failure is the mail server refusing the recipient for good: a 5xx reply to
 * RCPT TO (RFC 5321 4.2.1: "do not repeat the exact request"), as nodemailer reports it. Only
 * that one is final. A 5xx anywhere else (AUTH, MAIL FROM, DATA) says the server or this
 * notifier's account is wrong, which an operator fixes for every document at once, so those
 * stay retried; 4xx is transient by definition.
 */
export function recipientRefusedForGood(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, command, responseCode } = error as { code?: unknown; command?: unknown; responseCode?: unknown };
  return code === "EENVELOPE" && command === "RCPT TO" && typeof responseCode === "number" && responseCode >= 500 && responseCode < 600;
}

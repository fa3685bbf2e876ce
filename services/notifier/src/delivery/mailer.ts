// The mail port: what a delivery hands the mail server, and what the server can answer.

export interface InvoiceMail {
  invoiceId: string;
  invoiceNumber: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  pdf: Uint8Array;
  traceId: string;
}

export interface Mailer {
  readonly channel: string;
  /**
   * Sends; resolves with a reference to what was sent (Message-ID or file path). Rejects with
   * RecipientRefused when the mail server refuses the recipient for good; any other rejection
   * is taken to be transient.
   */
  send(mail: InvoiceMail): Promise<string>;
  close(): void;
}

/** The mail server refused the recipient for good: sending again would change nothing. */
export class RecipientRefused extends Error {
  override name = "RecipientRefused";
}

import nodemailer from "nodemailer";
import { RecipientRefused, type InvoiceMail, type Mailer } from "../delivery/mailer.js";
import { mailMessage } from "./mail-message.js";
import { recipientRefusedForGood } from "./smtp-refusal.js";

/** Bounds on one send: connect, greeting, then any silence on the socket. About 2 minutes at the most. */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export class SmtpMailer implements Mailer {
  readonly channel = "smtp";
  readonly #transport: nodemailer.Transporter;

  constructor(
    url: URL,
    private readonly from: string,
  ) {
    // A send ends, one way or the other, well within the delivery claim's lease
    // (NOTIFIER_CLAIM_LEASE_MS): a hung SMTP server must not outlive the claim and let a
    // second notifier send beside it. nodemailer's defaults allow 10 minutes of silence.
    this.#transport = nodemailer.createTransport(url.toString(), SMTP_TIMEOUTS);
  }

  async send(mail: InvoiceMail): Promise<string> {
    try {
      const info = await this.#transport.sendMail(mailMessage(this.from, mail));
      return String(info.messageId);
    } catch (error) {
      if (recipientRefusedForGood(error)) throw new RecipientRefused(String((error as Error).message), { cause: error });
      throw error;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

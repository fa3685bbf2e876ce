import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";

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
  /** Sends; resolves with a reference to what was sent (Message-ID or file path). */
  send(mail: InvoiceMail): Promise<string>;
  close(): void;
}

function message(from: string, mail: InvoiceMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    // Stable per invoice, so a receiving system can drop a copy sent after a crash.
    messageId: `<${mail.invoiceId}@invoicing.local>`,
    headers: { "X-Invoice-Id": mail.invoiceId, "X-Trace-Id": mail.traceId },
    attachments: [
      { filename: `${mail.invoiceNumber}.pdf`, content: Buffer.from(mail.pdf), contentType: "application/pdf" },
    ],
  };
}

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
    const info = await this.#transport.sendMail(message(this.from, mail));
    return String(info.messageId);
  }

  close(): void {
    this.#transport.close();
  }
}

/** The local default: each mail as an .eml file a person can open, in DATA_DIR/outbox. */
export class OutboxFolderMailer implements Mailer {
  readonly channel = "outbox-file";
  readonly #transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(mail: InvoiceMail): Promise<string> {
    const info = await this.#transport.sendMail(message(this.from, mail));
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${mail.invoiceNumber}.eml`);
    await writeFile(path, info.message as Buffer);
    return path;
  }

  close(): void {}
}

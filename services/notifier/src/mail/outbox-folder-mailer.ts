import { writeFile } from "node:fs/promises";
import { writeIntoFolder } from "@invoicing/service-kit/storage";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { InvoiceMail, Mailer } from "../delivery/mailer.js";
import { mailMessage } from "./mail-message.js";

/** The local default: each mail as an .eml file a person can open, in DATA_DIR/outbox. */
export class OutboxFolderMailer implements Mailer {
  readonly channel = "outbox-file";
  readonly #transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(mail: InvoiceMail): Promise<string> {
    const info = await this.#transport.sendMail(mailMessage(this.from, mail));
    const path = join(this.dir, `${mail.invoiceNumber}.eml`);
    await writeIntoFolder(this.dir, () => writeFile(path, info.message as Buffer));
    return path;
  }

  close(): void {}
}

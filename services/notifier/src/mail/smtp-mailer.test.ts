import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { RecipientRefused, type InvoiceMail } from "../delivery/mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

// The SMTP mailer against a real SMTP server on loopback: what it sends, and which refusals
// it reports as final (RecipientRefused) rather than transient.

const mail = (address: string): InvoiceMail => ({
  invoiceId: "inv_1",
  invoiceNumber: "INV-2026-000001",
  to: { name: "Ada", address },
  subject: "Invoice INV-2026-000001",
  text: "attached",
  pdf: new TextEncoder().encode("%PDF-1.7"),
  traceId: "0af7651916cd43dd8448eb211c80319c",
});

describe("SmtpMailer", () => {
  let server: SMTPServer;
  let url: URL;
  const received: string[] = [];
  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address === "gone@example.com")
          return callback(Object.assign(new Error("5.1.1 no such mailbox"), { responseCode: 550 }));
        if (address.address === "full@example.com") return callback(Object.assign(new Error("4.2.2 mailbox full"), { responseCode: 452 }));
        callback();
      },
      onData(stream, _session, callback) {
        let text = "";
        stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
        stream.on("end", () => {
          received.push(text);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = new URL(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends with the Message-ID stable per invoice and the PDF attached", async () => {
    const mailer = new SmtpMailer(url, "invoices@example.com");
    assert.equal(await mailer.send(mail("ada@example.com")), "<inv_1@invoicing.local>");
    mailer.close();
    assert.match(received.at(-1)!, /Message-ID: <inv_1@invoicing\.local>/i);
    assert.match(received.at(-1)!, /filename=INV-2026-000001\.pdf/);
  });

  it("reports a 5xx to RCPT TO as the recipient refused for good", async () => {
    const mailer = new SmtpMailer(url, "invoices@example.com");
    await assert.rejects(
      mailer.send(mail("gone@example.com")),
      (error: unknown) => error instanceof RecipientRefused && /no such mailbox/.test(error.message),
    );
    mailer.close();
  });

  it("leaves a 4xx to RCPT TO transient", async () => {
    const mailer = new SmtpMailer(url, "invoices@example.com");
    await assert.rejects(
      mailer.send(mail("full@example.com")),
      (error: unknown) => error instanceof Error && !(error instanceof RecipientRefused),
    );
    mailer.close();
  });
});

import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  url: string;
  mails: ParsedMail[];
  /** When each of `mails` was accepted (epoch ms), index for index. */
  acceptedAtMs: number[];
  /**
   * Until `ms` have passed, every connection is greeted with 421 (service not available), as a
   * mail server in maintenance or over its limits answers; resolves when it accepts again.
   */
  refuseFor(ms: number): Promise<void>;
  /** Connections refused so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Recipients refused for good: RCPT TO answered 550 (no such mailbox), as a real server does. */
  refuseRecipients?: readonly string[];
}

/** A real SMTP server on loopback that keeps every mail it accepts, parsed. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const refusedRecipients = new Set(options.refuseRecipients?.map((address) => address.toLowerCase()));
  const mails: ParsedMail[] = [];
  const acceptedAtMs: number[] = [];
  let refusingUntil = 0;
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect(_session, callback) {
      if (Date.now() < refusingUntil) {
        refused++;
        return callback(Object.assign(new Error("service not available, try again later"), { responseCode: 421 }));
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (refusedRecipients.has(address.address.toLowerCase())) {
        return callback(Object.assign(new Error("5.1.1 no such mailbox"), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          acceptedAtMs.push(Date.now());
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    acceptedAtMs,
    async refuseFor(ms) {
      refusingUntil = Date.now() + ms;
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    get refused() {
      return refused;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

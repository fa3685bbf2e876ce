import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recipientRefusedForGood } from "./smtp-refusal.js";

const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error("smtp"), fields);

describe("recipientRefusedForGood", () => {
  it("is true for a 5xx reply to RCPT TO", () => {
    assert.equal(recipientRefusedForGood(smtpError({ code: "EENVELOPE", command: "RCPT TO", responseCode: 550 })), true);
    assert.equal(recipientRefusedForGood(smtpError({ code: "EENVELOPE", command: "RCPT TO", responseCode: 553 })), true);
  });

  it("is false for a 4xx reply to RCPT TO: the mailbox may come back", () => {
    assert.equal(recipientRefusedForGood(smtpError({ code: "EENVELOPE", command: "RCPT TO", responseCode: 450 })), false);
  });

  it("is false for a 5xx to another command: the server or account is wrong, for every document", () => {
    assert.equal(recipientRefusedForGood(smtpError({ code: "EAUTH", command: "AUTH PLAIN", responseCode: 535 })), false);
    assert.equal(recipientRefusedForGood(smtpError({ code: "EENVELOPE", command: "MAIL FROM", responseCode: 550 })), false);
    assert.equal(recipientRefusedForGood(smtpError({ code: "EMESSAGE", command: "DATA", responseCode: 554 })), false);
  });

  it("is false for connection failures and non-errors", () => {
    assert.equal(recipientRefusedForGood(smtpError({ code: "ECONNECTION", command: "CONN" })), false);
    assert.equal(recipientRefusedForGood(undefined), false);
    assert.equal(recipientRefusedForGood("550 no such user"), false);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NOTIFIER } from "./part-cpu-meters.js";
import { notifierPerMail } from "./pipeline-round.js";

describe("a pipeline round's CPU", () => {
  const cpu = [
    { name: "invoice", ms: 12 },
    { name: NOTIFIER, ms: 3 },
  ];

  it("counts the notifier per mail it delivered when it fell behind the invoices", () => {
    // 100 invoices READY in the window, 50 mails out: 3 ms an invoice was 6 ms a mail.
    assert.deepEqual(notifierPerMail(cpu, 100, 50), [
      { name: "invoice", ms: 12 },
      { name: NOTIFIER, ms: 6 },
    ]);
    assert.deepEqual(notifierPerMail(cpu, 100, 100), cpu);
  });

  it("leaves the figures as they are when no mail went out in the window", () => {
    assert.deepEqual(notifierPerMail(cpu, 100, 0), cpu);
  });
});

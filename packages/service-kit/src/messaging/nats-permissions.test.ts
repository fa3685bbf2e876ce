import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEAD_LETTER_STREAM, INVOICES_STREAM, PAYMENTS_STREAM } from "./jetstream-topology.js";
import { NATS_USERS, natsPermissions } from "./nats-permissions.js";

// The stream each event subject is stored in (the streams' subjects in jetstream-topology.ts).
const streamOfSubject = (subject: string): string | undefined =>
  subject.startsWith("payments.")
    ? PAYMENTS_STREAM
    : subject.startsWith("invoices.")
      ? INVOICES_STREAM
      : subject.startsWith("deadletter.")
        ? DEAD_LETTER_STREAM
        : undefined;

const streamsGranted = (publish: readonly string[], call: string) =>
  new Set(publish.filter((s) => s.startsWith(`$JS.API.STREAM.${call}.`)).map((s) => s.slice(`$JS.API.STREAM.${call}.`.length)));

describe("natsPermissions", () => {
  for (const user of NATS_USERS) {
    it(`lets ${user} create or update only the streams it publishes into`, () => {
      const { publish } = natsPermissions[user];
      const produced = new Set(
        publish
          .filter((s) => !s.startsWith("$"))
          .map(streamOfSubject)
          .filter((s) => s !== undefined),
      );
      for (const call of ["CREATE", "UPDATE"]) {
        for (const stream of streamsGranted(publish, call)) {
          assert.ok(produced.has(stream), `${user} may ${call} ${stream} but publishes nothing into it`);
        }
      }
    });
  }

  it("still lets every consumer read the stream it consumes, to wait for it", () => {
    assert.ok(natsPermissions.invoice.publish.includes(`$JS.API.STREAM.INFO.${PAYMENTS_STREAM}`));
    assert.ok(natsPermissions.order.publish.includes(`$JS.API.STREAM.INFO.${INVOICES_STREAM}`));
    assert.ok(natsPermissions.notifier.publish.includes(`$JS.API.STREAM.INFO.${INVOICES_STREAM}`));
  });
});

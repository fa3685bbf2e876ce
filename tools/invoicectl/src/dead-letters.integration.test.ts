import { create, toBinary } from "@bufbuild/protobuf";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { startNatsServer, type NatsServerProcess } from "@invoicing/local-stack/nats-server-process";
import { writeDeadLetterHeaders } from "@invoicing/service-kit/messaging";
import { PermanentFailure, startConsumerLoop } from "@invoicing/service-kit/messaging";
import { DEAD_LETTER_STREAM, deadLetterSubject, ensureStreams, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import { createLogger } from "@invoicing/service-kit/observability";
import { jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { EXIT, runCli } from "./cli.js";
import { describePayload, replayMsgId } from "./dead-letter-format.js";
import { listDeadLetters, replayDeadLetter, replayDeadLetters, republishDeadLetter, readDeadLetter } from "./dead-letters.js";
import { eventually } from "@invoicing/local-stack/eventually";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("dead letters against a real nats-server", { timeout: 60_000 }, () => {
  let dir: string;
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "invoicectl-"));
    nats = await startNatsServer(join(dir, "nats"));
    nc = await nats.connect();
    await ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM]);
    jsm = await jetstreamManager(nc);
  });

  after(async () => {
    await nc?.close();
    await nats?.stop("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await jsm.streams.purge(DEAD_LETTER_STREAM);
  });

  /**
   * A payment event stored in PAYMENTS (Nats-Msg-Id = payment id, as the outbox relay does),
   * then dead-lettered the way durable-consumer.ts does it: the original bytes, and the
   * original headers in the envelope service-kit writes.
   */
  async function paymentDeadLetter(
    reason = "invalid PaymentCompleted: amount: 1 does not equal the order total 2",
    stream = PAYMENTS_STREAM,
  ) {
    const paymentId = `pay_${randomUUID()}`;
    const orderId = `ord_${randomUUID()}`;
    const subject = `payments.completed.${orderId}`;
    const data = toBinary(
      PaymentCompletedSchema,
      create(PaymentCompletedSchema, { eventId: paymentId, paymentId, traceId: TRACEPARENT.slice(3, 35) }),
    );
    const original = natsHeaders();
    original.set("traceparent", TRACEPARENT);
    original.set("tracestate", "vendor=1");
    const js = jetstream(nc);
    const stored = await js.publish(subject, data, { msgID: paymentId, headers: original });
    const dead = writeDeadLetterHeaders(original, {
      reason,
      stream,
      consumer: "invoice-generator",
      subject,
      sequence: stored.seq,
      attempts: 2,
    });
    const letter = await js.publish(deadLetterSubject(PAYMENTS_STREAM, "invoice-generator"), data, {
      headers: dead,
      msgID: `${PAYMENTS_STREAM}:${stored.seq}`,
    });
    return { seq: letter.seq, paymentId, subject, data, originalSeq: stored.seq };
  }

  const paymentsCount = async () => (await jsm.streams.info(PAYMENTS_STREAM)).state.messages;

  it("lists a dead letter with its origin, consumer, attempts, reason and payload", async () => {
    const dl = await paymentDeadLetter();
    const letters = await listDeadLetters(nc);
    assert.equal(letters.length, 1);
    const [letter] = letters;
    assert.equal(letter!.seq, dl.seq);
    assert.equal(letter!.stream, PAYMENTS_STREAM);
    assert.equal(letter!.subject, dl.subject);
    assert.equal(letter!.streamSeq, dl.originalSeq);
    assert.equal(letter!.consumer, "invoice-generator");
    assert.equal(letter!.attempts, 2);
    assert.match(letter!.reason, /^invalid PaymentCompleted/);
    assert.deepEqual(letter!.data, dl.data);
    assert.ok(letter!.time instanceof Date && Date.now() - letter!.time.getTime() < 60_000);
    assert.equal(describePayload(letter!), `payment ${dl.paymentId}`);
  });

  it("replays to the original subject with the original headers plus Replayed-From, then deletes it", async () => {
    const dl = await paymentDeadLetter();
    const before = await paymentsCount();
    const [outcome] = await replayDeadLetters(nc, [dl.seq]);
    assert.equal(outcome?.status, "replayed");
    assert.ok(outcome.status === "replayed");
    // Not dropped although the original's Nats-Msg-Id (the payment id) is inside the window.
    assert.equal(outcome.ack.duplicate, false);
    assert.equal(outcome.ack.stream, PAYMENTS_STREAM);
    assert.equal(await paymentsCount(), before + 1);

    const replayed = await jsm.streams.getMessage(PAYMENTS_STREAM, { seq: outcome.ack.seq });
    assert.ok(replayed);
    assert.equal(replayed.subject, dl.subject);
    assert.deepEqual(replayed.data, dl.data);
    assert.equal(replayed.header.get("traceparent"), TRACEPARENT);
    assert.equal(replayed.header.get("tracestate"), "vendor=1");
    assert.equal(replayed.header.get("Replayed-From"), `${DEAD_LETTER_STREAM}:${dl.seq}`);
    assert.equal(replayed.header.get("Nats-Msg-Id"), replayMsgId(dl.seq));
    assert.deepEqual(
      replayed.header.keys().filter((k) => k.toLowerCase().startsWith("dead-letter-")),
      [],
    );

    assert.equal(await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: dl.seq }), null);
    assert.deepEqual(await listDeadLetters(nc), []);
  });

  it("treats a second replay of the same sequence as not found, and changes nothing", async () => {
    const dl = await paymentDeadLetter();
    assert.equal((await replayDeadLetter(nc, dl.seq)).status, "replayed");
    const before = await paymentsCount();
    assert.deepEqual(await replayDeadLetters(nc, [dl.seq]), [{ seq: dl.seq, status: "missing" }]);
    assert.deepEqual(await replayDeadLetters(nc, "all"), []);
    assert.equal(await paymentsCount(), before);
  });

  it("drops a repeated republish of one dead letter by its msg id (a crash before the delete)", async () => {
    const dl = await paymentDeadLetter();
    const read = await readDeadLetter(jsm, dl.seq);
    assert.ok(read.found);
    const before = await paymentsCount();
    const first = await republishDeadLetter(jetstream(nc), read.letter);
    const second = await republishDeadLetter(jetstream(nc), read.letter);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    // The dead letter is still there (nothing deleted it); replaying it now adds nothing either.
    const outcome = await replayDeadLetter(nc, dl.seq);
    assert.ok(outcome.status === "replayed");
    assert.equal(outcome.ack.duplicate, true);
    assert.equal(await paymentsCount(), before + 1);
    assert.equal((await readDeadLetter(jsm, dl.seq)).found, false);
  });

  it("leaves a DEAD_LETTERS message without Dead-Letter headers alone", async () => {
    const stray = await jetstream(nc).publish("deadletter.manual", new Uint8Array([1, 2, 3]));
    const dl = await paymentDeadLetter();
    assert.deepEqual(
      (await listDeadLetters(nc)).map((l) => l.seq),
      [dl.seq],
    );
    assert.deepEqual(await replayDeadLetters(nc, [stray.seq]), [{ seq: stray.seq, status: "not a dead letter" }]);
    assert.ok(await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: stray.seq }));
  });

  it("refuses to replay into another stream than the one the message came from, and keeps the letter", async () => {
    const dl = await paymentDeadLetter("bad", "ELSEWHERE");
    const before = await paymentsCount();
    const [outcome] = await replayDeadLetters(nc, "all");
    assert.equal(outcome?.status, "failed");
    assert.ok(outcome.status === "failed");
    assert.match(outcome.error, new RegExp(`${dl.subject} is stored by ${PAYMENTS_STREAM} now, not ELSEWHERE`));
    assert.equal(await paymentsCount(), before);
    assert.equal((await readDeadLetter(jsm, dl.seq)).found, true);
    let stderr = "";
    const code = await runCli(["dead-letters", "replay", String(dl.seq)], nats.envFor("invoicectl"), {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    assert.equal(code, EXIT.FAILED);
    assert.match(stderr, new RegExp(`^FAILED DEAD_LETTERS:${dl.seq}: .*; the dead letter is kept$`, "m"));
  });

  it("replays what the consumer loop dead-lettered, and the consumer gets it again", async () => {
    const subject = `payments.completed.poison-${randomUUID()}`;
    const seen: JsMsg[] = [];
    let healthy = false;
    const loop = await startConsumerLoop({
      nc,
      stream: PAYMENTS_STREAM,
      durable: "invoicectl-test",
      filterSubject: subject,
      producesStream: true,
      backoffMs: [1_000],
      maxInFlight: 1,
      ackWaitMs: 1_000,
      logger: createLogger("invoicectl-test", "silent"),
      retryDelayMs: () => 50,
      handle: async (msg) => {
        seen.push(msg);
        // Transient first (retried), then a refusal no retry changes (dead-lettered).
        if (seen.length === 1) throw new Error("renderer unavailable");
        if (!healthy) throw new PermanentFailure("render refused: html: must be at most 1024 bytes");
      },
    });
    try {
      const hdrs = natsHeaders();
      hdrs.set("traceparent", TRACEPARENT);
      const original = await jetstream(nc).publish(subject, new TextEncoder().encode("payload"), {
        msgID: `pay_${randomUUID()}`,
        headers: hdrs,
      });
      const letter = await eventually("the dead letter", async () => (await listDeadLetters(nc)).find((l) => l.subject === subject));
      assert.equal(letter.consumer, "invoicectl-test");
      assert.equal(letter.streamSeq, original.seq);
      assert.equal(letter.attempts, 2);
      assert.equal(letter.reason, "render refused: html: must be at most 1024 bytes");
      assert.equal(seen.length, 2);

      healthy = true;
      const [outcome] = await replayDeadLetters(nc, "all");
      assert.equal(outcome?.status, "replayed");
      const replayed = await eventually("the replay at the consumer", () => (seen.length === 3 ? seen[2] : undefined));
      assert.equal(new TextDecoder().decode(replayed.data), "payload");
      assert.equal(replayed.headers?.get("traceparent"), TRACEPARENT);
      assert.equal(replayed.headers?.get("Replayed-From"), `${DEAD_LETTER_STREAM}:${letter.seq}`);
      assert.deepEqual(await listDeadLetters(nc), []);
    } finally {
      await loop.stop();
    }
  });

  it("runs as a command: list, replay, exit codes", async () => {
    const env = nats.envFor("invoicectl");
    const run = async (...argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await runCli(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    };
    const dl = await paymentDeadLetter();

    const table = await run("dead-letters", "list");
    assert.equal(table.code, EXIT.OK);
    assert.match(
      table.stdout,
      new RegExp(`^${dl.seq}\\s+\\S+\\s+PAYMENTS:${dl.originalSeq}\\s+${dl.subject}\\s+invoice-generator\\s+2\\s`, "m"),
    );
    assert.match(table.stdout, /reason: invalid PaymentCompleted/);
    assert.match(table.stdout, new RegExp(`payment ${dl.paymentId}`));

    const json = await run("dead-letters", "list", "--json");
    const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      records.map((r) => [r["seq"], r["stream"], r["streamSeq"], r["subject"], r["consumer"], r["attempts"], r["size"], r["traceparent"]]),
      [[dl.seq, PAYMENTS_STREAM, dl.originalSeq, dl.subject, "invoice-generator", 2, dl.data.byteLength, TRACEPARENT]],
    );

    const replay = await run("dead-letters", "replay", String(dl.seq), "999999");
    assert.equal(replay.code, EXIT.OK, replay.stderr);
    assert.match(replay.stdout, new RegExp(`^replayed DEAD_LETTERS:${dl.seq} -> ${dl.subject} \\(now PAYMENTS:\\d+;`, "m"));
    assert.match(replay.stdout, /replayed 1 of 2 dead letters \(1 not found, 0 failed\)/);
    assert.match(replay.stderr, /not found DEAD_LETTERS:999999/);

    const again = await run("dead-letters", "replay", String(dl.seq));
    assert.equal(again.code, EXIT.NOTHING_MATCHED);
    assert.match(again.stderr, new RegExp(`not found DEAD_LETTERS:${dl.seq}: no such dead letter`));

    const all = await run("dead-letters", "replay", "--all");
    assert.equal(all.code, EXIT.OK);
    assert.match(all.stdout, /nothing to replay/);

    const dl2 = await paymentDeadLetter();
    const asJson = await run("dead-letters", "replay", "--all", "--json");
    assert.equal(asJson.code, EXIT.OK);
    const outcomes = JSON.parse(asJson.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      outcomes.map((o) => [o["seq"], o["status"], o["subject"], o["stream"], o["duplicate"]]),
      [[dl2.seq, "replayed", dl2.subject, PAYMENTS_STREAM, false]],
    );

    assert.equal((await run("--help")).code, EXIT.OK);
    assert.equal((await run("dead-letters", "replay")).code, EXIT.USAGE);
    assert.equal((await run("dead-letters", "replay", "--all", "3")).code, EXIT.USAGE);
    assert.equal((await run("dead-letters", "frobnicate")).code, EXIT.USAGE);
    assert.equal((await run("dead-letters", "list", "--bogus")).code, EXIT.USAGE);
    let stderr = "";
    const badUrl = await runCli(
      ["dead-letters", "list"],
      { NATS_URL: "http://127.0.0.1:4222" },
      { stdout: () => undefined, stderr: (t) => (stderr += t) },
    );
    assert.equal(badUrl, EXIT.USAGE);
    assert.match(stderr, /NATS_URL/);
  });
});

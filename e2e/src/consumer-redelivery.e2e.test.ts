import { startNatsServer, type NatsServerProcess } from "@invoicing/local-stack/nats-server-process";
import { startConsumerLoop, type ConsumerLoopOptions } from "@invoicing/service-kit/messaging";
import { ensureStreams, msToNanos, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import { createLogger } from "@invoicing/service-kit/observability";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const ACK_WAIT_MS = 1_000;

// A worker killed while it holds messages: the broker must hand them to another worker
// after the ack wait, whatever else it is redelivering at the time.
describe("a durable consumer whose worker dies", { timeout: 60_000 }, () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer(join(mkdtempSync(join(tmpdir(), "redelivery-")), "nats"));
    nc = await nats.connect();
    await ensureStreams(nc, [PAYMENTS_STREAM]);
  });

  after(async () => {
    await nc?.close();
    await nats?.stop("SIGKILL");
  });

  const loopOptions = (durable: string, handle: ConsumerLoopOptions["handle"]): ConsumerLoopOptions => ({
    nc,
    stream: PAYMENTS_STREAM,
    durable,
    filterSubject: `payments.completed.${durable}.>`,
    producesStream: true,
    // What the services pass; a list like this once made nats-server 2.9 hold redeliveries back.
    backoffMs: [ACK_WAIT_MS, 10_000],
    maxInFlight: 4,
    ackWaitMs: ACK_WAIT_MS,
    logger: createLogger("redelivery-test", "silent"),
    retryDelayMs: () => 100,
    handle,
  });

  it("gets a message back after the ack wait while another one is in its second delivery", async () => {
    const durable = "stranded";
    // Creates the durable as the services do, then leaves the field to the doomed worker.
    await (await startConsumerLoop(loopOptions(durable, async () => {}))).stop();

    const doomed = await nats.connect();
    const consumer = await jetstream(doomed).consumers.get(PAYMENTS_STREAM, durable);
    const takeOne = async () => {
      for await (const msg of await consumer.fetch({ max_messages: 1, expires: 5_000 })) return msg;
      throw new Error("nothing fetched");
    };
    const js = jetstream(nc);
    await js.publish(`payments.completed.${durable}.first`, new Uint8Array([1]));
    assert.equal((await takeOne()).info.deliveryCount, 1);
    // Not acked: back after the ack wait, now in its second delivery.
    assert.equal((await takeOne()).info.deliveryCount, 2);
    await js.publish(`payments.completed.${durable}.second`, new Uint8Array([2]));
    const second = await takeOne();
    assert.equal(second.subject, `payments.completed.${durable}.second`);
    const strandedAt = Date.now();
    await doomed.close(); // the worker dies holding both

    const arrivals = new Map<string, number>();
    const loop = await startConsumerLoop(
      loopOptions(durable, async (msg) => {
        if (!arrivals.has(msg.subject)) arrivals.set(msg.subject, Date.now() - strandedAt);
      }),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (!arrivals.has(second.subject) && Date.now() < deadline) await sleep(50);
      const after = arrivals.get(second.subject);
      assert.ok(after !== undefined, "the stranded message never came back");
      assert.ok(after < ACK_WAIT_MS + 1_500, `the stranded message came back after ${after} ms, the ack wait is ${ACK_WAIT_MS} ms`);
    } finally {
      await loop.stop();
    }
  });

  it("drops a backoff list an earlier version gave the durable", async () => {
    const durable = "upgraded";
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(PAYMENTS_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: `payments.completed.${durable}.>`,
      ack_wait: msToNanos(ACK_WAIT_MS),
      max_deliver: 10,
      backoff: [ACK_WAIT_MS, 10_000].map(msToNanos),
    });
    await (await startConsumerLoop(loopOptions(durable, async () => {}))).stop();
    const { config } = await jsm.consumers.info(PAYMENTS_STREAM, durable);
    assert.deepEqual(config.backoff ?? [], []);
    // And no delivery limit left: a transient failure is retried however long it lasts.
    assert.equal(config.max_deliver, -1);
    assert.equal(config.ack_wait, msToNanos(ACK_WAIT_MS));
  });
});

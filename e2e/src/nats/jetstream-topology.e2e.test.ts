import { startNatsCluster } from "@invoicing/local-stack/nats-cluster";
import { startNatsServer, type NatsServerProcess } from "@invoicing/local-stack/nats-server-process";
import { DEAD_LETTER_STREAM, ensureDurableConsumer, ensureStreams, PAYMENTS_STREAM } from "@invoicing/service-kit/messaging";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

// service-kit's ensureStreams against real nats-servers: one alone, and three routed into one
// cluster as the prod overlay runs them. Without authorization: the topology is under test.

/** Retries `attempt` until it succeeds: a new cluster elects its JetStream leader first. */
async function retry<T>(attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const replicasOf = async (jsm: JetStreamManager, stream: string) => (await jsm.streams.info(stream)).config.num_replicas;

describe("ensureStreams against a single nats-server", { timeout: 60_000 }, () => {
  let dir: string;
  let servers: NatsServerProcess[];
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "topology-single-"));
    servers = [await startNatsServer(dir, -1, undefined, { authorization: false })];
    nc = await retry(() => connect({ servers: servers.map((s) => s.url) }));
    jsm = await jetstreamManager(nc);
  });

  after(async () => {
    await nc?.close();
    await Promise.all((servers ?? []).map((s) => s.stop("SIGKILL")));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the streams with one replica, and again changes nothing", async () => {
    await ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM], { replicas: 1 });
    await ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM], { replicas: 1 });
    assert.equal(await replicasOf(jsm, PAYMENTS_STREAM), 1);
    assert.equal(await replicasOf(jsm, DEAD_LETTER_STREAM), 1);
  });

  it("stops with the server's reason when asked for more replicas than there are servers", async () => {
    await assert.rejects(
      ensureStreams(nc, ["INVOICES"], { replicas: 3 }),
      /^Error: cannot create stream INVOICES with 3 replica\(s\): .*replicas > 1 not supported in non-clustered mode/,
    );
  });
});

describe("ensureStreams against a three-server cluster", { timeout: 90_000 }, () => {
  let dir: string;
  let servers: NatsServerProcess[];
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "topology-cluster-"));
    servers = await startNatsCluster(dir, 3, { authorization: false });
    nc = await retry(() => connect({ servers: servers.map((s) => s.url) }));
    jsm = await retry(() => jetstreamManager(nc));
  });

  after(async () => {
    await nc?.close();
    await Promise.all((servers ?? []).map((s) => s.stop("SIGKILL")));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("scales existing streams to the replicas asked for, keeping their messages and consumers", async () => {
    // As a release before JETSTREAM_REPLICAS left them: one copy each, with a message and a consumer.
    await retry(() => ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM]));
    assert.equal(await replicasOf(jsm, PAYMENTS_STREAM), 1);
    await jetstream(nc).publish("payments.completed.ord_1", new Uint8Array([1]), { msgID: "pay_1" });
    await ensureDurableConsumer(nc, {
      stream: PAYMENTS_STREAM,
      durable: "invoice-generator",
      filterSubject: "payments.completed.>",
      ackWaitMs: 30_000,
      backoffMs: [1_000],
    });

    await retry(() => ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM], { replicas: 3 }));
    for (const stream of [PAYMENTS_STREAM, DEAD_LETTER_STREAM]) {
      assert.equal(await replicasOf(jsm, stream), 3, stream);
      // The leader plus two followers, once the new copies have been placed.
      await retry(async () => assert.equal((await jsm.streams.info(stream)).cluster?.replicas?.length, 2, stream));
    }
    assert.equal((await jsm.streams.info(PAYMENTS_STREAM)).state.messages, 1);
    const consumer = await jsm.consumers.info(PAYMENTS_STREAM, "invoice-generator");
    assert.equal(consumer.num_pending, 1);
    // Its replicas follow the stream's (num_replicas 0: inherited).
    await retry(async () => assert.equal((await jsm.consumers.info(PAYMENTS_STREAM, "invoice-generator")).cluster?.replicas?.length, 2));

    // A service that does not pass the setting leaves the count alone rather than scaling down.
    await ensureStreams(nc, [PAYMENTS_STREAM, DEAD_LETTER_STREAM]);
    assert.equal(await replicasOf(jsm, PAYMENTS_STREAM), 3);
    assert.equal(await replicasOf(jsm, DEAD_LETTER_STREAM), 3);

    // And back down when the setting says so.
    await ensureStreams(nc, [PAYMENTS_STREAM], { replicas: 1 });
    assert.equal(await replicasOf(jsm, PAYMENTS_STREAM), 1);
    assert.equal((await jsm.streams.info(PAYMENTS_STREAM)).state.messages, 1);
  });
});

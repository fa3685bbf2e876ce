import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  backoffIsSafe,
  DEAD_LETTER_STREAM,
  ensureDurableConsumer,
  ensureStreams,
  PAYMENTS_STREAM,
} from "./jetstream-topology.js";

describe("backoffIsSafe", () => {
  it("gives a consumer a backoff list only on servers that apply it per message", () => {
    for (const version of ["2.9.10", "2.10.22", "2.10.0-beta.1", "", undefined]) assert.equal(backoffIsSafe(version), false, String(version));
    for (const version of ["2.10.23", "2.10.24", "2.11.0", "3.0.0"]) assert.equal(backoffIsSafe(version), true, version);
  });
});

// ---- against real nats-servers -------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** nats-servers with JetStream on loopback: one alone, or several routed into one cluster. */
async function startServers(dir: string, count: number): Promise<{ urls: string[]; stop(): void }> {
  const clientPorts = await Promise.all(Array.from({ length: count }, freePort));
  const routePorts = await Promise.all(Array.from({ length: count }, freePort));
  const binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find(existsSync) ?? "nats-server";
  const children: ChildProcess[] = clientPorts.map((port, i) => {
    const home = join(dir, `n${i}`);
    mkdirSync(home, { recursive: true });
    const cluster =
      count === 1
        ? ""
        : `cluster { name: topology-test, listen: "127.0.0.1:${routePorts[i]}", routes: [${routePorts.map((p) => `"nats://127.0.0.1:${p}"`).join(", ")}] }`;
    writeFileSync(
      join(home, "nats.conf"),
      [`server_name: n${i}`, `listen: "127.0.0.1:${port}"`, `jetstream { store_dir: "${join(home, "js")}" }`, cluster].join("\n"),
    );
    return spawn(binary, ["-c", join(home, "nats.conf")], { stdio: "ignore" });
  });
  return { urls: clientPorts.map((p) => `nats://127.0.0.1:${p}`), stop: () => children.forEach((c) => c.kill("SIGKILL")) };
}

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
  let servers: { urls: string[]; stop(): void };
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "topology-single-"));
    servers = await startServers(dir, 1);
    nc = await retry(() => connect({ servers: servers.urls }));
    jsm = await jetstreamManager(nc);
  });

  after(async () => {
    await nc?.close();
    servers?.stop();
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
  let servers: { urls: string[]; stop(): void };
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "topology-cluster-"));
    servers = await startServers(dir, 3);
    nc = await retry(() => connect({ servers: servers.urls }));
    jsm = await retry(() => jetstreamManager(nc));
  });

  after(async () => {
    await nc?.close();
    servers?.stop();
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
    await retry(async () =>
      assert.equal((await jsm.consumers.info(PAYMENTS_STREAM, "invoice-generator")).cluster?.replicas?.length, 2),
    );

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

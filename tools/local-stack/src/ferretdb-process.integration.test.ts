import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MongoClient, MongoServerError } from "mongodb";
import { startFerretDb } from "./ferretdb-process.js";

const root = mkdtempSync(join(tmpdir(), "ferretdb-process-"));
after(() => rmSync(root, { recursive: true, force: true }));

describe("ferretdb process", () => {
  it("serves MongoDB wire on a free port: a document written and read back, a unique index enforced, SIGTERM exits 0", async () => {
    const dir = join(root, "serve");
    const server = await startFerretDb(dir);
    const client = new MongoClient(server.url);
    try {
      assert.match(server.url, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      assert.notEqual(server.port, 0);
      const invoices = client.db("ferretdb_process_test").collection<{ paymentId: string; number: number }>("invoices");
      await invoices.createIndex({ paymentId: 1 }, { unique: true });
      await invoices.insertOne({ paymentId: "pay-1", number: 1 });

      const read = await invoices.findOne({ paymentId: "pay-1" }, { projection: { _id: 0 } });
      assert.deepEqual(read, { paymentId: "pay-1", number: 1 });

      await assert.rejects(
        invoices.insertOne({ paymentId: "pay-1", number: 2 }),
        (error) => error instanceof MongoServerError && error.code === 11000,
      );
      assert.equal(await invoices.countDocuments({}), 1);
    } finally {
      await client.close();
      await server.stop();
    }
    assert.equal(server.process.exitCode, 0, `exit ${server.process.exitCode} ${server.process.signalCode}`);
    // The database lives in the data folder given, not anywhere else.
    assert.ok(
      readdirSync(server.dataDir).some((file) => file.startsWith("ferretdb_process_test")),
      readdirSync(server.dataDir).join(","),
    );
  });

  it("keeps the data across a restart on the same folder", async () => {
    const dir = join(root, "restart");
    const first = await startFerretDb(dir);
    const writer = new MongoClient(first.url);
    try {
      await writer.db("kept").collection("notes").insertOne({ note: "survives" });
    } finally {
      await writer.close();
      await first.stop();
    }
    const second = await startFerretDb(dir);
    const reader = new MongoClient(second.url);
    try {
      const note = await reader
        .db("kept")
        .collection("notes")
        .findOne({}, { projection: { _id: 0 } });
      assert.deepEqual(note, { note: "survives" });
    } finally {
      await reader.close();
      await second.stop();
    }
  });

  it("fails the start with FerretDB's reason when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startFerretDb(join(root, "taken"), { port }), /exited before listening[\s\S]*address already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("stops by itself when its harness goes away (stdin closed) without SIGTERM", async () => {
    const server = await startFerretDb(join(root, "orphan"));
    try {
      const exited = new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code)));
      server.process.stdin!.end();
      assert.equal(await exited, 0);
    } finally {
      await server.stop("SIGKILL");
    }
  });
});

import { randomBytes } from "node:crypto";
import { after, it, type TestContext } from "node:test";
import type { Db, MongoClient } from "mongodb";
import { connectMongo } from "@invoicing/service-kit/storage";

const skipReason = "MONGODB_URL is not set: MongoDB contract suite skipped";

/**
 * Registers a contract suite's MongoDB run. With MONGODB_URL it gets a fresh database, dropped
 * when the file's tests end; without, the run is reported as skipped and says so on stderr,
 * so a green test run never hides that MongoDB went untested.
 */
export function mongoContract(name: string, register: (connect: () => Promise<{ client: MongoClient; db: Db }>) => void): void {
  const url = process.env.MONGODB_URL;
  if (!url) {
    process.stderr.write("MongoDB contract suite skipped: MONGODB_URL is not set\n");
    it(name, { skip: skipReason }, () => {});
    return;
  }
  const database = `contract_${Date.now()}_${randomBytes(3).toString("hex")}`;
  // Every client is closed here, whether or not the adapter's close() closes it: an open
  // client would keep the test process alive.
  const clients: MongoClient[] = [];
  after(async () => {
    // Never connected: the suite has failed already, with the reason; nothing to drop.
    if (clients.length === 0) return;
    const { client, db } = await connectMongo(url, database);
    clients.push(client);
    try {
      await db.dropDatabase();
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
  register(async () => {
    const connection = await connectMongo(url, database);
    clients.push(connection.client);
    return connection;
  });
}

/** Whether the server is FerretDB, which answers buildInfo with its own version beside MongoDB's. */
export async function isFerretDb(db: Db): Promise<boolean> {
  return "ferretdbVersion" in (await db.admin().command({ buildInfo: 1 }));
}

/**
 * Reports a guarantee the test ran on FerretDB and could not confirm there ("FerretDB cannot
 * confirm: …"), in the test's diagnostics and on stderr, so a green run still shows what it
 * did not prove.
 */
export function cannotConfirmOnFerretDb(t: TestContext, what: string): void {
  const line = `FerretDB cannot confirm: ${what}`;
  t.diagnostic(line);
  process.stderr.write(`${line}\n`);
}

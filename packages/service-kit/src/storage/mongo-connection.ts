import { Long, MongoClient, MongoServerError, WriteConcern, type Db, type TransactionOptions } from "mongodb";

/**
 * Connects and pings, so a wrong URL or an unreachable server stops the service at start
 * rather than at its first request.
 *
 * The stores use multi-document transactions (a payment with its outbox entry, an invoice
 * with its number), and MongoDB only runs those on a replica set or a sharded cluster: a
 * standalone mongod fails them with "Transaction numbers are only allowed on a replica set
 * member or mongos". A one-node replica set is enough for development.
 *
 * The caller owns the client and closes it at shutdown. A store's close() closes it too
 * (closing twice is harmless), except GridFsPdfStore, which shares the invoice store's client.
 */
export async function connectMongo(url: string, database: string): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(url);
  try {
    await client.connect();
    const db = client.db(database);
    await db.command({ ping: 1 });
    return { client, db };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * For every store transaction: snapshot reads, so the checks and the writes see one state;
 * majority commit, so a committed payment or invoice number survives a primary failover.
 */
export const transactionOptions: TransactionOptions = {
  readConcern: { level: "snapshot" },
  writeConcern: new WriteConcern("majority"),
  readPreference: "primary",
};

/** E11000: a write hit a unique index. */
export function isDuplicateKeyError(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === 11000;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** BSON int64 for an amount; BSON would wrap an out-of-range bigint silently, so refuse it. */
export function toInt64(value: bigint): Long {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`${value} does not fit in int64`);
  return Long.fromBigInt(value);
}

/** The driver returns int64 as a number when it fits 53 bits, else as a Long; bigint only with useBigInt64. */
export function fromInt64(value: Long | number | bigint): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  return value.toBigInt();
}

import { Long, MongoClient, MongoServerError, type Db } from "mongodb";

/**
 * Connects and pings, so a wrong URL or an unreachable server stops the service at start
 * rather than at its first request.
 *
 * The stores need no transaction: only single-document atomicity and unique indexes, so a
 * standalone mongod, a replica set and a MongoDB-wire server all serve them.
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

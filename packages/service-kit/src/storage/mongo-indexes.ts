import type { Collection, Document, IndexDescription } from "mongodb";

/**
 * Creates the indexes one createIndexes command each: a no-op for each that exists with the
 * same spec, as with one command for all. One at a time because FerretDB 1.24 (the tests'
 * server) panics and drops the connection on a createIndexes of two or more indexes that all
 * exist already, which is what every open after the first sends.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: readonly IndexDescription[]): Promise<void> {
  for (const index of indexes) await collection.createIndexes([index]);
}

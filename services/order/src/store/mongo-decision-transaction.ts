import { isDuplicateKeyError, transactionOptions } from "@invoicing/service-kit/storage";
import type { ClientSession, MongoClient } from "mongodb";
import type { StoreDecision } from "../payments/order-store.js";

/** How one kind of decision reads its state and writes its outcome inside a transaction. */
export interface DecisionSteps<State, Write> {
  read(session: ClientSession): Promise<State>;
  write(session: ClientSession, write: Write): Promise<void>;
  /**
   * After a unique index refused the write (a racer won past the reads), the state the winner
   * left, read outside the aborted transaction; undefined when there is nothing to decide on.
   */
  readAfterRace(): Promise<State | undefined>;
}

/**
 * Reads, decides and writes in one transaction. withTransaction reruns the callback on a
 * transient error (a write conflict with a racing call), so it keeps no state between runs
 * and `decide` must be pure. A duplicate key aborts the whole transaction, so nothing of this
 * call was written: the decision is then taken again on the winner's state, and its answer
 * stands as long as it writes nothing.
 */
export async function decideInTransaction<State, Write, Answer>(
  client: MongoClient,
  steps: DecisionSteps<State, Write>,
  decide: (state: State) => StoreDecision<Answer, Write>,
): Promise<Answer> {
  const session = client.startSession();
  try {
    return await session.withTransaction(async (s) => {
      const { answer, write } = decide(await steps.read(s));
      if (write) await steps.write(s, write);
      return answer;
    }, transactionOptions);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const state = await steps.readAfterRace();
    const again = state && decide(state);
    if (!again || again.write) throw error;
    return again.answer;
  } finally {
    await session.endSession();
  }
}

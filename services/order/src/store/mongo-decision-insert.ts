import { isDuplicateKeyError } from "@invoicing/service-kit/storage";
import type { StoreDecision } from "../payments/order-store.js";

/** A call that loses this many races in a row is failed rather than looped forever. */
const MAX_LOST_RACES = 64;

/**
 * Reads, decides, and writes the decision as ONE insert under a unique index; no transaction,
 * no session. The reads are not isolated from racing calls, so a decision may rest on a state
 * that is stale by the time it writes. What makes that safe is the index: a stale decision
 * differs from a fresh one only because a racer wrote first, and the racer's document holds
 * the key this insert needs (the order's one payment, the payment's next refund sequence), so
 * the insert fails with a duplicate key and nothing of this call is written. The call then
 * reads again and decides again on what the winner wrote: the decision functions stay the one
 * place of the rules, and `decide` must be pure, since it may run several times.
 * Each lost race means another call's insert went in, so the loop ends as long as the calls do.
 */
export async function decideByInsert<State, Write, Answer>(
  read: () => Promise<State>,
  decide: (state: State) => StoreDecision<Answer, Write>,
  insert: (write: Write, state: State) => Promise<void>,
): Promise<Answer> {
  for (let lost = 0; ; lost++) {
    const state = await read();
    const { answer, write } = decide(state);
    if (!write) return answer;
    try {
      await insert(write, state);
      return answer;
    } catch (error) {
      if (!isDuplicateKeyError(error) || lost >= MAX_LOST_RACES) throw error;
    }
  }
}

import type { Logger } from "@invoicing/service-kit/observability";
import type { DeliveryLog } from "./delivery-log.js";

export interface ClaimRenewal {
  /** Stops renewing and waits for a renewal in flight, so none lands after a release or record. */
  stop(): Promise<void>;
}

/**
 * Keeps `holder`'s claim on a delivery alive while the delivery runs: takes it again (a claim
 * by its own holder extends it) every third of the lease. A send or a record slowed past the
 * lease therefore does not let another notifier claim the document and mail it beside this
 * one; only renewals failing for a whole lease (the process dead, or the store unreachable
 * that long) do. A renewal that finds another holder logs an error: the claim was lost.
 */
export function renewClaim(log: DeliveryLog, invoiceId: string, holder: string, leaseMs: number, logger: Logger): ClaimRenewal {
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const renew = async () => {
    try {
      const claim = await log.claim(invoiceId, holder, new Date(), leaseMs);
      if (claim.state === "held")
        logger.error({ invoice_id: invoiceId, holder: claim.holder }, "delivery claim lost to another notifier while delivering");
    } catch (error) {
      logger.warn({ err: error, invoice_id: invoiceId }, "renewing the delivery claim failed; trying again");
    }
  };
  const timer = setInterval(
    () => {
      if (stopped) return;
      inFlight = inFlight.then(renew);
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

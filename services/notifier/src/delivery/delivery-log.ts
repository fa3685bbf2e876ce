// Which invoices were delivered, and which are being delivered right now, so that neither a
// redelivered InvoiceGenerated nor a second notifier mails a document twice.

export interface Delivery {
  invoiceId: string;
  /** "smtp" or "outbox-file". */
  channel: string;
  /** The SMTP Message-ID or the .eml path. */
  reference: string;
  deliveredAt: Date;
}

/** The answer to a claim: send, it is done, or someone else is sending it. */
export type Claim =
  | { state: "claimed" }
  | { state: "delivered"; delivery: Delivery }
  /** Another holder's claim runs until `until`: it may be sending right now. */
  | { state: "held"; holder: string; until: Date };

export interface DeliveryLog {
  get(invoiceId: string): Promise<Delivery | undefined>;
  /**
   * Atomically: if the invoice was delivered, say so; if another holder's claim is still
   * running, say whose and until when; otherwise (no claim, an expired one, or `holder`'s own)
   * take the claim until now + leaseMs. Only the holder of a claim sends.
   */
  claim(invoiceId: string, holder: string, now: Date, leaseMs: number): Promise<Claim>;
  /** Gives up `holder`'s claim after a send that failed, so the retry need not wait the lease out. */
  release(invoiceId: string, holder: string): Promise<void>;
  /** Records a delivery (and ends its claim); a second record for the same invoice keeps the first. */
  record(delivery: Delivery): Promise<void>;
  close(): Promise<void>;
}

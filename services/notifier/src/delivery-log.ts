// Which invoices were delivered, so a redelivered InvoiceGenerated does not mail twice.

export interface Delivery {
  invoiceId: string;
  /** "smtp" or "outbox-file". */
  channel: string;
  /** The SMTP Message-ID or the .eml path. */
  reference: string;
  deliveredAt: Date;
}

export interface DeliveryLog {
  get(invoiceId: string): Promise<Delivery | undefined>;
  /** Records a delivery; a second record for the same invoice keeps the first. */
  record(delivery: Delivery): Promise<void>;
  close(): Promise<void>;
}

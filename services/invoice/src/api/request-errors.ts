import { Code, ConnectError } from "@connectrpc/connect";

/** The message starts with the field it is about ("page_size: must be 0..100"), so a caller knows what to fix. */
export const invalidArgument = (message: string) => new ConnectError(message, Code.InvalidArgument);

/** NOT_FOUND in the words of the key asked for. */
export const notFound = (key: { invoiceId: string; paymentId?: string; refundId?: string }) =>
  new ConnectError(
    key.invoiceId
      ? `invoice ${key.invoiceId} not found`
      : key.paymentId
        ? `no invoice for payment ${key.paymentId}`
        : `no credit note for refund ${key.refundId}`,
    Code.NotFound,
  );

import { create } from "@bufbuild/protobuf";
import { LineItemSchema, type LineItem } from "@invoicing/contracts/invoicing/common/v1/common_pb";
import type { Order, RefundLine } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { refundTotals, type Totals } from "@invoicing/money";
import type { PaymentRecord } from "./payment-record.js";
import { RefundLineInvalid, RefundRefused } from "./refund-errors.js";
import type { RefundRecord } from "./refund-record.js";

// What a refund takes back, decided against the payment's earlier refunds. Pure, so it runs
// unchanged inside either store's transaction and is tested on its own.

/** What a refund is planned against: the paid order and what was refunded of it before. */
export interface RefundBasis {
  order: Order;
  payment: PaymentRecord;
  /** Every refund of this payment recorded so far. */
  earlier: RefundRecord[];
}

export interface RefundPlan {
  lines: RefundRecord["lines"];
  /** The refunded lines as ordered, with the refunded quantity: the credit note's items. */
  items: LineItem[];
  /** See refundTotals: all refunds of a payment add up to exactly its invoice. */
  totals: Totals;
  /** totals.gross */
  amount: bigint;
}

export function refundedItems(order: Order, lines: RefundRecord["lines"]): LineItem[] {
  return lines.map(({ itemIndex, quantity }) => create(LineItemSchema, { ...order.items[itemIndex]!, quantity }));
}

/**
 * Empty `requested` means "everything not refunded yet". Throws RefundLineInvalid for a line
 * that names no item, RefundRefused for more than is left to refund.
 */
export function planRefund(context: RefundBasis, requested: readonly RefundLine[]): RefundPlan {
  const { order, payment, earlier } = context;
  const taken = new Map<number, bigint>();
  for (const refund of earlier) {
    for (const line of refund.lines) taken.set(line.itemIndex, (taken.get(line.itemIndex) ?? 0n) + line.quantity);
  }
  const left = (index: number) => order.items[index]!.quantity - (taken.get(index) ?? 0n);

  const lines =
    requested.length === 0
      ? order.items.map((_, itemIndex) => ({ itemIndex, quantity: left(itemIndex) })).filter((l) => l.quantity > 0n)
      : requested.map((line, i) => {
          if (line.itemIndex >= order.items.length) {
            throw new RefundLineInvalid(`lines[${i}].item_index`, `the order has ${order.items.length} items, got ${line.itemIndex}`);
          }
          if (line.quantity > left(line.itemIndex)) {
            throw new RefundRefused(`lines[${i}].quantity: only ${left(line.itemIndex)} of item ${line.itemIndex} left to refund`);
          }
          return { itemIndex: line.itemIndex, quantity: line.quantity };
        });
  if (lines.length === 0) throw new RefundRefused(`payment ${payment.paymentId} is already fully refunded`);

  const items = refundedItems(order, lines);
  const totals = refundTotals(
    refundedItems(
      order,
      earlier.flatMap((refund) => refund.lines),
    ),
    items,
  );
  const amount = totals.gross;
  // refundTotals already keeps the sum of all refunds at the invoice total; this guards the
  // payment itself, whatever an earlier version of this service recorded.
  const refundedBefore = earlier.reduce((sum, refund) => sum + refund.amount, 0n);
  if (refundedBefore + amount > payment.amount) {
    throw new RefundRefused(`refund of ${amount} would exceed the payment: ${payment.amount} paid, ${refundedBefore} refunded before`);
  }
  return { lines, items, totals, amount };
}

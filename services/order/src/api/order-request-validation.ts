import { Code, ConnectError } from "@connectrpc/connect";
import type { CompletePaymentRequest, CreateOrderRequest, RefundPaymentRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import {
  buyerVatIdProblem,
  currencyProblem,
  customerProblem,
  type FieldProblem,
  ID,
  lineItemsProblem,
  localeProblem,
  MAX_ITEMS,
} from "@invoicing/contract-rules";

export { MAX_ITEMS };

// Request checks, each naming the field by its proto path so a caller can fix the request. The
// rules of the shared messages (customer, line items, currency, locale) are @invoicing/contract-rules'.

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** The shared rules' first problem as INVALID_ARGUMENT naming the field. */
function refuse(problem: FieldProblem | undefined): void {
  if (problem) throw invalid(problem.field, problem.problem);
}

export function validateCreateOrder(req: CreateOrderRequest): void {
  refuse(customerProblem(req.customer, "customer"));
  refuse(lineItemsProblem(req.items, "items"));
  refuse(buyerVatIdProblem(req.customer, "customer", req.items, "items"));
  refuse(currencyProblem(req.currency, "currency"));
  refuse(localeProblem(req.locale, "locale"));
}

export function validateCompletePayment(req: CompletePaymentRequest): void {
  if (!req.orderId) throw invalid("order_id", "must be set");
  if (!ID.test(req.paymentId)) throw invalid("payment_id", "must be 1-128 letters, digits or ._:-");
  if (req.amount <= 0n) throw invalid("amount", "must be positive");
  if (req.method === PaymentMethod.UNSPECIFIED || !(req.method in PaymentMethod)) {
    throw invalid("method", "must be CARD, BANK_TRANSFER or WALLET");
  }
}

export function validateRefundPayment(req: RefundPaymentRequest): void {
  if (!ID.test(req.paymentId)) throw invalid("payment_id", "must be 1-128 letters, digits or ._:-");
  if (!ID.test(req.refundId)) throw invalid("refund_id", "must be 1-128 letters, digits or ._:-");
  if (req.reason.length > 500) throw invalid("reason", "must be at most 500 characters");
  if (req.lines.length > MAX_ITEMS) throw invalid("lines", `must hold at most ${MAX_ITEMS} lines`);
  const seen = new Set<number>();
  req.lines.forEach((line, i) => {
    if (line.itemIndex < 0) throw invalid(`lines[${i}].item_index`, "must be 0 or more");
    if (seen.has(line.itemIndex)) throw invalid(`lines[${i}].item_index`, `item ${line.itemIndex} is listed twice`);
    seen.add(line.itemIndex);
    if (line.quantity < 1n) throw invalid(`lines[${i}].quantity`, "must be 1 or more");
  });
}

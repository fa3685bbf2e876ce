import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OrderService, PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import { setTimeout as sleep } from "node:timers/promises";
import type { SeededRandom } from "./seeded-random.js";

type OrderClient = Client<typeof OrderService>;

export interface PaymentLoadOptions {
  orderUrl: string;
  /** The client certificate and CA for an https orderUrl. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  payments: number;
  /** Calls in flight at most, like a client's connection pool. */
  concurrency: number;
  /** Arrivals are spread at random over this window, so faults land while work is going on. */
  spreadMs: number;
  /** Share of payments whose CompletePayment is sent a second time (a client retry). */
  retryShare: number;
  /** Payments are spread over this many customers; ListInvoices per customer finds them all. */
  customers: number;
  /** Makes customer ids unique to the run. */
  runId: string;
  random: SeededRandom;
}

/** How a payment's second CompletePayment is sent: alongside the first, or after its answer. */
export type RetryMode = "none" | "racing" | "later";

export interface SubmittedPayment {
  index: number;
  paymentId: string;
  orderId: string;
  customerId: string;
  traceId: string;
  /** When the first CompletePayment answered (epoch ms). */
  paidAtMs: number;
  retry: RetryMode;
}

interface PlannedPayment {
  index: number;
  arrivalMs: number;
  customerId: string;
  retry: RetryMode;
  retryDelayMs: number;
}

// Canceled: what an HTTP/2 stream reset by a server killed mid-call looks like to the client.
const transientCodes = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
  Code.Internal,
  Code.Unknown,
  Code.Canceled,
]);

/**
 * Buys and pays orders through the gRPC API at random moments of a window, with a limit on
 * calls in flight, and pays some of them twice. The plan is drawn from the seeded generator
 * up front, so a seed repeats the same payments whatever the timing.
 */
export class PaymentLoad {
  readonly submitted: SubmittedPayment[] = [];
  /** Second CompletePayment answers that differ from the first: idempotency broken. */
  readonly retryProblems: string[] = [];
  /** Calls that failed and were tried again (the same payment id, so safe to repeat). */
  callRetries = 0;
  readonly #orders: OrderClient;
  readonly #plan: PlannedPayment[];
  readonly #options: PaymentLoadOptions;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: PaymentLoadOptions) {
    this.#options = options;
    this.#orders = createClient(
      OrderService,
      createGrpcTransport({ baseUrl: options.orderUrl, defaultTimeoutMs: 30_000, nodeOptions: options.tls }),
    );
    const { random } = options;
    // Exactly the share (rounded), not a coin per payment: a short run still has its retries.
    const indices = Array.from({ length: options.payments }, (_, i) => i);
    const retried = new Set(random.shuffle(indices).slice(0, Math.round(options.payments * options.retryShare)));
    this.#plan = indices.map((index) => ({
      index,
      arrivalMs: Math.floor(random.next() * options.spreadMs),
      customerId: `${options.runId}-customer-${index % options.customers}`,
      retry: retried.has(index) ? (random.next() < 0.5 ? "racing" : "later") : "none",
      retryDelayMs: random.int(0, 3_000),
    }));
  }

  get planned(): number {
    return this.#plan.length;
  }

  get retriesPlanned(): number {
    return this.#plan.filter((p) => p.retry !== "none").length;
  }

  async run(): Promise<void> {
    const started = Date.now();
    await Promise.all(
      this.#plan.map(async (planned) => {
        await sleep(Math.max(0, started + planned.arrivalMs - Date.now()));
        await this.#pay(planned);
      }),
    );
  }

  async #pay(planned: PlannedPayment): Promise<void> {
    const order = sampleOrder(`Chaos Buyer ${planned.index}`);
    order.customer = { ...order.customer, customerId: planned.customerId, email: `buyer-${planned.index}@example.com` };
    const created = await this.#call(() => this.#orders.createOrder(order));
    const { orderId, total } = created.order!;
    const paymentId = `pay_${this.#options.runId}_${planned.index}`;
    const complete = () =>
      this.#call(() => this.#orders.completePayment({ orderId, paymentId, amount: total, method: PaymentMethod.CARD }));

    const first = complete();
    const racing = planned.retry === "racing" ? complete() : undefined;
    const answer = await first;
    this.submitted.push({
      index: planned.index,
      paymentId,
      orderId,
      customerId: planned.customerId,
      traceId: answer.traceId,
      paidAtMs: Date.now(),
      retry: planned.retry,
    });
    let second = racing;
    if (planned.retry === "later") {
      await sleep(planned.retryDelayMs);
      second = complete();
    }
    if (second) {
      const again = await second;
      if (again.paymentId !== paymentId || again.orderId !== orderId || again.traceId !== answer.traceId) {
        this.retryProblems.push(`${paymentId}: the repeated CompletePayment answered ${again.paymentId}/${again.orderId}/${again.traceId}`);
      }
    }
  }

  /** One call under the concurrency limit; transient failures are retried a few times. */
  async #call<T>(call: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call();
        } catch (error) {
          if (attempt >= 5 || !transientCodes.has(ConnectError.from(error).code)) throw error;
          this.callRetries++;
          await sleep(200 * 2 ** attempt);
        }
      }
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#inFlight < this.#options.concurrency) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // the slot passes straight on
    else this.#inFlight--;
  }
}

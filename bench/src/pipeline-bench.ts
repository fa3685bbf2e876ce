import { fromBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceGeneratedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { OrderService, PaymentMethod, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "@invoicing/local-stack/local-stack";
import { sampleOrder } from "@invoicing/local-stack/sample-order";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { randomUUID } from "node:crypto";
import { closedLoop, openLoop, type CpuWindow, type LoopResult } from "./load-loops.js";

/**
 * The whole system as separate processes (nats-server, order, invoice, renderer, notifier;
 * renderers and invoice workers scaled out by the stack's `topology`), driven through
 * OrderService.CompletePayment. A payment counts as done when its
 * InvoiceGenerated event arrives, which the invoice service publishes right after READY.
 */
export class PipelineUnderTest {
  readonly #orders: ReturnType<typeof createClient<typeof OrderService>>;
  readonly #waiting = new Map<string, () => void>();
  readonly #unpaid: Order[] = [];
  #paid = 0;

  private constructor(
    readonly stack: LocalStack,
    readonly nc: NatsConnection,
    readonly generated: Subscription,
  ) {
    this.#orders = createClient(OrderService, createGrpcTransport({ baseUrl: stack.orderUrl }));
    void (async () => {
      for await (const msg of generated) {
        const event = fromBinary(InvoiceGeneratedSchema, msg.data);
        const done = this.#waiting.get(event.paymentId);
        this.#waiting.delete(event.paymentId);
        done?.();
      }
    })();
  }

  /** `stack` adds to the stack's options: a topology to scale out, Node options to profile. */
  static async start(
    dataDir: string,
    env: Record<string, string>,
    stack: Omit<LocalStackOptions, "dataDir" | "env"> = {},
  ): Promise<PipelineUnderTest> {
    const started = await startLocalStack({ ...stack, dataDir, env });
    const nc = await started.nats.connect();
    return new PipelineUnderTest(started, nc, nc.subscribe("invoices.generated.>"));
  }

  /** Orders to pay later: checkout happens before the payment, so it is not what is timed. */
  async createOrders(count: number, concurrency = 16): Promise<void> {
    let left = count;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const { order } = await this.#orders.createOrder(sampleOrder("Bench Customer"));
          this.#unpaid.push(order!);
        }
      }),
    );
  }

  get ordersLeft(): number {
    return this.#unpaid.length;
  }

  get paid(): number {
    return this.#paid;
  }

  /** Pays one order and resolves when its invoice is READY (its InvoiceGenerated seen). */
  async payAndAwaitReady(): Promise<void> {
    const order = this.#unpaid.pop();
    if (!order) throw new Error("the benchmark ran out of orders: create more before the run");
    const paymentId = `pay_${randomUUID()}`;
    const ready = new Promise<void>((resolve) => this.#waiting.set(paymentId, resolve));
    await this.#orders.completePayment({ orderId: order.orderId, paymentId, amount: order.total, method: PaymentMethod.CARD });
    this.#paid++;
    await ready;
  }

  sustained(inFlight: number, timing: { warmupMs: number; windowMs: number }, window?: CpuWindow): Promise<LoopResult> {
    return closedLoop(inFlight, timing, () => this.payAndAwaitReady(), window);
  }

  latencies(perSecond: number, durationMs: number): Promise<number[]> {
    return openLoop(perSecond, durationMs, () => this.payAndAwaitReady());
  }

  async stop(): Promise<void> {
    this.generated.unsubscribe();
    await this.nc.close();
    await this.stack.stop();
  }
}

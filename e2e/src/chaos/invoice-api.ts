import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InvoiceService, type Invoice } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

type InvoiceClient = Client<typeof InvoiceService>;

/** Worth asking the other replica: this one is down, restarting, or cut off mid-call. */
const replicaGone = new Set([Code.Unavailable, Code.Internal, Code.Unknown, Code.Canceled, Code.DeadlineExceeded, Code.Aborted]);

/**
 * The invoice API over every worker, as a client behind a load balancer sees it: a call to a
 * worker the chaos just killed goes to the other one.
 */
export class InvoiceApi {
  readonly #clients: InvoiceClient[];
  #preferred = 0;

  /** `tls`: the client certificate and CA for https URLs. */
  constructor(urls: readonly string[], tls?: { ca: Buffer; cert: Buffer; key: Buffer }) {
    this.#clients = urls.map((baseUrl) =>
      createClient(InvoiceService, createGrpcTransport({ baseUrl, defaultTimeoutMs: 15_000, nodeOptions: tls })),
    );
  }

  async call<T>(request: (client: InvoiceClient) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i < this.#clients.length; i++) {
      const index = (this.#preferred + i) % this.#clients.length;
      try {
        const result = await request(this.#clients[index]!);
        this.#preferred = index;
        return result;
      } catch (error) {
        if (!replicaGone.has(ConnectError.from(error).code)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Every invoice of a customer, all pages. */
  async listAll(customerId: string): Promise<Invoice[]> {
    const invoices: Invoice[] = [];
    let pageToken = "";
    do {
      const page = await this.call((c) => c.listInvoices({ customerId, pageSize: 100, pageToken }));
      invoices.push(...page.invoices);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return invoices;
  }
}

import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * Follows an invoice worker's log as it grows and keeps the documents that process (by pid)
 * numbered and has not yet logged READY: its render or its store write is under way. A
 * document is unfinished for some tens of milliseconds only, so the log is read from where
 * the last look stopped and looked at every few milliseconds; rereading its tail each time
 * would look too seldom to catch a worker that gets a small share of the load.
 */
export class NumberingWatch {
  #offset = 0;
  #partial = "";
  readonly #unfinished = new Map<string, string>();

  constructor(
    private readonly path: string,
    private readonly pid: number,
  ) {}

  /** The documents numbered here and not logged READY, by invoice id, with their numbers. */
  unfinished(): ReadonlyMap<string, string> {
    this.#readNew();
    return this.#unfinished;
  }

  /** Forgets a document found READY elsewhere (another worker finished a redelivery). */
  forget(invoiceId: string): void {
    this.#unfinished.delete(invoiceId);
  }

  #readNew(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, "r");
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return;
      const buffer = Buffer.alloc(size - this.#offset);
      readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      const lines = (this.#partial + buffer.toString("utf8")).split("\n");
      this.#partial = lines.pop() ?? "";
      for (const line of lines) this.#record(line);
    } finally {
      closeSync(fd);
    }
  }

  #record(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (record["pid"] !== this.pid || typeof record["invoice_id"] !== "string") return;
    if (record["msg"] === "document numbered") this.#unfinished.set(record["invoice_id"], String(record["number"]));
    else if (record["msg"] === "document ready") this.#unfinished.delete(record["invoice_id"]);
  }
}

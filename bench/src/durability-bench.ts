// What "durable before acknowledged" costs: a payment-shaped SQLite write transaction (read the
// order, update it, insert the payment and its outbox row) under synchronous = NORMAL (before)
// and FULL (what the stores use), interleaved rounds on DATA_DIR's disk, wall and CPU
// milliseconds per payment as median [min-max]. `pnpm bench:durability`; about half a minute.
import { openSqlite } from "@invoicing/service-kit/storage";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";

const ROUNDS = 5;
const PER_ROUND = 300;
const dir = mkdtempSync(join(process.env["DATA_DIR"] ?? process.cwd(), ".durability-bench-"));

function open(synchronous: "NORMAL" | "FULL") {
  // As the stores open their files (WAL, FULL), then set back to NORMAL for the "before" side.
  const db = openSqlite(
    join(dir, `${synchronous}.sqlite`),
    `CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, status INT, pb BLOB);
     CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, order_id TEXT, amount TEXT);
     CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, msg_id TEXT UNIQUE, payload BLOB)`,
  );
  db.pragma(`synchronous = ${synchronous}`);
  const pb = Buffer.alloc(600, 7);
  let n = 0;
  const pay = db.transaction(() => {
    const id = `${synchronous}-${n++}`;
    db.prepare("INSERT INTO orders VALUES (?, 1, ?)").run(id, pb);
    db.prepare("SELECT pb FROM orders WHERE id = ?").get(id);
    db.prepare("UPDATE orders SET status = 2 WHERE id = ?").run(id);
    db.prepare("INSERT INTO payments VALUES (?, ?, '1190')").run(`pay-${id}`, id);
    db.prepare("INSERT INTO outbox (msg_id, payload) VALUES (?, ?)").run(`pay-${id}`, pb);
  });
  return { db, pay: () => pay.immediate() };
}

const stores = { NORMAL: open("NORMAL"), FULL: open("FULL") };
const results: Record<string, { wall: number[]; cpu: number[] }> = { NORMAL: { wall: [], cpu: [] }, FULL: { wall: [], cpu: [] } };
for (let round = 0; round < ROUNDS; round++) {
  for (const name of ["NORMAL", "FULL"] as const) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < PER_ROUND; i++) stores[name].pay();
    const used = process.cpuUsage(cpu);
    results[name]!.wall.push((performance.now() - start) / PER_ROUND);
    results[name]!.cpu.push((used.user + used.system) / 1000 / PER_ROUND);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const show = (xs: number[]) => `${median(xs).toFixed(3)} [${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}]`;
console.log(`${ROUNDS} interleaved rounds of ${PER_ROUND} payment writes in ${dir}; ms per payment, median [min-max]`);
for (const name of ["NORMAL", "FULL"] as const) {
  console.log(`synchronous=${name.padEnd(6)}  wall ${show(results[name]!.wall)}  cpu ${show(results[name]!.cpu)}`);
}
console.log(`FULL costs ${(median(results["FULL"]!.wall) - median(results["NORMAL"]!.wall)).toFixed(3)} ms more wall time per payment`);
for (const { db } of Object.values(stores)) db.close();
rmSync(dir, { recursive: true, force: true });

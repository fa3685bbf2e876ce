import { mongoContract } from "@invoicing/local-stack/mongo-contract";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoOrderStore } from "./mongo-order-store.js";
import { orderStoreContract } from "./order-store.contract.js";
import { SqliteOrderStore } from "./sqlite-order-store.js";

orderStoreContract("sqlite", async () => new SqliteOrderStore(join(mkdtempSync(join(tmpdir(), "order-store-")), "order.sqlite")));

mongoContract("OrderStore contract: mongodb", (connect) =>
  orderStoreContract("mongodb", async () => MongoOrderStore.open((await connect()).db)),
);

import { connectMongo } from "@invoicing/service-kit/storage";
import { join } from "node:path";
import type { OrderConfig } from "../config.js";
import { MongoOrderStore } from "./mongo-order-store.js";
import type { OrderStore } from "../payments/order-store.js";
import { SqliteOrderStore } from "./sqlite-order-store.js";

/** MongoDB when MONGODB_URL is set; otherwise the embedded SQLite file under DATA_DIR. */
export async function openOrderStore(config: OrderConfig): Promise<OrderStore> {
  if (config.mongodbUrl) {
    const { db } = await connectMongo(config.mongodbUrl, config.mongodbDatabase);
    return MongoOrderStore.open(db); // closes the client with the store
  }
  return new SqliteOrderStore(join(config.dataDir, "order.sqlite"));
}

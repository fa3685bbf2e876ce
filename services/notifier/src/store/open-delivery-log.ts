import { connectMongo } from "@invoicing/service-kit/storage";
import { join } from "node:path";
import type { NotifierConfig } from "../config.js";
import type { DeliveryLog } from "../delivery/delivery-log.js";
import { MongoDeliveryLog } from "./mongo-delivery-log.js";
import { SqliteDeliveryLog } from "./sqlite-delivery-log.js";

/** MongoDB when MONGODB_URL is set; otherwise the embedded SQLite file under DATA_DIR. */
export async function openDeliveryLog(config: NotifierConfig): Promise<DeliveryLog> {
  if (config.mongodbUrl) {
    const { db } = await connectMongo(config.mongodbUrl, config.mongodbDatabase);
    return MongoDeliveryLog.open(db);
  }
  return new SqliteDeliveryLog(join(config.dataDir, "notifier.sqlite"));
}

import { mongoContract } from "@invoicing/local-stack/mongo-contract";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliveryLogContract } from "./delivery-log.contract.js";
import { MongoDeliveryLog } from "./mongo-delivery-log.js";
import { SqliteDeliveryLog } from "./sqlite-delivery-log.js";

deliveryLogContract("sqlite", async () => new SqliteDeliveryLog(join(mkdtempSync(join(tmpdir(), "delivery-log-")), "notifier.sqlite")));

mongoContract("DeliveryLog contract: mongodb", (connect) =>
  deliveryLogContract("mongodb", async () => MongoDeliveryLog.open((await connect()).db)),
);

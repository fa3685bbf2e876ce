import { loadConfigOrExit } from "@invoicing/service-kit/env-config";
import { createLogger } from "@invoicing/service-kit/logger";
import { onShutdown } from "@invoicing/service-kit/shutdown";
import { startTracing } from "@invoicing/service-kit/tracing";
import { readConfig } from "./config.js";
import { startOrderServer } from "./wiring.js";

const config = loadConfigOrExit(() => readConfig());
const tracing = await startTracing("order", config.tracing);
const logger = createLogger("order");
const order = await startOrderServer(config, logger);
onShutdown(logger, async () => {
  await order.stop();
  await tracing.shutdown();
});

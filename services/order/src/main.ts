import { loadConfigOrExit } from "@invoicing/service-kit/config";
import { createLogger } from "@invoicing/service-kit/observability";
import { onShutdown } from "@invoicing/service-kit/lifecycle";
import { startTracing } from "@invoicing/service-kit/observability";
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

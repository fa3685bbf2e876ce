import { loadConfigOrExit } from "@invoicing/service-kit/config";
import { createLogger } from "@invoicing/service-kit/observability";
import { onShutdown } from "@invoicing/service-kit/lifecycle";
import { startTracing } from "@invoicing/service-kit/observability";
import { readConfig } from "./config.js";
import { startNotifierWorker } from "./wiring.js";

const config = loadConfigOrExit(() => readConfig());
const tracing = await startTracing("notifier", config.tracing);
const logger = createLogger("notifier");
const notifier = await startNotifierWorker(config, logger);
onShutdown(logger, async () => {
  await notifier.stop();
  await tracing.shutdown();
});

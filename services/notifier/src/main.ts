import { loadConfigOrExit } from "@invoicing/service-kit/env-config";
import { createLogger } from "@invoicing/service-kit/logger";
import { onShutdown } from "@invoicing/service-kit/shutdown";
import { startTracing } from "@invoicing/service-kit/tracing";
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
